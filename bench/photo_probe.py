"""One photo measurement in a fresh process: `python -m bench.photo_probe MODE FILE REPEAT`.

Prints one JSON line: wall and CPU seconds of each timed repetition (after
one untimed warm-up), the resident set size just before the work, and the
peak resident set size during it (the warm-up included). Resident memory
counts Pillow's and libheif's C buffers, which tracemalloc (Python objects
only) would miss. The peak is the kernel's high-water mark (VmHWM), reset
just before the work through /proc/self/clear_refs; getrusage's ru_maxrss
cannot be reset and, on Linux, starts out with the parent process's size.
Both modes import the same modules and read the file before measuring, so
their baselines match."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import django


def memory_kib() -> dict[str, int]:
    """Current and peak resident set size of this process, in KiB."""
    status = Path("/proc/self/status").read_text()
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {key: int(values[key].split()[0]) for key in ("VmRSS", "VmHWM")}


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux 4.0+)


def main(mode: str, path: str, repeat: int) -> dict:
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from casestudies.interviews import photos  # registers the HEIF opener, as in the site

    data = Path(path).read_bytes()  # read once, before measuring

    def pipeline():
        # What an upload costs: clean_photo makes the cleaned file and its thumbnail from one decode.
        upload = SimpleUploadedFile("upload", data, content_type="application/octet-stream")
        started = time.perf_counter()
        clean = photos.clean_photo(upload)
        assert clean.thumbnail  # the thumbnail is part of what was measured
        return {"clean": time.perf_counter() - started}

    def pillow():
        # Pillow's own plain round trip: decode everything, encode a JPEG at our quality.
        started = time.perf_counter()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image.save(io.BytesIO(), format="JPEG", quality=photos.JPEG_QUALITY)
        return {"decode_encode": time.perf_counter() - started}

    work = {"pipeline": pipeline, "pillow": pillow}[mode]
    reset_peak()
    before = memory_kib()["VmRSS"]
    work()  # warm-up: first use of the codecs
    runs = []
    for _ in range(repeat):
        cpu = time.process_time()
        parts = work()
        parts["cpu"] = time.process_time() - cpu
        runs.append(parts)
    return {"mode": mode, "runs": runs, "rss_before_kib": before, "peak_kib": memory_kib()["VmHWM"]}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))

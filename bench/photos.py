"""Photo pipeline against Pillow's plain decode and encode, per file, each
measurement in its own fresh process (see bench.photo_probe)."""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

from PIL import ExifTags, Image

# The phone photo of the test data (tests/data/images), in the repository.
DEFAULT_HEIC = Path(__file__).resolve().parents[1] / "tests" / "data" / "images" / "photos" / "iphone.heic"
HEIC = Path(os.environ.get("BENCH_HEIC", DEFAULT_HEIC))


def make_12mp_jpeg(path: Path) -> Path:
    """A 4000x3000 camera-like JPEG: gradients with noise (so it compresses like
    a photo, about 4.7 MB), EXIF orientation 6 (the thumbnail must be turned,
    the cleaned file keeps the tag) and GPS (which must go)."""
    if path.exists():
        return path
    width, height = 4000, 3000
    rng = random.Random(12)
    noise = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    gradient = Image.linear_gradient("L").resize((width, height))
    channels = (
        Image.blend(gradient, noise, 0.15),
        Image.blend(
            gradient.transpose(Image.Transpose.ROTATE_90).resize((width, height)),
            noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
            0.15,
        ),
        Image.blend(
            Image.radial_gradient("L").resize((width, height)),
            noise.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
            0.15,
        ),
    )
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Casebook"
    exif[ExifTags.Base.Model] = "Bench 12 MP"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 25.0, 3.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (7.0, 49.0, 41.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, format="JPEG", quality=92, exif=exif)
    path.write_bytes(out.getvalue())
    return path


def probe(mode: str, path: Path, repeat: int) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.photo_probe", mode, str(path), str(repeat)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def describe(path: Path) -> str:
    with Image.open(path) as image:
        megapixels = image.width * image.height / 1e6
        return (
            f"{path.name}: {image.format}, {image.width}×{image.height} ({megapixels:.1f} MP), "
            f"{path.stat().st_size / 1e6:.1f} MB"
        )


def run(work_dir: Path, *, repeat: int, log=print) -> list[dict]:
    import pillow_heif

    pillow_heif.register_heif_opener()
    files = [make_12mp_jpeg(work_dir / "camera-12mp.jpg")]
    if HEIC.exists():
        files.append(HEIC)
    else:
        log(f"photos: {HEIC} is missing; set BENCH_HEIC to a phone HEIC to measure one")
    results = []
    for path in files:
        log(f"photos: {path.name}")
        pipeline = probe("pipeline", path, repeat)
        plain = probe("pillow", path, repeat)
        results.append({"file": describe(path), "pipeline": pipeline, "pillow": plain})
    return results


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)

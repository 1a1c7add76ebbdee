"""A small HTTP load generator for machines without wrk:
`python -m bench.loadgen URL SECONDS CONNECTIONS [HEADER: VALUE ...]`.

Each connection is its own process sending one request at a time (a new TCP
connection per request, as gunicorn's sync workers close it anyway). Prints
rps, p50_ms, p99_ms, errors and requests. It costs more CPU per request than
wrk, which shares the machine with the server: prefer wrk."""

from __future__ import annotations

import http.client
import multiprocessing
import sys
import time
from urllib.parse import urlsplit


def worker(url: str, seconds: float, headers: dict[str, str], queue) -> None:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status >= 400:
                errors += 1
        except OSError:
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
    queue.put((latencies, errors))


def main(argv: list[str]) -> str:
    url, seconds, connections = argv[0], float(argv[1]), int(argv[2])
    headers = dict(header.split(": ", 1) for header in argv[3:])
    queue = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=worker, args=(url, seconds, headers, queue))
        for _ in range(connections)
    ]
    for process in processes:
        process.start()
    latencies, errors = [], 0
    for _ in processes:
        got, failed = queue.get()
        latencies += got
        errors += failed
    for process in processes:
        process.join()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000 if latencies else 0.0

    return (
        f"rps={len(latencies) / seconds:.1f} p50_ms={pct(50):.2f} p99_ms={pct(99):.2f} "
        f"errors={errors} requests={len(latencies)}"
    )


if __name__ == "__main__":
    print(main(sys.argv[1:]))

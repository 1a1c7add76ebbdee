"""Past one machine: reads through Varnish, and two replicas against one.

Two measurements with Debian's varnishd and the project's VCL
(docker/varnish/) in front of gunicorn replicas of one worker each:

1. A case study read through Varnish against the minimal view read through
   the same Varnish: both are Varnish hits, so the ratio says whether the
   site costs anything at all once the front cache holds a page (>= 0.9).
2. An uncached page (a session cookie: Varnish and the page cache pass it on)
   through Varnish in front of two replicas against one: how far adding a
   replica carries (>= 1.6 on two cores).

bin/bench runs it after the other measurements (the hook in bench/run.py);
`python -m bench.front PATH` runs it alone against a seeded database."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass

from . import throughput
from .varnish import Varnish, varnishd

SESSION = {"Cookie": "sessionid=bench-no-such-session"}


@dataclass
class Row:
    name: str
    measured: str
    ratio: float
    target: float
    rates: tuple[float, float]


def _rate(load, url: str, headers: dict[str, str], *, duration: int, connections: int, rounds: int) -> float:
    runs = [
        load(url, {**throughput.HEADERS, **headers}, duration=duration, connections=connections, threads=1)
        for _ in range(rounds)
    ]
    for run in runs:
        if run.errors:
            raise RuntimeError(f"{url}: {run.errors} errors under load")
    return statistics.fmean(run.requests_per_second for run in runs)


def run(
    story_path: str,
    *,
    port: int,
    duration: int = 10,
    warmup: int = 2,
    connections: int = 8,
    rounds: int = 3,
    log: Callable = print,
) -> list[Row] | str:
    """The two rows, or why they could not be measured."""
    from .urls import MINIMAL_CACHED_PATH  # after django.setup()

    if varnishd() is None:
        return "varnishd is not installed (apt-get install varnish): no front-cache rows."
    load = throughput.load_wrk if throughput.wrk_version() else throughput.load_python
    options = {"duration": duration, "connections": connections, "rounds": rounds}
    rows: list[Row] = []
    with throughput.Server(port, 1, log) as first, throughput.Server(port + 1, 1, log) as second:
        front = Varnish(port + 2, [first.port]).ready()
        try:
            for path in (story_path, MINIMAL_CACHED_PATH):
                load(
                    front.url + path, throughput.HEADERS, duration=warmup, connections=connections, threads=1
                )
            log("front cache: the case study through Varnish")
            story = _rate(load, front.url + story_path, {}, **options)
            log("front cache: the minimal view through Varnish")
            minimal = _rate(load, front.url + MINIMAL_CACHED_PATH, {}, **options)
            rows.append(
                Row(
                    "case study through Varnish / minimal view through Varnish",
                    "req/s",
                    story / minimal,
                    0.9,
                    (story, minimal),
                )
            )
            load(
                front.url + story_path,
                {**throughput.HEADERS, **SESSION},
                duration=warmup,
                connections=connections,
                threads=1,
            )
            log("front cache: uncached case study, one replica")
            one = _rate(load, front.url + story_path, SESSION, **options)
        finally:
            front.stop()
        front = Varnish(port + 2, [first.port, second.port]).ready()
        try:
            load(
                front.url + story_path,
                {**throughput.HEADERS, **SESSION},
                duration=warmup,
                connections=connections,
                threads=1,
            )
            log("front cache: uncached case study, two replicas")
            two = _rate(load, front.url + story_path, SESSION, **options)
        finally:
            front.stop()
    rows.append(
        Row("uncached case study: two replicas / one (one worker each)", "req/s", two / one, 1.6, (two, one))
    )
    return rows


def render(rows: list[Row] | str) -> str:
    """The report's section (appended to RESULTS.md)."""
    lines = ["", "## Front cache and replicas (Varnish)", ""]
    if isinstance(rows, str):
        return "\n".join([*lines, rows, ""])
    lines += ["| measurement | req/s | ratio | target |", "| --- | --- | --- | --- |"]
    for row in rows:
        rates = " / ".join(f"{rate:,.0f}" for rate in row.rates)
        verdict = "met" if row.ratio >= row.target else "NOT met"
        lines.append(f"| {row.name} | {rates} | {row.ratio:.2f}× | ≥ {row.target}× ({verdict}) |")
    return "\n".join([*lines, ""])


def main(argv: list[str]) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    port = int(os.environ.get("BENCH_PORT", "18765")) + 10
    print(
        render(run(argv[0] if argv else "/", port=port, duration=int(os.environ.get("BENCH_SECONDS", "10"))))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

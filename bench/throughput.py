"""Throughput under gunicorn: a cached case study against the minimal view of
bench.urls, on one server with one configuration, the load from a second
process (wrk when installed, else the small Python generator below). The
targets take turns, round after round, so that a change in what else the
machine is doing falls on both alike."""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .latency import BROWSER

HEADERS = {
    # As behind the production proxy, and from a browser (so page views count).
    "X-Forwarded-Proto": "https",
    "User-Agent": BROWSER,
    "Accept-Language": "de-DE,de;q=0.9",
}


@dataclass
class Target:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    expect_cache: str | None = None


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int
    requests: int
    server_cpu_ms: float = 0.0  # gunicorn's CPU time (master and workers) per request


@dataclass
class Result:
    target: Target
    runs: list[Run] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return statistics.fmean(run.requests_per_second for run in self.runs)

    @property
    def cpu_ms(self) -> float:
        return statistics.median(run.server_cpu_ms for run in self.runs)


def wrk_version() -> str | None:
    if not shutil.which("wrk"):
        return None
    completed = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (completed.stdout + completed.stderr).strip().splitlines()[0]


class Server:
    """gunicorn serving the bench settings on 127.0.0.1:port, started and stopped by us."""

    def __init__(self, port: int, workers: int, log: Callable = print):
        self.port, self.workers, self.log = port, workers, log
        self.process: subprocess.Popen | None = None
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--forwarded-allow-ips",
            "*",
            "--log-level",
            "warning",
        ]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        self.process = subprocess.Popen(self.command, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                self.get("/__bench__/minimal/")
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cpu_seconds(self) -> float:
        """User and system CPU time of the master and its workers so far."""
        pids = [self.process.pid]
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            pids += [int(pid) for pid in (task / "children").read_text().split()]
        ticks = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def get(self, path: str, headers: dict[str, str] | None = None):
        url = self.base + path  # our own server, http only
        request = urllib.request.Request(url, headers={**HEADERS, **(headers or {})})  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
            return response.status, dict(response.headers)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(output: str) -> Run:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    percentiles = {
        pct: _ms(value, unit)
        for pct, value, unit in re.findall(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in match.groups())
    return Run(rps, percentiles.get("50"), percentiles.get("99"), errors, requests)


def load_wrk(url: str, headers: dict[str, str], *, duration: int, connections: int, threads: int) -> Run:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    completed = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    return parse_wrk(completed.stdout)


def load_python(url: str, headers: dict[str, str], *, duration: int, connections: int, threads: int) -> Run:
    """The fallback without wrk: `connections` processes, one request at a time each."""
    command = [sys.executable, "-m", "bench.loadgen", url, str(duration), str(connections)]
    for name, value in headers.items():
        command += [f"{name}: {value}"]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    values = dict(line.split("=", 1) for line in completed.stdout.split())
    return Run(
        float(values["rps"]),
        float(values["p50_ms"]),
        float(values["p99_ms"]),
        int(values["errors"]),
        int(values["requests"]),
    )


def run(
    targets: list[Target],
    *,
    port: int,
    workers: int,
    duration: int,
    warmup: int,
    connections: int,
    threads: int,
    rounds: int,
    log: Callable = print,
) -> dict:
    tool = wrk_version()
    load = load_wrk if tool else load_python
    tool = tool or "bench.loadgen (Python; wrk not installed)"
    results = [Result(target) for target in targets]
    with Server(port, workers, log) as server:
        for target in targets:
            # Fills the page cache and creates renditions; then checks what is measured.
            for _ in range(2):
                status, response_headers = server.get(target.path, target.headers)
            got = response_headers.get("X-Casebook-Cache")
            if status != 200 or (target.expect_cache and got != target.expect_cache):
                raise RuntimeError(f"{target.name}: status {status}, page cache {got!r}")
            if target.expect_cache is None and got == "hit":
                raise RuntimeError(f"{target.name}: served from the page cache, which it must not be")
            load(
                server.base + target.path,
                {**HEADERS, **target.headers},
                duration=warmup,
                connections=connections,
                threads=threads,
            )
        for number in range(rounds):
            for result in results:
                log(f"throughput: round {number + 1}/{rounds}: {result.target.name}")
                cpu = server.cpu_seconds()
                measured = load(
                    server.base + result.target.path,
                    {**HEADERS, **result.target.headers},
                    duration=duration,
                    connections=connections,
                    threads=threads,
                )
                measured.server_cpu_ms = (server.cpu_seconds() - cpu) * 1000 / max(measured.requests, 1)
                result.runs.append(measured)
    return {
        "tool": tool,
        "server": " ".join(server.command[2:]),
        "workers": workers,
        "duration": duration,
        "warmup": warmup,
        "connections": connections,
        "threads": threads,
        "rounds": rounds,
        "results": results,
    }

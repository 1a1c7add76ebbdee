"""What the benchmarks ran on."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path


def _cpuinfo() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _physical_cores() -> str:
    try:
        output = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    values = dict(line.split(":", 1) for line in output.splitlines() if ":" in line)
    per_socket = values.get("Core(s) per socket", "").strip()
    sockets = values.get("Socket(s)", "").strip()
    if per_socket.isdigit() and sockets.isdigit():
        return str(int(per_socket) * int(sockets))
    return "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def describe() -> dict[str, str]:
    import pillow_heif
    from django.core.cache import cache
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis = cache.client.get_client().info("server")["redis_version"]
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": f"{_git('rev-parse', '--short', 'HEAD')} ({_git('rev-parse', '--abbrev-ref', 'HEAD')})"
        + (", with uncommitted changes" if _git("status", "--porcelain", "--untracked-files=no") else ""),
        "cpu": _cpuinfo(),
        "cores": f"{os.cpu_count()} logical ({_physical_cores()} physical), {len(os.sched_getaffinity(0))} usable",
        "memory": f"{_memory_gib():.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": postgres,
        "redis": redis,
        "packages": ", ".join(
            f"{name} {version(name)}"
            for name in ("Django", "wagtail", "psycopg", "django-redis", "gunicorn", "pillow", "pillow-heif")
        )
        + f", libheif {pillow_heif.libheif_version()}",
    }

"""Running the project in a separate process with a controlled environment,
as a container or an operator's shell would, instead of the test settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def clean_env(**overrides: str) -> dict[str, str]:
    """Only what a bare machine has, plus the overrides: nothing of the test
    run's own environment (DATABASE_URL, REDIS_URL, a .env) leaks in."""
    env = {key: os.environ[key] for key in ("HOME", "LANG") if key in os.environ}
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        CASEBOOK_READ_DOTENV="false",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


def run(args: list[str], timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=REPO, env=clean_env(**env), capture_output=True, text=True, timeout=timeout
    )


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return run([sys.executable, *args], **env)


def start(args: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=REPO, env=clean_env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def stop(process: subprocess.Popen) -> str:
    """Stop a process started here; return what it printed (for failure messages)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    output, _ = process.communicate()
    return output or ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

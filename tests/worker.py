"""A real Celery worker process for the integration tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tests.services import redis_client

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database the running test uses, for another process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] or ""
    if s["PASSWORD"]:
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def celery_worker(redis_url: str, timeout: float = 30) -> Iterator[subprocess.Popen]:
    """Start `celery -A config worker` on the test database and wait until it
    answers a ping; stop it afterwards."""
    from config.celery import QUEUES

    redis_client().delete("celery", *QUEUES)  # nothing left over from an earlier run
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis_url,
    }
    hostname = f"casebook-test-{os.getpid()}@%h"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            hostname,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_ready(proc, timeout)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_until_ready(proc: subprocess.Popen, timeout: float) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early:\n{proc.stdout.read()}")
        if app.control.ping(timeout=0.5):
            return
    proc.terminate()
    raise RuntimeError(f"celery worker did not answer within {timeout} s:\n{proc.stdout.read()}")


def wait_for(condition, timeout: float = 20, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False

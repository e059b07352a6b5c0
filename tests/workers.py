"""Real Celery worker processes for tests, on the test database and the real Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]


def start_worker(log_path: Path, *, name: str = "w1", **env: str) -> subprocess.Popen[bytes]:
    """A worker in a session of its own, so the whole process group can be killed."""
    from django.conf import settings

    from tests.factories import live_database_url

    environment = {
        **os.environ,
        "DATABASE_URL": live_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        **env,
    }
    with log_path.open("a") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "newsdesk", "worker", "--loglevel=INFO",
             "--concurrency=1", "--without-gossip", "--without-mingle", "-n", f"{name}@%h"],
            cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop_worker(process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(predicate: Callable[[], bool], *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = log.read_text()[-4000:] if log.exists() else "(no log)"
    pytest.fail(f"timed out waiting for {what}; worker log:\n{tail}")

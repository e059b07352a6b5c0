"""``make run``: start Newsdesk locally with everything it needs, and stop it all on Ctrl-C.

Starts (or reuses) the embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set,
migrates, creates the demo editor and the demo story on first start, then runs one Celery
worker and the web server on 127.0.0.1:PORT. SIGINT or SIGTERM stops every process it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_GRACE_SECONDS = 20


def _say(message: str) -> None:
    print(f"newsdesk: {message}", flush=True)


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, check=True)


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    # A session of its own, so stopping it also stops its children (gunicorn's workers).
    return subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_for_http(url: str, processes: list[subprocess.Popen[bytes]], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    return False


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    port = os.environ.get("PORT", "8000")
    data_dir = Path(os.environ.get("NEWSDESK_DATA_DIR", "").strip() or BASE_DIR / ".newsdesk")
    data_dir = data_dir.resolve()
    os.environ["NEWSDESK_DATA_DIR"] = str(data_dir)

    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if "DATABASE_URL" not in os.environ or "REDIS_URL" not in os.environ:
            from newsdesk import embedded

            _say(f"starting the embedded PostgreSQL and Redis in {data_dir}")
            os.environ.setdefault("DATABASE_URL", embedded.database_url(data_dir))
            os.environ.setdefault("REDIS_URL", embedded.redis_url(data_dir))
            if not os.environ.get("SECRET_KEY"):
                os.environ["SECRET_KEY"] = embedded.local_secret_key(data_dir)
        _manage("migrate", "--noinput", "-v", "0")
        _manage("collectstatic", "--noinput", "-v", "0")
        _manage("demo_setup")
        processes.append(
            _spawn(
                [sys.executable, "-m", "celery", "-A", "newsdesk", "worker",
                 "--loglevel=INFO", "--concurrency=1", "--without-gossip", "--without-mingle"]
            )
        )  # fmt: skip
        processes.append(
            _spawn(
                [sys.executable, "-m", "gunicorn", "newsdesk.wsgi:application",
                 "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                 "--access-logfile", "-", "--graceful-timeout", "10"]
            )
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/"
        if not _wait_for_http(f"{url}accounts/login/", processes, timeout=120):
            _say("the web server did not come up; see the messages above")
            return 1
        _say(f"ready at {url}  (Ctrl-C stops everything)")
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        _say("a process stopped by itself; stopping the rest")
        return 1
    except _Stop as stop:
        _say(f"{stop}: stopping")
        return 0
    except subprocess.CalledProcessError as error:
        _say(f"setup step failed: {' '.join(map(str, error.cmd[1:]))}")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop(processes)
        if "newsdesk.embedded" in sys.modules:
            sys.modules["newsdesk.embedded"].release(data_dir)
        _say("stopped")


if __name__ == "__main__":
    sys.exit(main())

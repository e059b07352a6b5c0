"""`make run`: one command brings up the whole app, and SIGTERM leaves nothing running."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from newsdesk import embedded

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log_in(
    base_url: str, username: str, password: str
) -> tuple[str, urllib.request.OpenerDirector]:
    """Log in through the real login form; returns the page it lands on and the session."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    login_url = f"{base_url}accounts/login/"
    page = opener.open(login_url, timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "the login page has no CSRF token"
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    request = urllib.request.Request(
        login_url, data=urllib.parse.urlencode(form).encode(), headers={"Referer": login_url}
    )
    with opener.open(request, timeout=30) as response:
        assert response.url == base_url, "the login did not land on the story list"
        return str(response.read().decode()), opener


def status_of(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str]:
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def processes_using(data_dir: Path, port: int) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if str(data_dir) in command or f"127.0.0.1:{port}" in command:
            found.append(process)
    return found


@pytest.mark.worker
def test_make_run_serves_the_demo_survives_a_database_restart_and_stops_cleanly(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(NEWSDESK_DATA_DIR=str(data_dir), PORT=str(port))  # fmt: skip
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.launcher"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while "ready at" not in log_path.read_text():
            assert launcher.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.5)
        output = log_path.read_text()
        password = re.search(r"Log in as 'editor' with password '([^']+)'", output)
        assert password, output[-2000:]
        base_url = f"http://127.0.0.1:{port}/"
        story_list, session = log_in(base_url, "editor", password.group(1))
        assert "Callowford" in story_list
        children = psutil.Process(launcher.pid).children(recursive=True)
        commands = [" ".join(child.cmdline()) for child in children]
        assert any("celery" in command and "worker" in command for command in commands)

        embedded.stop_postgres(data_dir)  # PostgreSQL goes away under the running app
        status, page = status_of(session, base_url)
        assert status == 503
        assert "cannot reach its database" in page
        embedded.start_postgres(data_dir)  # and comes back: no restart of the app
        status, page = status_of(session, base_url)
        assert status == 200 and "Callowford" in page
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=60)
    time.sleep(1)
    assert processes_using(data_dir, port) == []
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the web server is still listening"

"""Load test: concurrent editors browse story pages and review claims on the real server.

Starts Newsdesk the way `make run` does (embedded PostgreSQL and Redis, a Celery worker,
gunicorn) in a throwaway folder, waits for the demo story to be analysed, then runs EDITORS
simulated editors for SECONDS: each opens the story page, opens a claim, and verifies or
disputes it with the review count it saw. Afterwards it checks that the review history holds
exactly the reviews the server accepted (a 409 "changed since you loaded it" is a refusal the
editor is told about, not a loss) and writes p50/p95 latencies to bench/results/load.json.

    .venv/bin/python bench/load.py [--editors 20] [--seconds 60] [--slug SLUG]

Traffic goes to 127.0.0.1 only; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
RESULTS = BASE_DIR / "bench" / "results"
PASSWORD = "load-test-password-1729"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def manage(data_dir: Path, code: str) -> str:
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(data_dir)}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return result.stdout.strip()


class Editor:
    """One browser session: cookies, CSRF token, timings."""

    def __init__(self, base_url: str, username: str) -> None:
        self.base_url = base_url
        self.username = username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken") or ""

    def request(
        self, path: str, data: dict[str, str] | None = None, htmx: bool = False
    ) -> tuple[int, str, float]:
        headers = {"HX-Request": "true"} if htmx else {}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["X-CSRFToken"] = self.csrf()
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            text, status = error.read().decode(), error.code
        return status, text, time.perf_counter() - started

    def log_in(self) -> None:
        self.request("/accounts/login/")
        status, _, _ = self.request(
            "/accounts/login/", {"username": self.username, "password": PASSWORD}
        )
        if status != 200:
            raise RuntimeError(f"{self.username} could not log in ({status})")


def run_editor(
    editor: Editor, slug: str, until: float, timings: dict[str, list[float]],
    outcome: dict[str, int], lock: threading.Lock,
) -> None:  # fmt: skip
    rng = random.Random(editor.username)
    while time.monotonic() < until:
        status, page, seconds = editor.request(f"/stories/{slug}/")
        claim_ids = re.findall(r'<li[^>]*data-claim-id="(\d+)"', page) or re.findall(
            r'data-claim-id="(\d+)"', page
        )
        with lock:
            timings["story page"].append(seconds)
            outcome[f"story page {status}"] += 1
        if status != 200 or not claim_ids:
            continue
        claim_id = rng.choice(claim_ids)
        status, panel, seconds = editor.request(f"/stories/{slug}/claims/{claim_id}/", htmx=True)
        with lock:
            timings["claim panel"].append(seconds)
            outcome[f"claim panel {status}"] += 1
        seen = re.search(r'name="expected_count" value="(\d+)"', panel)
        if status != 200 or not seen:
            continue
        action = rng.choice(["verify", "dispute"])
        form = {"action": action, "note": f"load test by {editor.username}",
                "expected_count": seen.group(1)}  # fmt: skip
        status, _, seconds = editor.request(
            f"/stories/{slug}/claims/{claim_id}/review/", form, htmx=True
        )
        with lock:
            timings["review"].append(seconds)
            outcome[f"review {status}"] += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--slug", default="callowford-warehouse-fire")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="newsdesk-load-"))
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    }
    env.update(NEWSDESK_DATA_DIR=str(data_dir), PORT=str(port))  # fmt: skip
    log_path = data_dir / "launcher.log"
    with log_path.open("w") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.launcher"], cwd=BASE_DIR, env=env,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while "ready at" not in log_path.read_text():
            if launcher.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the app did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        names = [f"loadeditor{n}" for n in range(args.editors)]
        manage(data_dir, (
            "from django.contrib.auth import get_user_model; "
            "from claims.permissions import ensure_groups; g = ensure_groups().editors\n"
            f"for name in {names!r}:\n"
            f"    u = get_user_model().objects.create_user(name, password={PASSWORD!r}); "
            "g.user_set.add(u)"
        ))  # fmt: skip
        state_code = (
            "from claims.models import Story; "
            f"print(Story.objects.get(slug={args.slug!r}).analysis_state)"
        )
        while manage(data_dir, state_code) != "analyzed":
            if time.monotonic() > deadline:
                raise RuntimeError("the demo story was not analysed in time")
            time.sleep(2)
        base_url = f"http://127.0.0.1:{port}"
        editors = [Editor(base_url, name) for name in names]
        for editor in editors:
            editor.log_in()
        timings: dict[str, list[float]] = defaultdict(list)
        outcome: dict[str, int] = defaultdict(int)
        lock = threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=run_editor,
                             args=(editor, args.slug, until, timings, outcome, lock))
            for editor in editors
        ]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        stored = int(manage(data_dir, (
            "from claims.models import Review; "
            "print(Review.objects.filter(note__startswith='load test by').count())"
        )))  # fmt: skip
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=60)
        shutil.rmtree(data_dir, ignore_errors=True)

    accepted = outcome.get("review 200", 0)
    errors = {key: count for key, count in outcome.items()
              if not key.endswith((" 200", "review 409"))}  # fmt: skip
    report = {
        "editors": args.editors,
        "seconds": args.seconds,
        "requests": {key: len(values) for key, values in timings.items()},
        "latency_ms": {
            key: {
                "p50": round(1000 * statistics.median(values), 1),
                "p95": round(1000 * percentile(values, 0.95), 1),
                "max": round(1000 * max(values), 1),
            }
            for key, values in timings.items()
            if values
        },
        "outcomes": dict(sorted(outcome.items())),
        "reviews_accepted": accepted,
        "reviews_refused_as_stale": outcome.get("review 409", 0),
        "reviews_in_history": stored,
        "lost_reviews": accepted - stored,
        "errors": errors,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0 if not errors and stored == accepted else 1


if __name__ == "__main__":
    sys.exit(main())

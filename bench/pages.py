"""Pages: the story page of a 20-article story, its server time under load and its queries.

    .venv/bin/python bench/pages.py [--editors 4] [--seconds 30]

In a throwaway instance, the first 20 articles of ECB+ event topic01-ecbplus are one story and
its first 5 another; both are analysed with `manage.py analyze`. Then, in one Django process
(the app's views, middleware and templates through Django's test Client, no network):

- the number of database queries of the story page, plain and with a claim open (its panel,
  with the "seen before" look-up), for both stories: it must not grow with the sentences;
- the server time of the 20-article story page, one editor alone, then --editors editors at
  once for --seconds seconds, each a process of its own (as gunicorn's workers are) with its
  own session and database connection: p50 and p95.

Writes bench/results/pages.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    ECB,
    ROOT,
    Instance,
    ecb_files,
    median,
    percentile,
    readable,
    require,
    run_timed,
    write_result,
)

SIZES = {"story-20": 20, "story-5": 5}


def inside() -> dict[str, Any]:
    """Runs in a process with Django set up against the instance's database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from claims.models import Claim, Sentence
    from claims.permissions import ensure_groups

    user = get_user_model().objects.create_user("pages-editor", password="pages-password-1729")
    ensure_groups().editors.user_set.add(user)

    def client() -> Client:
        browser = Client()
        browser.force_login(user)
        return browser

    report: dict[str, Any] = {"queries": {}}
    browser = client()
    for slug in SIZES:
        claim = Claim.objects.current().filter(story__slug=slug).order_by("position").first()
        assert claim is not None, f"{slug} has no claims"
        claim.mark_verified(by=user, note="checked")  # a panel with a review in it
        counts = {}
        for label, path in (
            ("story page", f"/stories/{slug}/"),
            ("story page with a claim open", f"/stories/{slug}/?claim={claim.pk}"),
        ):
            browser.get(path)  # warm
            with CaptureQueriesContext(connection) as captured:
                response = browser.get(path)
            assert response.status_code == 200, (path, response.status_code)
            counts[label] = len(captured.captured_queries)
        report["queries"][slug] = {
            "articles": SIZES[slug],
            "sentences": Sentence.objects.filter(article__story__slug=slug).count(),
            "claims": Claim.objects.current().filter(story__slug=slug).count(),
            **counts,
        }

    path = "/stories/story-20/"
    alone = []
    for _ in range(50):
        started = time.perf_counter()
        response = browser.get(path)
        alone.append(time.perf_counter() - started)
        assert response.status_code == 200
    report["story_20_page_ms_one_editor"] = _summary(alone)

    return report


def load(seconds: float) -> dict[str, Any]:
    """One editor requesting the 20-article story page for `seconds` (one process each)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    browser = Client()
    browser.force_login(get_user_model().objects.get(username="pages-editor"))
    browser.get("/stories/story-20/")
    timings, errors = [], 0
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.perf_counter()
        response = browser.get("/stories/story-20/")
        timings.append(time.perf_counter() - started)
        errors += response.status_code != 200
    return {"timings": timings, "errors": errors}


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "requests": len(values),
        "p50": round(1000 * median(values), 1),
        "p95": round(1000 * percentile(values, 0.95), 1),
        "max": round(1000 * max(values), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        print(json.dumps(inside()))
        return 0
    if args.load:
        print(json.dumps(load(args.seconds)))
        return 0
    require(ECB, "the ECB+ stories")
    files, _ = readable(ecb_files("topic01-ecbplus"))
    with Instance() as instance:
        for slug, size in SIZES.items():
            instance.ingest(slug, files[:size])
            instance.manage("analyze", slug)
        env = instance.env(ALLOWED_HOSTS="testserver,localhost,127.0.0.1")
        result = run_timed([sys.executable, __file__, "--inside"], env)
        report = json.loads(result.stdout.strip().splitlines()[-1])
        command = [sys.executable, __file__, "--load", "--seconds", str(args.seconds)]
        editors = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(args.editors)
        ]
        outputs = [
            json.loads(editor.communicate()[0].strip().splitlines()[-1]) for editor in editors
        ]
        timings = [value for output in outputs for value in output["timings"]]
        report[f"story_20_page_ms_{args.editors}_editors_at_once"] = {
            **_summary(timings),
            "seconds": args.seconds,
            "errors": sum(output["errors"] for output in outputs),
        }
        report["conditions"] = (
            "2 cores; Django's test Client in the app's processes (views, middleware, templates, "
            "ORM; no network or WSGI server), DEBUG off, embedded PostgreSQL; time per request"
        )
    write_result("pages", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

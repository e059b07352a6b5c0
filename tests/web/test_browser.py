"""One editor's session in headless Chromium against a live server.

Logs in, creates a story by uploading the demo story's files, watches the progress bar while
the analysis runs, opens the story, picks a conflicting sentence, verifies its claim with a
note, reloads and sees the verdict kept, moves with the keys, and downloads the memo. Every
page is served with a strict Content-Security-Policy (script-src 'self', style-src 'self')
added in the browser, and the test fails on any console error or CSP violation. It saves the
story page to docs/story-page.png for the README.

There is no worker in this test: the test runs the analysis in-process itself
(`claims.services.story_analyze`: real segmentation, real embeddings and the engine). Should
the engine store no claims (as before it was wired into `story_analyze`), the claims are
grouped from the demo story's annotation (claims/demo_story/gold.json) with
`story_store_analysis` instead, the way the engine's result is stored, so the pages are still
exercised; the assertion messages say which of the two grouped them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from claims import services
from claims.analysis import side
from claims.models import Claim, Story
from tests.factories import PASSWORD, make_user
from tests.web.annotated import analysis_from_annotation

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
DEMO_FILES = sorted(
    path
    for path in (ROOT / "claims" / "demo_story").iterdir()
    if path.suffix in {".txt", ".md", ".html"}
)
SCREENSHOT = ROOT / "docs" / "story-page.png"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECONDS = 1000  # Playwright counts in milliseconds


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"headless Chromium is not installed at {CHROMIUM} "
            "(on Debian: apt-get install chromium); the browser test needs it"
        )
    from playwright.sync_api import sync_playwright

    # Fork the engine's lasting side process before Playwright opens its driver's pipes: one
    # forked later holds them open, and Playwright waits for its driver forever at the end.
    side_process = side.lasting_pool()
    if side_process is not None:
        side_process.submit(int).result()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        )  # fmt: skip
        context = browser.new_context(
            viewport={"width": 1600, "height": 1000}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(20 * SECONDS)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def serve_with_csp(page: Any) -> None:
    """Add the policy to every page the browser loads (GET; a routed POST would lose its
    uploaded files in Playwright, and what a POST answers is a redirect to a GET)."""

    def add_policy(route: Any) -> None:
        request = route.request
        if (
            request.resource_type != "document"
            or request.method != "GET"
            or "/export/" in request.url
        ):
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": CSP}
        )

    page.route("**/*", add_policy)


def test_an_editor_checks_a_conflict_from_upload_to_memo(
    transactional_db: Any, live_server: Any, browser_page: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM next to Playwright's loop
    monkeypatch.setattr(services, "story_enqueue_analysis", lambda **kwargs: True)  # no worker
    try:
        editor_session(browser_page, live_server.url)
    finally:
        # Under Playwright the test's ORM calls get a connection of their own; close it, or
        # the test database cannot be dropped at the end.
        connection.close()


def editor_session(page: Any, base_url: str) -> None:
    from playwright.sync_api import expect

    make_user("ed", editor=True)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and problems.append(f"{message.text} ({message.location}, page {page.url})")
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    serve_with_csp(page)

    # Log in.
    page.goto(base_url + "/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Stories")

    # Create a story by uploading four files.
    page.get_by_role("link", name="New story").first.click()
    page.fill("#id_title", "Callowford warehouse fire")
    page.set_input_files("#id_uploads", [str(path) for path in DEMO_FILES])
    page.get_by_role("button", name="Create the story").click()
    expect(page).to_have_url(f"{base_url}/stories/callowford-warehouse-fire/")
    expect(page.locator(".message-success")).to_contain_text("Added 4 articles")
    expect(page.locator("#analysis-progress progress")).to_be_visible()
    expect(page.locator("#analysis-progress label")).to_have_text("Waiting for a worker")

    # Run the analysis here; after the first article it waits until the page has shown it.
    story = Story.objects.get(slug="callowford-warehouse-fire")
    page_showed_embedding = threading.Event()
    failures: list[BaseException] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "Splitting and embedding article 2":
            page_showed_embedding.wait(timeout=60)

    def analyse() -> None:
        try:
            services.story_analyze(story=story, progress=progress)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
            page_showed_embedding.set()
        finally:
            connection.close()

    worker = threading.Thread(target=analyse)
    worker.start()
    try:
        expect(page.locator("#analysis-progress label")).to_contain_text(
            "Split and embedded", timeout=60 * SECONDS
        )
        assert int(page.get_attribute("#progress-bar", "value") or 0) > 0
    finally:
        page_showed_embedding.set()
        worker.join(timeout=120)
    assert not failures, failures
    grouped_by = "the engine"
    if not Claim.objects.filter(story=story).exists():
        grouped_by = "the demo story's annotation"
        services.story_store_analysis(story=story, result=analysis_from_annotation(story))
    # The bar stops polling and the page reloads itself once the analysis is done.
    expect(page.locator("#analysis-progress")).to_have_class("analysis-progress state-analyzed")
    page.reload()  # claims grouped after the analysis ended (annotation) show after a reload

    # Pick a conflicting sentence: its claim lights up in every pane and opens in the panel.
    sentence = page.locator("a.sentence[data-status=conflicting]").first
    claim_id = sentence.get_attribute("data-claim-id")
    assert claim_id, f"no conflicting sentence (claims grouped by {grouped_by})"
    sentence.click()
    panel = page.locator(f'#claim-panel [data-panel-claim="{claim_id}"]')
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Where they differ")
    members = page.locator(f'.sentence[data-claim-id="{claim_id}"]')
    assert members.count() >= 2
    expect(page.locator(f'.sentence.is-selected[data-claim-id="{claim_id}"]')).to_have_count(
        members.count()
    )
    expect(page.locator(f"#claim-{claim_id}")).to_have_class(
        "claim-item status-conflicting is-selected"
    )
    assert f"claim={claim_id}" in page.url
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    # Verify it with a note.
    page.fill("#review-note", "Fire service log: the call came at 23:07 on Tuesday 3 March.")
    page.click('#claim-panel [data-action="verify"]')
    expect(page.locator("[data-review-saved]")).to_contain_text("now verified")
    expect(page.locator(f"#claim-{claim_id}")).to_have_attribute("data-review", "verified")
    expect(page.locator(f'a.sentence[data-claim-id="{claim_id}"]').first).to_have_attribute(
        "data-review", "verified"
    )

    # Reload: the verdict and its note are kept.
    page.reload()
    expect(page.locator(f"#claim-{claim_id}")).to_have_attribute("data-review", "verified")
    expect(page.locator(f'[data-panel-claim="{claim_id}"]')).to_have_attribute(
        "data-review", "verified"
    )
    expect(page.locator(".history")).to_contain_text("Fire service log: the call came at 23:07")

    # Keys: j to the next claim, n to write a note, Esc to leave it, d to dispute, k back.
    items = page.locator("#claim-list .claim-item")
    ids = [items.nth(n).get_attribute("data-claim-id") for n in range(items.count())]
    following = ids[ids.index(claim_id) + 1]
    page.keyboard.press("j")
    expect(page.locator(f'#claim-panel [data-panel-claim="{following}"]')).to_be_visible()
    expect(
        page.locator(f'.sentence.is-selected[data-claim-id="{following}"]').first
    ).to_be_visible()
    page.keyboard.press("n")
    expect(page.locator("#review-note")).to_be_focused()
    page.keyboard.type("No second source for this.")
    page.keyboard.press("Escape")
    page.keyboard.press("d")
    # Saved in place by htmx: a plain form post would reload the page and drop the next key.
    expect(page.locator("[data-review-saved]")).to_contain_text("now disputed")
    expect(page.locator(f"#claim-{following}")).to_have_attribute("data-review", "disputed")
    assert "#claim-panel" not in page.url, "the review reloaded the page"
    page.keyboard.press("k")
    expect(page.locator(f'#claim-panel [data-panel-claim="{claim_id}"]')).to_be_visible()
    assert Claim.objects.get(pk=following).reviews.get().note == "No second source for this."

    # Choosing an entity marks the sentences that mention it.
    page.click(".entities-section summary")
    entity = page.locator(".entity-link").first
    entity.click()
    expect(entity).to_have_attribute("aria-pressed", "true")
    marked = len((entity.get_attribute("data-sentence-ids") or "").split())
    assert marked > 0
    expect(page.locator(".sentence.is-marked")).to_have_count(marked)

    # Download the memo.
    with page.expect_download() as download:
        page.click("[data-export=md]")
    assert download.value.suggested_filename == "callowford-warehouse-fire-memo.md"
    memo = Path(download.value.path()).read_text()
    assert memo.startswith("# Correction memo: Callowford warehouse fire")
    assert "Review: verified by ed" in memo and "the call came at 23:07" in memo

    assert not problems, problems

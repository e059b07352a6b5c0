"""Article text, names and notes are shown as text, never run; and our pages carry no inline
script, handler or style, so a strict Content-Security-Policy holds."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from claims.models import Article, Entity, Story
from tests.web.conftest import HTMX, BridgeStory, build_bridge_story

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
IMAGE = "<img src=x onerror=alert(1)>"
HOSTILE_WIRE = (
    f"The bridge reopened on Monday {SCRIPT} after 14 weeks of repairs. "
    f"“We are proud of the crews {IMAGE},” Mayor Ada Quist said. "
    "Officials said 40 workers helped. "
    "Traffic was light."
)


@pytest.fixture
def hostile(db: Any, editor: Any) -> BridgeStory:
    from tests.web.conftest import LOCAL, REWRITE

    built = build_bridge_story(
        slug="hostile", title=f"Bridge {SCRIPT}", bodies=(HOSTILE_WIRE, LOCAL, REWRITE)
    )
    Article.objects.filter(pk=built.wire.pk).update(
        outlet=f"Wire {IMAGE}", title=f"Headline {SCRIPT}", author=f"Ann {IMAGE}",
        url="javascript:alert(1)",
    )  # fmt: skip
    Entity.objects.filter(story=built.story).update(name=f"Ada {SCRIPT}", aliases=[IMAGE])
    built.number_claim.mark_disputed(by=editor, note=f"Checked {SCRIPT} and {IMAGE}")
    return built


def assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "onerror=alert(1)>" not in html
    assert "javascript:" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert re.fullmatch(r'<script src="/static/[\w/.-]+\.js" defer>', tag), tag


def test_hostile_text_is_shown_as_text_on_every_page(
    editor_client: Client, hostile: BridgeStory
) -> None:
    claim = hostile.number_claim
    quote = hostile.quote_claim
    pages = [
        editor_client.get("/"),
        editor_client.get("/stories/hostile/"),
        editor_client.get(f"/stories/hostile/?claim={claim.pk}"),
        editor_client.get(f"/stories/hostile/?claim={quote.pk}"),
        editor_client.get(f"/stories/hostile/claims/{claim.pk}/", headers=HTMX),
        editor_client.get(f"/stories/hostile/claims/{quote.pk}/", headers=HTMX),
        editor_client.get("/stories/hostile/claims/", headers=HTMX),
    ]
    for response in pages:
        assert response.status_code == 200
        assert_inert(response.content.decode())
    story_page = pages[1].content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in story_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in story_page
    assert "Wire &lt;img src=x onerror=alert(1)&gt;" in story_page  # outlet
    assert "Ada &lt;script&gt;" in story_page  # entity
    panel = pages[4].content.decode()
    assert "Checked &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; and &lt;img" in panel


def test_hostile_text_in_a_stale_review_message_is_escaped(
    editor_client: Client, hostile: BridgeStory
) -> None:
    claim = hostile.number_claim
    response = editor_client.post(
        f"/stories/hostile/claims/{claim.pk}/review/",
        {"action": "verify", "note": f"mine {SCRIPT}", "expected_count": 0},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert_inert(response.content.decode())


def test_hostile_text_in_the_new_story_form_is_escaped(editor_client: Client) -> None:
    html = editor_client.post(
        "/stories/new/", {"title": f"T {SCRIPT}", "text": f"{IMAGE}", "urls": f"http://x/{SCRIPT}"}
    ).content.decode()
    assert_inert(html)


def test_our_pages_have_no_inline_scripts_handlers_or_styles(
    editor_client: Client, bridge: BridgeStory
) -> None:
    Story.objects.filter(pk=bridge.story.pk).update(analysis_state="running")
    urls = [
        "/",
        "/stories/new/",
        "/stories/bridge/add/",
        "/stories/bridge/",
        f"/stories/bridge/?claim={bridge.number_claim.pk}",
        "/accounts/login/",
    ]
    for url in urls:
        html = editor_client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url
        assert "<style" not in html and "hx-on" not in html, url

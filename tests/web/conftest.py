"""Fixtures for the page tests: clients for each kind of user and an analysed story built
without the engine (segmented for real, grouped by hand with claims.analysis.types values)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from claims.analysis.types import Claim as EngineClaim
from claims.analysis.types import Conflict, Derivation, SentenceRef, StoryAnalysis
from claims.analysis.types import Entity as EngineEntity
from claims.analysis.types import Mention as EngineMention
from claims.models import Article, Claim, Sentence, Story
from claims.services import article_segment, story_store_analysis
from tests.factories import PASSWORD, make_article, make_story

WIRE = (
    "The bridge reopened on Monday after 14 weeks of repairs. "
    "“We are proud of the crews,” Mayor Ada Quist said. "
    "Officials said 40 workers helped. "
    "Traffic was light."
)
LOCAL = (
    "The bridge reopened Monday after 14 weeks of repairs. "
    "“We are so proud of every crew,” Mayor Ada Quist said. "
    "Officials said 44 workers helped. "
    "A fair followed."
)
REWRITE = (
    "The bridge reopened on Monday after 14 weeks of repairs. Officials said 40 workers helped."
)


def logged_in(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.get_username(), password=PASSWORD)
    return client


@pytest.fixture
def editor_client(editor: Any) -> Client:
    return logged_in(editor)


@pytest.fixture
def viewer_client(viewer: Any) -> Client:
    return logged_in(viewer)


@dataclass
class BridgeStory:
    """The analysed test story, with handles on what the tests look for."""

    story: Story
    wire: Article
    local: Article
    rewrite: Article

    def claim_of(self, article: Article, position: int) -> Claim:
        claim = Sentence.objects.get(article=article, position=position).claim
        assert claim is not None
        return claim

    @property
    def number_claim(self) -> Claim:
        return self.claim_of(self.wire, 2)

    @property
    def quote_claim(self) -> Claim:
        return self.claim_of(self.wire, 1)

    @property
    def single_claim(self) -> Claim:
        return self.claim_of(self.wire, 3)


def build_bridge_story(
    slug: str = "bridge", title: str = "Bridge reopens", bodies: tuple[str, str, str] | None = None
) -> BridgeStory:
    wire_body, local_body, rewrite_body = bodies or (WIRE, LOCAL, REWRITE)
    story = make_story(slug=slug, title=title)
    wire = make_article(
        story, wire_body, source="wire.txt", outlet="City Wire", title="Bridge reopens"
    )
    local = make_article(
        story, local_body, source="local.txt", outlet="The Courier", title="Bridge back"
    )
    rewrite = make_article(
        story, rewrite_body, source="rewrite.txt", outlet="Daily Echo", title="Bridge open"
    )
    for article in (wire, local, rewrite):
        article_segment(article=article)
        assert article.sentences.count() == (2 if article is rewrite else 4), article.body

    def ref(article: Article, index: int) -> SentenceRef:
        return SentenceRef(article.pk, index)

    number_members = (ref(wire, 2), ref(local, 2), ref(rewrite, 1))
    quote_members = (ref(wire, 1), ref(local, 1))
    claims = [
        EngineClaim(members=(ref(wire, 0), ref(local, 0), ref(rewrite, 0)),
                    status="corroborated", independent_sources=2),
        EngineClaim(members=quote_members, status="conflicting", independent_sources=2,
                    conflicts=(Conflict("quote", "“proud of the crews” vs “so proud of every crew”",
                                        quote_members),)),
        EngineClaim(members=number_members, status="conflicting", independent_sources=2,
                    conflicts=(Conflict("number", "40 vs 44 workers",
                                        (ref(wire, 2), ref(local, 2))),)),
        EngineClaim(members=(ref(wire, 3),), status="single_source", independent_sources=1),
        EngineClaim(members=(ref(local, 3),), status="single_source", independent_sources=1),
    ]  # fmt: skip
    mayor_at = [(article, article.body.index("Mayor Ada Quist")) for article in (wire, local)]
    mayor = EngineEntity(
        name="Ada Quist",
        kind="PERSON",
        aliases=("Ada Quist", "Mayor Ada Quist"),
        mentions=tuple(
            EngineMention(article.pk, 1, start, start + len("Mayor Ada Quist"), "Mayor Ada Quist")
            for article, start in mayor_at
        ),
    )
    story_store_analysis(
        story=story,
        result=StoryAnalysis(
            segments={},
            embeddings={},
            claims=claims,
            derived={rewrite.pk: Derivation(rewrite.pk, wire.pk, 0.93)},
            entities=[mayor],
        ),
    )
    Story.objects.filter(pk=story.pk).update(analysis_state="analyzed")
    story.refresh_from_db()
    return BridgeStory(story, wire, local, rewrite)


@pytest.fixture
def bridge(db: Any) -> BridgeStory:
    return build_bridge_story()


HTMX = {"HX-Request": "true"}
"""Headers of a request htmx makes (pass as `headers=HTMX`)."""

WEB_ARTICLE = b"""Harbour crane toppled in gale

Author: Rui Salgado

A harbour crane toppled in Tuesday's gale, the port authority said. Nobody was hurt.
"""


@pytest.fixture
def article_server(local_article_server: str, settings: Any) -> str:
    """The local article server, which the web form may fetch from in these tests only."""
    settings.NEWSDESK_FETCH_PRIVATE_URLS = True
    return local_article_server


@pytest.fixture(scope="session")
def local_article_server() -> Iterator[str]:
    """A local web server with one article at /crane.txt (everything else is a 404)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/crane.txt"
            body = WEB_ARTICLE if found else b"not here"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()

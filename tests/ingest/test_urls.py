"""Fetching URLs against a local http.server (see conftest.web_server)."""

from __future__ import annotations

import socket
import time
from datetime import date

import pytest

from claims.ingest import IngestError, fetch_url, parse_source


def _message(error: pytest.ExceptionInfo[IngestError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_fetch_html_page(web_server: str) -> None:
    url = f"{web_server}/article.html"
    article = fetch_url(url)
    assert article.source == url
    assert article.url == url
    assert article.title == "Four hurt as crane collapses at Port Ellis"
    assert article.author == "Priya Lindqvist"
    assert article.published == date(2025, 3, 14)
    assert article.outlet == "The Lakeside Ledger"
    assert article.body.startswith("A container crane collapsed onto a cargo ship")
    assert "NAV-NOISE" not in article.body


def test_parse_source_dispatches_urls(web_server: str) -> None:
    article = parse_source(f"{web_server}/article.html")
    assert article.outlet == "The Lakeside Ledger"


def test_plain_text_url_is_parsed_as_text(web_server: str) -> None:
    url = f"{web_server}/plain.txt"
    article = fetch_url(url)
    assert article.title == "Crane collapse injures four dock workers at Port Ellis"
    assert article.author == "Mira Okafor"
    assert article.metadata["dateline"] == "PORT ELLIS"
    assert article.outlet == "LNS"
    assert article.url == url


def test_declared_charset_is_used(web_server: str) -> None:
    article = fetch_url(f"{web_server}/cafes.txt")
    assert article.encoding == "cp1252"
    assert "“We’ve lost half our trade,”" in article.body
    assert article.outlet == "127.0.0.1"


def test_redirect_is_followed(web_server: str) -> None:
    article = fetch_url(f"{web_server}/moved")
    assert article.title == "Four hurt as crane collapses at Port Ellis"
    assert article.metadata["final_url"] == f"{web_server}/article.html"


@pytest.mark.parametrize("path", ["/to-ftp", "/to-file"])
def test_redirect_to_non_web_scheme_is_refused(web_server: str, path: str) -> None:
    url = f"{web_server}{path}"
    with pytest.raises(IngestError) as caught:
        fetch_url(url)
    message = _message(caught)
    assert message.startswith(f"Could not fetch {url}: it redirects to")


def test_http_404(web_server: str) -> None:
    url = f"{web_server}/missing"
    with pytest.raises(IngestError) as caught:
        fetch_url(url)
    assert _message(caught) == f"Could not fetch {url}: the server answered HTTP 404 Not Found."


def test_timeout(web_server: str) -> None:
    url = f"{web_server}/slow"
    started = time.monotonic()
    with pytest.raises(IngestError) as caught:
        fetch_url(url, timeout=0.2)
    assert time.monotonic() - started < 0.9
    assert (
        _message(caught) == f"Could not fetch {url}: the server did not answer within 0.2 seconds."
    )


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/article.html"
    with pytest.raises(IngestError) as caught:
        fetch_url(url, timeout=2)
    assert _message(caught) == f"Could not fetch {url}: the connection was refused."


def test_size_limit_from_content_length(web_server: str) -> None:
    url = f"{web_server}/big.html"
    with pytest.raises(IngestError) as caught:
        fetch_url(url, max_bytes=10_000)
    assert _message(caught).startswith(f"{url} is 0.02 MB, over the 0.01 MB limit")


def test_size_limit_without_content_length(web_server: str) -> None:
    url = f"{web_server}/unsized"
    with pytest.raises(IngestError) as caught:
        fetch_url(url, max_bytes=10_000)
    assert _message(caught) == (f"{url} is larger than the 0.01 MB limit: use a smaller source.")


def test_page_without_article_text(web_server: str) -> None:
    url = f"{web_server}/nav-only.html"
    with pytest.raises(IngestError) as caught:
        fetch_url(url)
    assert _message(caught).startswith(f"{url} has no article text")


def test_empty_page(web_server: str) -> None:
    url = f"{web_server}/empty.html"
    with pytest.raises(IngestError, match="returned an empty page"):
        fetch_url(url)


def test_non_text_content_type(web_server: str) -> None:
    url = f"{web_server}/picture.png"
    with pytest.raises(IngestError) as caught:
        fetch_url(url)
    assert "is not a web page or text (it is image/png)" in _message(caught)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/a.txt", "http://", "javascript:alert(1)"])
def test_fetch_refuses_bad_addresses(url: str) -> None:
    with pytest.raises(IngestError) as caught:
        fetch_url(url)
    assert _message(caught).startswith(url)


def test_unknown_host() -> None:
    url = "http://no-such-host.invalid/story"
    with pytest.raises(IngestError) as caught:
        fetch_url(url, timeout=5)
    message = _message(caught)
    assert message.startswith(f"Could not fetch {url}: ")


def test_private_addresses_are_refused_when_asked(web_server: str) -> None:
    with pytest.raises(IngestError, match="points to this server or a private network"):
        fetch_url(f"{web_server}/article.html", allow_private=False)
    assert fetch_url(f"{web_server}/article.html", allow_private=True).title


def test_a_redirect_to_a_private_address_is_refused_when_asked(
    web_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claims.ingest

    answers = iter([True])  # the first address passes as public; the redirect's does not
    monkeypatch.setattr(claims.ingest, "_host_is_public", lambda host: next(answers, False))
    with pytest.raises(IngestError, match="redirects to a private address"):
        fetch_url(f"{web_server}/moved", allow_private=False)

"""Decoding: UTF-8 with or without BOM, cp1252 and other legacy charsets, mixed files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from claims.ingest import decode_bytes, parse_bytes, parse_path


def test_cp1252_file_keeps_accents_and_curly_quotes(fixture_path: Callable[[str], Path]) -> None:
    article = parse_path(fixture_path("cp1252.txt"))
    assert article.encoding == "cp1252"
    assert article.title == "Café owners in Port Ellis say trade has dropped"
    assert article.author == "Renée Duval"
    assert "waterfront cafés" in article.body
    assert "“We’ve lost half our trade,” said Zoë Marchand" in article.body
    assert "crêperie" in article.body
    assert "salvage work — nobody" in article.body
    assert "\r" not in article.body


def test_utf8_bom_is_stripped() -> None:
    article = parse_bytes("\ufeffQuay reopens\n\nShips docked.".encode(), filename="bom.txt")
    assert article.encoding == "utf-8"
    assert article.title == "Quay reopens"
    assert "\ufeff" not in article.body


def test_utf16_with_bom() -> None:
    article = parse_bytes("Ferries ran late, said Zoë.".encode("utf-16"), filename="u16.txt")
    assert article.body == "Ferries ran late, said Zoë."
    assert article.encoding.startswith("utf-16")


def test_central_european_text_is_not_forced_into_cp1252() -> None:
    text = "Załoga promu w Łodzi mówi, że źródło awarii się znalazło. Żuraw był stary i zużyty."
    article = parse_bytes(text.encode("cp1250"), filename="pl.txt")
    assert article.body == text


def test_mostly_utf8_with_a_stray_cp1252_byte() -> None:
    data = "Café owners said “quiet”. ".encode() + "A stray ’ quote.".encode("cp1252")
    article = parse_bytes(data, filename="mixed.txt")
    assert article.encoding == "utf-8"
    assert article.body == "Café owners said “quiet”. A stray ’ quote."


def test_html_meta_charset_is_used() -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>Caf\u00e9s</title></head><body>'
        "<article><p>The caf\u00e9s on the quay \u201creopened\u201d on Tuesday, the owners "
        "said, after a week of salvage work next door.</p></article></body></html>"
    )
    text, encoding = decode_bytes(page.encode("cp1252"), source="p.html", html=True)
    assert encoding == "cp1252"
    assert "\u201creopened\u201d" in text
    article = parse_bytes(page.encode("cp1252"), filename="p.html")
    assert "The cafés on the quay “reopened” on Tuesday" in article.body

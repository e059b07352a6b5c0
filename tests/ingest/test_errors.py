"""Bad input: one plain-English line that names the source and the problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from claims.ingest import (
    DEFAULT_MAX_BYTES,
    SUPPORTED_EXTENSIONS,
    IngestError,
    parse_bytes,
    parse_path,
    parse_source,
    parse_text,
)


def _message(error: pytest.ExceptionInfo[IngestError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    assert message == message.strip()
    return message


def test_ingest_error_is_a_value_error() -> None:
    assert issubclass(IngestError, ValueError)
    assert str(IngestError("two\nlines")) == "two lines"


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t \n"])
def test_empty_text(text: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_text(text)
    assert _message(caught) == "pasted text is empty: there is no article text in it."


def test_empty_file(fixture_path: Callable[[str], Path]) -> None:
    path = fixture_path("empty.txt")
    with pytest.raises(IngestError) as caught:
        parse_path(path)
    message = _message(caught)
    assert message.startswith(str(path))
    assert "is empty" in message


def test_binary_file(fixture_path: Callable[[str], Path]) -> None:
    path = fixture_path("binary.txt")
    with pytest.raises(IngestError) as caught:
        parse_path(path)
    message = _message(caught)
    assert message.startswith(str(path))
    assert "binary file" in message


@pytest.mark.parametrize(
    "data", [b"\x00\x01\x02ABC", bytes(range(1, 256)) * 3, b"ok\x01\x02\x03\x04\x05\x06\x07"]
)
def test_binary_bytes(data: bytes) -> None:
    with pytest.raises(IngestError, match="binary file"):
        parse_bytes(data, filename="upload.txt")


def test_nul_in_pasted_text() -> None:
    with pytest.raises(IngestError, match="binary"):
        parse_text("The quay\x00 reopened.")


def test_headline_without_body() -> None:
    with pytest.raises(IngestError) as caught:
        parse_text("Quay reopens\n\nAuthor: Lea Moss\n")
    assert "no article text" in _message(caught)


@pytest.mark.parametrize("name", ["story.pdf", "story.docx", "README"])
def test_unknown_extension(name: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_bytes(b"The quay reopened.", filename=name)
    message = _message(caught)
    assert message.startswith(name)
    assert "unsupported file type" in message
    for extension in SUPPORTED_EXTENSIONS:
        assert extension in message


def test_unknown_extension_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "story.rtf"
    path.write_text("The quay reopened.")
    with pytest.raises(IngestError, match=r"unsupported file type \('\.rtf'\)"):
        parse_path(path)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    with pytest.raises(IngestError) as caught:
        parse_path(path)
    assert _message(caught) == f"{path} does not exist: check the file name and folder."


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="is a folder"):
        parse_path(tmp_path)


def test_over_the_size_limit_in_bytes() -> None:
    data = b"The quay reopened. " * 1000
    with pytest.raises(IngestError) as caught:
        parse_bytes(data, filename="long.txt", max_bytes=10_000)
    message = _message(caught)
    assert message.startswith("long.txt is 0.02 MB, over the 0.01 MB limit")


def test_over_the_default_limit_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (DEFAULT_MAX_BYTES + 700_000))
    with pytest.raises(IngestError) as caught:
        parse_path(path)
    assert _message(caught).startswith(f"{path} is 5.7 MB, over the 5 MB limit")


def test_just_over_the_limit_shows_bytes() -> None:
    with pytest.raises(
        IngestError, match=r"\(5,242,881 bytes\), over the 5 MB \(5,242,880 bytes\)"
    ):
        parse_bytes(b"a" * (DEFAULT_MAX_BYTES + 1), filename="edge.txt")


def test_at_the_limit_is_accepted() -> None:
    article = parse_bytes(b"The quay reopened.", filename="fits.txt", max_bytes=18)
    assert article.body == "The quay reopened."


def test_unknown_format_name() -> None:
    with pytest.raises(IngestError, match="unknown format"):
        parse_text("The quay reopened.", fmt="pdf")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ftp://files.example/story.txt", "only http:// and https:// links"),
        ("file:///etc/passwd", "only http:// and https:// links"),
        ("www.quaytimes.example/news/1", "starting with https://"),
    ],
)
def test_parse_source_refuses_non_web_addresses(given: str, expected: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_source(given)
    message = _message(caught)
    assert message.startswith(given)
    assert expected in message


def test_parse_source_reads_paths(fixture_path: Callable[[str], Path]) -> None:
    path = fixture_path("empty_author.txt")
    article = parse_source(str(path))
    assert article.source == str(path)
    assert article.title.startswith("Union calls for inquiry")

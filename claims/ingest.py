"""Turn pasted text, .txt/.md/.html files and web pages into article fields and a clean body.

Pure parsing: no Django, no database. Every bad input raises `IngestError` whose message is one
plain-English line that names the source.
"""

from __future__ import annotations

import codecs
import hashlib
import http.client
import ipaddress
import re
import socket
import ssl
import time
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura
import yaml

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")

PASTED_TEXT = "pasted text"
USER_AGENT = "Newsdesk/0.1 (newsroom fact-checking; article ingest)"

_FORMAT_BY_EXTENSION = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
}
_FORMAT_ALIASES = {
    "txt": "txt",
    "text": "txt",
    "md": "md",
    "markdown": "md",
    "html": "html",
    "htm": "html",
}
_READ_CHUNK = 64 * 1024
_MAX_REDIRECTS = 5
_MIN_HTML_WORDS = 4


class IngestError(ValueError):
    """Bad input; str(error) is one plain-English line an editor can act on, naming the source."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


@dataclass(frozen=True)
class ParsedArticle:
    """Article fields and clean body text extracted from one source."""

    source: str
    title: str
    author: str
    published: date | None
    outlet: str
    url: str
    body: str
    metadata: dict[str, str]
    encoding: str


@dataclass
class _Draft:
    """Fields gathered while parsing, before the body is final."""

    title: str = ""
    author: str = ""
    published: date | None = None
    outlet: str = ""
    url: str = ""
    agency: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def parse_text(text: str, *, source: str = PASTED_TEXT, fmt: str = "txt") -> ParsedArticle:
    """Parse article text in format "txt", "md" or "html"."""
    kind = _FORMAT_ALIASES.get(fmt.lower().lstrip("."))
    if kind is None:
        raise IngestError(f"{source}: unknown format {fmt!r}; use txt, md or html.")
    text = normalise_newlines(text)
    _check_is_text(text, source)
    if kind == "html":
        return _parse_html(text, source=source, page_url="")
    return _parse_plain(text, source=source, markdown=kind == "md")


def parse_bytes(data: bytes, *, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedArticle:
    """Decode and parse a file's bytes; the format follows the file name's extension."""
    kind = _format_for_filename(filename)
    _check_size(len(data), max_bytes, filename)
    if not data.strip():
        raise _empty_error(filename)
    text, encoding = decode_bytes(data, source=filename, html=kind == "html")
    article = parse_text(text, source=filename, fmt=kind)
    return replace(article, encoding=encoding)


def parse_path(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedArticle:
    """Read and parse a file; the article's source is the path as given."""
    source = str(path)
    path = Path(path)
    try:
        if not path.exists():
            raise IngestError(f"{source} does not exist: check the file name and folder.")
        if path.is_dir():
            raise IngestError(f"{source} is a folder, not a file: give the article file itself.")
        _format_for_filename(source)
        _check_size(path.stat().st_size, max_bytes, source)
        data = path.read_bytes()
    except IngestError:
        raise
    except PermissionError:
        raise IngestError(f"{source} cannot be read: permission denied.") from None
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise IngestError(f"{source} cannot be read: {reason}.") from None
    return parse_bytes(data, filename=source, max_bytes=max_bytes)


def fetch_url(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = 15.0,
    allow_private: bool = True,
) -> ParsedArticle:
    """Download a web page (bounded in time and size) and parse it.

    With ``allow_private=False`` (the web form), addresses that resolve to this machine or a
    private network are refused, at the start and after every redirect.
    """
    _check_web_url(url)
    if not allow_private:
        _check_public_host(url)
    download = _download(url, max_bytes=max_bytes, timeout=timeout, allow_private=allow_private)
    if not download.data.strip():
        raise IngestError(f"{url} returned an empty page: there is no article text in it.")
    kind = _format_for_content_type(download.content_type, url, download.data)
    text, encoding = decode_bytes(
        download.data, source=url, html=kind == "html", declared=download.charset
    )
    text = normalise_newlines(text)
    _check_is_text(text, url)
    if kind == "html":
        article = _parse_html(text, source=url, page_url=url)
    else:
        article = _parse_plain(text, source=url, markdown=kind == "md")
    metadata = dict(article.metadata)
    if download.final_url and download.final_url != url:
        metadata["final_url"] = download.final_url
    return replace(article, url=url, metadata=metadata, encoding=encoding)


def parse_source(
    path_or_url: str, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = 15.0
) -> ParsedArticle:
    """Fetch an http(s) URL or read a file path."""
    candidate = path_or_url.strip()
    scheme = _url_scheme(candidate)
    if scheme in ("http", "https"):
        return fetch_url(candidate, max_bytes=max_bytes, timeout=timeout)
    if scheme:
        raise IngestError(
            f"{path_or_url} is not a web address Newsdesk can fetch: "
            "only http:// and https:// links are supported."
        )
    path = Path(path_or_url)
    if _looks_like_bare_domain(candidate) and not _exists(path):
        raise IngestError(
            f"{path_or_url} does not exist as a file; "
            "for a web page, give the full address starting with https://."
        )
    return parse_path(path, max_bytes=max_bytes)


def content_hash(body: str) -> str:
    """SHA-256 hex digest of the body, NFC-normalised with whitespace runs collapsed."""
    normalised = " ".join(unicodedata.normalize("NFC", body).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def normalise_newlines(text: str) -> str:
    """Turn \\r\\n and lone \\r line endings into \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------


def _format_for_filename(filename: str) -> str:
    """The parsing format for a file name, or IngestError for unsupported extensions."""
    suffix = Path(filename).suffix.lower()
    kind = _FORMAT_BY_EXTENSION.get(suffix)
    if kind is None:
        found = f"'{suffix}'" if suffix else "no extension"
        raise IngestError(
            f"{filename} has an unsupported file type ({found}): "
            f"use one of {', '.join(SUPPORTED_EXTENSIONS)}."
        )
    return kind


def _format_mb(size: int) -> str:
    """A byte count in MB with as few decimals as make it non-zero."""
    value = size / (1024 * 1024)
    for decimals in range(1, 7):
        shown = f"{value:.{decimals}f}"
        if float(shown) != 0:
            break
    return shown.rstrip("0").rstrip(".") if "." in shown else shown


def _size_error(source: str, size: int | None, max_bytes: int) -> IngestError:
    """The message for a source over the size limit (size None: unknown, just too large)."""
    limit = _format_mb(max_bytes)
    if size is None:
        return IngestError(f"{source} is larger than the {limit} MB limit: use a smaller source.")
    shown = _format_mb(size)
    if shown == limit:
        shown, limit = f"{shown} MB ({size:,} bytes)", f"{limit} MB ({max_bytes:,} bytes)"
    else:
        shown, limit = f"{shown} MB", f"{limit} MB"
    return IngestError(
        f"{source} is {shown}, over the {limit} limit: trim it or split it into smaller files."
    )


def _check_size(size: int, max_bytes: int, source: str) -> None:
    """Refuse sources larger than max_bytes."""
    if size > max_bytes:
        raise _size_error(source, size, max_bytes)


def _empty_error(source: str) -> IngestError:
    return IngestError(f"{source} is empty: there is no article text in it.")


def _binary_error(source: str) -> IngestError:
    return IngestError(
        f"{source} looks like a binary file, not text: save the article as .txt, .md or .html "
        "and add that instead."
    )


# Control characters other than whitespace, and the replacement character.
_NOISE_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _check_is_text(text: str, source: str) -> None:
    """Refuse empty, whitespace-only and binary-looking text."""
    if not text.strip():
        raise _empty_error(source)
    if "\x00" in text:
        raise _binary_error(source)
    noise = len(_NOISE_CHARS.findall(text))
    if noise > max(2, len(text) // 10):
        raise _binary_error(source)


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
# Labels that browsers (WHATWG) decode as windows-1252.
_CP1252_LABELS = {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1"}


def _codec_name(label: str) -> str | None:
    """Canonical Python codec name for a charset label, None when unknown."""
    label = label.strip().strip("'\"").lower()
    if label in _CP1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try_decode(data: bytes, label: str | None) -> tuple[str, str] | None:
    """Decode strictly with a charset label; None when unknown or the bytes don't fit."""
    if not label:
        return None
    codec = _codec_name(label)
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return (text[1:] if text.startswith("\ufeff") else text), codec


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the offending byte as cp1252 (or latin-1 when undefined)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start : error.start + 1]
    try:
        return byte.decode("cp1252"), error.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), error.start + 1


codecs.register_error("newsdesk-cp1252-fallback", _cp1252_fallback)


def _decode_mostly_utf8(data: bytes) -> str | None:
    """Decode UTF-8 text with a few stray legacy bytes; None unless UTF-8 clearly dominates."""
    multibyte = len(_UTF8_MULTIBYTE.findall(data))
    if multibyte == 0:
        return None
    invalid = data.decode("utf-8", errors="replace").count("\ufffd") - data.count("\ufffd".encode())
    if invalid > multibyte:
        return None
    return data.decode("utf-8", errors="newsdesk-cp1252-fallback")


# What a Western newsroom's cp1252 text contains beyond ASCII, apart from letters.
_WESTERN_PUNCTUATION = frozenset("“”‘’„‚–—…•€£¥§©®™°±×÷·«»¢¦¨¯´¸ ")


def _plausible_western(text: str) -> bool:
    """True when every non-ASCII character is a letter or common typographic punctuation.

    Other legacy code pages read as cp1252 give symbols inside words (Polish "ł" becomes
    "³"), so they fail this test and go on to detection.
    """
    return all(
        char.isascii() or char in _WESTERN_PUNCTUATION or unicodedata.category(char)[0] == "L"
        for char in text
    )


def _detect_legacy(data: bytes) -> tuple[str, str] | None:
    """Detect a legacy charset: cp1252 when it reads as plausible Western text (short texts
    fool statistical detection), else the best guess, preferring cp1252 on a tie."""
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _plausible_western(western):
        return western, "cp1252"
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        close = match.chaos <= best.chaos + 0.01 and match.coherence >= best.coherence - 0.01
        if close and _codec_name(match.encoding) == "cp1252":
            best = match
            break
    codec = _codec_name(best.encoding) or best.encoding
    text = str(best)
    return (text[1:] if text.startswith("\ufeff") else text), codec


def decode_bytes(
    data: bytes, *, source: str, html: bool = False, declared: str | None = None
) -> tuple[str, str]:
    """Decode bytes to text as well as possible; returns (text, codec name)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = _try_decode(data, "utf-16")
        if decoded is not None:
            return decoded
    if b"\x00" in data:
        raise _binary_error(source)
    candidates = [declared]
    if html:
        found = _META_CHARSET.search(data[:4096])
        candidates.append(found.group(1).decode("ascii", "replace") if found else None)
    for label in ("utf-8", *candidates):
        decoded = _try_decode(data, label)
        if decoded is not None:
            return decoded
    mostly_utf8 = _decode_mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8, "utf-8"
    detected = _detect_legacy(data)
    if detected is None:
        raise _binary_error(source)
    return detected


# ---------------------------------------------------------------------------------------------
# Dates and small helpers
# ---------------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_WORD = r"(?P<month>[A-Za-z]{3,9})\.?"
_ISO_DATE = re.compile(r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?!\d)")
_MONTH_FIRST = re.compile(
    _MONTH_WORD + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b"
)
_DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_WORD + r",?\s+(?P<year>\d{4})\b"
)
_WEEKDAY_PREFIX = re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(value: object) -> date | None:
    """A date from ISO dates/datetimes and common written forms; None when unparseable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _ISO_DATE.match(text):
        return _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
    text = _WEEKDAY_PREFIX.sub("", text, count=1) if _WEEKDAY_PREFIX.match(text) else text
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        match = pattern.match(text)
        if match and match["month"].lower() in _MONTHS:
            month = _MONTHS[match["month"].lower()]
            return _safe_date(int(match["year"]), month, int(match["day"]))
    return None


def _host(url: str) -> str:
    """The URL's host name, lower-case, without a leading www."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _url_scheme(text: str) -> str:
    """The lower-case scheme of something that looks like a URL, else ""."""
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", text)
    return match.group(1).lower() if match else ""


def _is_web_url(text: str) -> bool:
    return _url_scheme(text) in ("http", "https") and bool(_host(text))


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _looks_like_bare_domain(text: str) -> bool:
    """www.example.com or example.com/some/path: a web address without its scheme."""
    return bool(re.match(r"www\.[A-Za-z0-9-]+\.\S|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/", text))


def _same_text(first: str, second: str) -> bool:
    """Equal after case folding and whitespace collapsing."""
    return _folded(first) == _folded(second)


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def _fallback_outlet(source: str) -> str:
    """Outlet from the source itself: a URL's host, else the file name stem."""
    if _is_web_url(source):
        return _host(source)
    return Path(source).stem if source else ""


def _stringify(value: Any, budget: int = 2000) -> str:
    """A metadata value as a string: lists joined with commas, dates in ISO form, capped."""
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value[:budget]
    if isinstance(value, list | tuple | set):
        parts: list[str] = []
        used = 0
        for item in value:
            if used >= budget:
                break
            part = _stringify(item, budget - used)
            parts.append(part)
            used += len(part) + 2
        return ", ".join(parts)[:budget]
    if isinstance(value, dict):
        parts = []
        used = 0
        for key, item in value.items():
            if used >= budget:
                break
            part = f"{_stringify(key, 100)}: {_stringify(item, budget - used)}"
            parts.append(part)
            used += len(part) + 2
        return "; ".join(parts)[:budget]
    return str(value)[:budget]


# ---------------------------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------------------------

_FENCE = re.compile(r"[ \t]*---[ \t]*")
_CLOSING_FENCE = re.compile(r"[ \t]*(?:---|\.\.\.)[ \t]*")
_LOOSE_KEY_LINE = re.compile(r"[ \t]*([A-Za-z_][\w -]{0,40}?)[ \t]*:(?:[ \t]+(.*))?$")
_LOOSE_CONTINUATION = re.compile(r"[ \t]+\S|[ \t]*-[ \t]")

_TITLE_KEYS = ("title", "headline")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
_DATE_KEYS = ("date", "published", "published_at", "publish_date", "pubdate", "datepublished")
_OUTLET_KEYS = ("outlet", "site", "site_name", "sitename", "publisher", "publication", "source")
_URL_KEYS = ("url", "link", "canonical_url", "canonical")


def _loose_front_matter(block: list[str]) -> dict[str, Any] | None:
    """Read `key: value` lines when the block is not valid YAML; None if it isn't key/value."""
    result: dict[str, Any] = {}
    for line in block:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LOOSE_KEY_LINE.match(line)
        if match:
            result[match.group(1).strip()] = (match.group(2) or "").strip().strip("\"'")
        elif not (result and _LOOSE_CONTINUATION.match(line)):
            return None
    return result


def _load_front_matter(block: list[str]) -> dict[str, Any] | None:
    """The front-matter mapping, or None when the block is not front matter."""
    if not any(line.strip() for line in block):
        return {}
    try:
        loaded = yaml.safe_load("\n".join(block))
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        loaded = None
    if isinstance(loaded, dict):
        return {str(key): value for key, value in loaded.items()}
    return _loose_front_matter(block)


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str]:
    """Split leading `---` YAML front matter from text; (None, text) when there is none."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or not _FENCE.fullmatch(lines[start]):
        return None, text
    for end in range(start + 1, len(lines)):
        if _CLOSING_FENCE.fullmatch(lines[end]):
            front = _load_front_matter(lines[start + 1 : end])
            if front is None:
                return None, text
            return front, "\n".join(lines[end + 1 :])
    return None, text


def _pop_first(mapping: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    """Remove and return the first (key, value) whose lower-cased key is in keys."""
    lowered = {key.lower(): key for key in mapping}
    for wanted in keys:
        key = lowered.get(wanted)
        if key is not None:
            return key, mapping.pop(key)
    return None


def _person_name(value: Any) -> str:
    """An author value (string, list, or mapping with a name) as one string."""
    if isinstance(value, dict):
        return _stringify(value.get("name", value.get("display_name", "")))
    if isinstance(value, list | tuple):
        return ", ".join(name for name in (_person_name(item) for item in value) if name)
    return _stringify(value).strip()


def _apply_front_matter(draft: _Draft, front: dict[str, Any]) -> None:
    """Move title/author/date/outlet/url from front matter to the draft; the rest to metadata."""
    front = dict(front)
    if found := _pop_first(front, _TITLE_KEYS):
        draft.title = _stringify(found[1]).strip()
    if found := _pop_first(front, _AUTHOR_KEYS):
        draft.author = _person_name(found[1])
    if found := _pop_first(front, _DATE_KEYS):
        draft.published = parse_date(found[1])
        if draft.published is None and found[1] not in (None, ""):
            draft.metadata["date"] = _stringify(found[1])
    if found := _pop_first(front, _URL_KEYS):
        value = _stringify(found[1]).strip()
        if _is_web_url(value):
            draft.url = value
        else:
            front[found[0]] = found[1]
    if found := _pop_first(front, _OUTLET_KEYS):
        value = _person_name(found[1])
        if _is_web_url(value):
            draft.url = draft.url or value
            draft.outlet = _host(value)
        else:
            draft.outlet = value
    for key, value in front.items():
        draft.metadata[key] = _stringify(value)


# ---------------------------------------------------------------------------------------------
# Plain text and Markdown
# ---------------------------------------------------------------------------------------------

_AUTHOR_LINE = re.compile(r"[ \t]*authors?[ \t]*:(?P<name>.*)$", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"[ \t]*source[ \t]*:[ \t]*(?P<url>https?://\S+)[ \t]*$", re.IGNORECASE)
_MD_H1 = re.compile(r"[ \t]{0,3}#[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*$")
_MD_HEADING = re.compile(r"^([ \t]{0,3})#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MD_IMAGE = re.compile(r"!\[([^\]\n]{0,300})\]\([^)\n]{0,500}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{1,300})\]\([^)\n]{0,500}\)")
# Spans are bounded so that long lines full of markers stay linear-time.
_MD_EMPHASIS = (
    re.compile(r"(?<![\w*])\*\*(?=[^\s*])([^\n]{0,300}?[^\s*])\*\*(?![\w*])"),
    re.compile(r"(?<![\w_])__(?=[^\s_])([^\n]{0,300}?[^\s_])__(?![\w_])"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])([^\n]{0,300}?[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=[^\s_])([^\n]{0,300}?[^\s_])_(?![\w_])"),
)
_HEADLINE_MAX_CHARS = 160
_HEADLINE_MAX_WORDS = 25
_SENTENCE_END = (".", ":", ";", ",", "…")
_CLOSING_QUOTES = "\"'”’»)]"


def _strip_markdown_line(line: str) -> str:
    """Drop heading markers, emphasis markers, link and image syntax; keep the words."""
    line = _MD_HEADING.sub(r"\1\2", line)
    line = _MD_IMAGE.sub(r"\1", line)
    line = _MD_LINK.sub(r"\1", line)
    for pattern in _MD_EMPHASIS:
        line = pattern.sub(r"\1", line)
    return line


def _take_markdown_title(lines: list[str], draft: _Draft) -> list[str]:
    """Use a first `# Heading` as title (or drop it when it repeats the title)."""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = _MD_H1.fullmatch(line)
        if match and (not draft.title or _same_text(draft.title, match["text"])):
            draft.title = draft.title or match["text"].strip()
            return lines[:index] + lines[index + 1 :]
        return lines
    return lines


def _skip_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _is_headline(lines: list[str], index: int) -> bool:
    """A short line without a final period, followed by a blank line or an Author: line."""
    line = lines[index].strip()
    if not line or len(line) > _HEADLINE_MAX_CHARS or len(line.split()) > _HEADLINE_MAX_WORDS:
        return False
    if not any(char.isalpha() for char in line):
        return False
    if line.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END):
        return False
    if _AUTHOR_LINE.match(line) or _SOURCE_LINE.match(line):
        return False
    if index + 1 >= len(lines):
        return False
    following = lines[index + 1]
    return not following.strip() or bool(_AUTHOR_LINE.match(following))


def _parse_header(lines: list[str], draft: _Draft) -> int:
    """Read Source:, headline and Author: lines at the top; returns where the body starts."""
    index = _skip_blank(lines, 0)
    seen_source = seen_author = seen_title_line = False
    while index < len(lines):
        line = lines[index]
        source_match = None if seen_source else _SOURCE_LINE.match(line)
        author_match = None if seen_author else _AUTHOR_LINE.match(line)
        if source_match:
            seen_source = True
            draft.url = draft.url or source_match["url"]
        elif author_match:
            seen_author = True
            draft.author = draft.author or author_match["name"].strip()
        elif seen_author or seen_title_line:
            break
        elif draft.title and _same_text(draft.title, line):
            seen_title_line = True
        elif not draft.title and _is_headline(lines, index):
            seen_title_line = True
            draft.title = line.strip()
        else:
            break
        index = _skip_blank(lines, index + 1)
    return index


def _remove_author_lines(lines: list[str], draft: _Draft) -> list[str]:
    """Drop every `Author:` line (keeping the first name found) without doubling blank lines."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        match = _AUTHOR_LINE.match(line)
        if match is None:
            kept.append(line)
            continue
        draft.author = draft.author or match["name"].strip()
        next_blank = index + 1 >= len(lines) or not lines[index + 1].strip()
        if kept and not kept[-1].strip() and next_blank:
            kept.pop()
    return kept


def _parse_plain(text: str, *, source: str, markdown: bool) -> ParsedArticle:
    """Parse .txt or .md text: front matter, header lines, dateline, body."""
    draft = _Draft()
    front, rest = split_front_matter(text)
    if front is not None:
        _apply_front_matter(draft, front)
        markdown = True
    lines = rest.split("\n")
    if markdown:
        lines = _take_markdown_title(lines, draft)
        lines = [_strip_markdown_line(line) for line in lines]
    start = _parse_header(lines, draft)
    body = _finish_body(lines[start:], draft)
    if not body:
        raise IngestError(f"{source} has no article text after its headline and metadata lines.")
    return _build(draft, source=source, body=body, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Datelines and the shared body cleanup
# ---------------------------------------------------------------------------------------------

_MONTH_ABBREVIATIONS = (
    "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June"
    "|July|August|September|October|November|December"
)
_DATELINE = re.compile(
    r"[ \t]*(?P<place>[^\W\d_]+(?:[ .'’-]{1,2}[^\W\d_]+){0,4}\.?)"
    r"(?:,[ \t]+(?P<region>[^\W\d_][\w.'’-]*(?:[ \t]+[^\W\d_][\w.'’-]*){0,3}))?"
    r"(?:,?[ \t]+(?P<when>(?:" + _MONTH_ABBREVIATIONS + r")\.?[ \t]+\d{1,2}))?"
    r"[ \t]*(?:\((?P<agency>[^()\n]{1,40})\))?"
    r"[ \t]*(?:--|[-–—―])(?:[ \t]+|[ \t]*\n)"
)


# Capitalised kickers that open a story the way a dateline does but name no place.
_KICKERS = {"BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "ANALYSIS", "OPINION", "EDITORIAL"}
_KICKERS |= {"LIVE", "WATCH", "CORRECTION", "DEVELOPING", "FACT CHECK", "EXPLAINER", "NEW"}


def _is_place_name(place: str) -> bool:
    """Dateline places are written in capitals: HAVANA, SAN JUAN, ST. LOUIS."""
    letters = [char for char in place if char.isalpha()]
    if len(letters) < 2 or not all(char.isupper() for char in letters):
        return False
    return " ".join(place.rstrip(".").split()) not in _KICKERS


def _strip_dateline(body: str, draft: _Draft) -> str:
    """Remove a leading dateline (`HAVANA (AP) –`), recording place, date and agency."""
    match = _DATELINE.match(body)
    if match is None or not _is_place_name(match["place"]):
        return body
    place = match["place"].strip()
    draft.metadata["dateline"] = f"{place}, {match['region']}" if match["region"] else place
    if match["when"]:
        draft.metadata["dateline_date"] = match["when"]
    if match["agency"]:
        draft.agency = match["agency"].strip()
        draft.metadata["agency"] = draft.agency
    return body[match.end() :]


def _finish_body(lines: list[str], draft: _Draft) -> str:
    """Shared cleanup: dateline, Author: lines, leading and trailing blank lines."""
    body = "\n".join(lines).strip()
    body = _strip_dateline(body, draft)
    body = "\n".join(_remove_author_lines(body.split("\n"), draft))
    return body.strip()


def _build(draft: _Draft, *, source: str, body: str, encoding: str) -> ParsedArticle:
    """Freeze the draft, choosing the outlet: metadata, URL host, agency, source name."""
    outlet = draft.outlet or _host(draft.url) or draft.agency or _fallback_outlet(source)
    return ParsedArticle(
        source=source,
        title=draft.title,
        author=draft.author,
        published=draft.published,
        outlet=outlet,
        url=draft.url,
        body=body,
        metadata=dict(draft.metadata),
        encoding=encoding,
    )


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

_HTML_EXTRA_FIELDS = (
    "description",
    "hostname",
    "categories",
    "tags",
    "language",
    "image",
    "pagetype",
    "license",
)


def _load_html(html: str) -> Any:
    """The page's tree as trafilatura parses it (None when the markup cannot be read), so that
    its extraction and the headline check read one parse."""
    try:
        return trafilatura.load_html(html)
    except Exception:  # lxml can fail on odd markup: treat it as "no text"
        return None


def _extract_html(tree: Any, page_url: str) -> Any:
    """Run trafilatura on a parsed page; its Document or None when nothing could be
    extracted."""
    if tree is None:
        return None
    try:
        return trafilatura.bare_extraction(
            tree,
            url=page_url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
        )
    except Exception:  # trafilatura/lxml can fail on odd markup: treat it as "no text"
        return None


def _html_body(text: str, draft: _Draft, headlines: list[str]) -> list[str]:
    """trafilatura's lines as paragraphs separated by blank lines, without the headline: the
    page title, a longer headline that starts with it ("Flood explained: what happens next"
    under the title "Flood explained"), or the page's own `<h1>` worded otherwise than its
    title ("Flood: what happens next" under "Dunmarrow flood explained | Guides"). A headline
    taken out becomes the title; the page's other title is kept as `page_title`."""
    paragraphs = [line.strip() for line in normalise_newlines(text).split("\n") if line.strip()]
    if not paragraphs:
        return []
    first = paragraphs[0]
    headline = draft.title and _extends_title(first, draft.title)
    if not headline and any(_same_text(first, h1) for h1 in headlines):
        headline = True
        if draft.title and not _same_text(first, draft.title):
            draft.metadata["page_title"] = draft.title
    if headline:
        draft.title = paragraphs.pop(0)
    return "\n\n".join(paragraphs).split("\n")


def _page_headlines(tree: Any) -> list[str]:
    """The text of the page's `<h1>` elements."""
    return [" ".join(h1.text_content().split()) for h1 in tree.iter("h1")]


def _extends_title(line: str, title: str) -> bool:
    """The line is the title, or the title followed by ":", "-", "|" and more words."""
    folded_line, folded_title = _folded(line), _folded(title)
    if not folded_line.startswith(folded_title):
        return False
    rest = folded_line[len(folded_title) :].lstrip()
    return rest == "" or rest[0] in ":|-–—"


def _no_html_text_error(source: str) -> IngestError:
    return IngestError(
        f"{source} has no article text that could be extracted: the page may be empty, "
        "built by JavaScript or behind a paywall."
    )


def _parse_html(html: str, *, source: str, page_url: str) -> ParsedArticle:
    """Main text and page metadata through trafilatura."""
    tree = _load_html(html)
    document = _extract_html(tree, page_url)
    text = (getattr(document, "text", None) or "") if document is not None else ""
    if len(text.split()) < _MIN_HTML_WORDS:
        raise _no_html_text_error(source)
    draft = _Draft(
        title=(document.title or "").strip(),
        author=(document.author or "").strip(),
        published=parse_date(document.date or ""),
        url=page_url or ((document.url or "") if _is_web_url(document.url or "") else ""),
    )
    if document.date and draft.published is None:
        draft.metadata["date"] = str(document.date)
    sitename = (document.sitename or "").strip()
    draft.outlet = sitename.removeprefix("www.")
    for name in _HTML_EXTRA_FIELDS:
        value = _stringify(getattr(document, name, None)).strip()
        if value:
            draft.metadata[name] = value
    if document.url and document.url != draft.url:
        draft.metadata["canonical_url"] = str(document.url)
    body = _finish_body(_html_body(text, draft, _page_headlines(tree)), draft)
    if len(body.split()) < _MIN_HTML_WORDS:
        raise _no_html_text_error(source)
    return _build(draft, source=source, body=body, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Download:
    data: bytes
    content_type: str
    charset: str | None
    final_url: str


class _BlockedRedirect(urllib.error.URLError):
    """A redirect to something other than http(s)."""


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a few redirects, only to http(s) addresses (and public ones when asked)."""

    max_redirections = _MAX_REDIRECTS

    def __init__(self, *, allow_private: bool = True) -> None:
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if _url_scheme(newurl) not in ("http", "https"):
            raise _BlockedRedirect(f"it redirects to a non-web address ({newurl})")
        if not self.allow_private and not _host_is_public(_host(newurl)):
            raise _BlockedRedirect(f"it redirects to a private address ({newurl})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _host_is_public(host: str) -> bool:
    """True when every address the host name resolves to is a public one."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return True  # unresolvable: the fetch itself will say so in plain words
    addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    return all(address.is_global for address in addresses)


def _check_public_host(url: str) -> None:
    if not _host_is_public(_host(url)):
        raise IngestError(
            f"Could not fetch {url}: it points to this server or a private network, "
            "which Newsdesk does not fetch from the web form."
        )


def _check_web_url(url: str) -> None:
    if _url_scheme(url) not in ("http", "https"):
        raise IngestError(f"{url} is not a web address: it must start with http:// or https://.")
    if not _host(url):
        raise IngestError(f"{url} is not a valid web address: it has no host name.")


def _describe_network_error(reason: object, timeout: float) -> str:
    """Plain words for why a request failed."""
    if isinstance(reason, TimeoutError):
        return f"the server did not answer within {timeout:g} seconds"
    if isinstance(reason, socket.gaierror):
        return "the host name could not be found"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, ConnectionResetError):
        return "the connection was reset by the server"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return "its security certificate could not be verified"
    if isinstance(reason, ssl.SSLError):
        return "a secure connection could not be established"
    if isinstance(reason, OSError) and reason.strerror:
        return f"the connection failed ({reason.strerror.lower()})"
    return f"the connection failed ({reason})"


def _read_limited(
    response: Any, url: str, max_bytes: int, deadline: float, timeout: float
) -> bytes:
    """Read the response body, refusing more than max_bytes or going past the deadline."""
    declared = response.headers.get("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise _size_error(url, int(declared), max_bytes)
    chunks: list[bytes] = []
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise IngestError(
                f"Could not fetch {url}: the download took longer than {timeout:g} seconds."
            )
        chunk = response.read(_READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise _size_error(url, None, max_bytes)
        chunks.append(chunk)


def _download(url: str, *, max_bytes: int, timeout: float, allow_private: bool) -> _Download:
    """GET the URL with a time and size bound; IngestError with the reason on failure."""
    opener = urllib.request.build_opener(_WebOnlyRedirects(allow_private=allow_private))
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html, text/plain;q=0.9, */*;q=0.5"}
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            data = _read_limited(response, url, max_bytes, deadline, timeout)
            return _Download(
                data=data,
                content_type=response.headers.get_content_type()
                if response.headers.get("Content-Type")
                else "",
                charset=response.headers.get_content_charset(),
                final_url=response.geturl(),
            )
    except IngestError:
        raise
    except urllib.error.HTTPError as err:
        if 300 <= err.code < 400:
            reason = "it redirects to an address that cannot be followed"
        else:
            reason = f"the server answered HTTP {err.code} {err.reason}".rstrip()
        raise IngestError(f"Could not fetch {url}: {reason}.") from None
    except _BlockedRedirect as err:
        raise IngestError(f"Could not fetch {url}: {err.reason}.") from None
    except urllib.error.URLError as err:
        reason = _describe_network_error(err.reason, timeout)
        raise IngestError(f"Could not fetch {url}: {reason}.") from None
    except http.client.HTTPException:
        reason = "the server closed the connection unexpectedly"
        raise IngestError(f"Could not fetch {url}: {reason}.") from None
    except (OSError, ValueError) as err:
        if isinstance(err, ValueError) and not isinstance(err, UnicodeError):
            raise IngestError(f"{url} is not a valid web address ({err}).") from None
        reason = _describe_network_error(err, timeout)
        raise IngestError(f"Could not fetch {url}: {reason}.") from None


_HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml", "text/xml"}
_MARKDOWN_TYPES = {"text/markdown", "text/x-markdown"}


def _format_for_content_type(content_type: str, url: str, data: bytes) -> str:
    """The parsing format for a response, or IngestError for non-text content."""
    if content_type in _HTML_TYPES:
        return "html"
    if content_type in _MARKDOWN_TYPES:
        return "md"
    if content_type.startswith("text/"):
        suffix = Path(urlsplit(url).path).suffix.lower()
        return "md" if _FORMAT_BY_EXTENSION.get(suffix) == "md" else "txt"
    if not content_type or content_type == "application/octet-stream":
        return "html" if data.lstrip()[:1] == b"<" else "txt"
    raise IngestError(
        f"{url} is not a web page or text (it is {content_type}): "
        "save the article as text or HTML and add the file instead."
    )

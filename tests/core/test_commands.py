"""The command-line contract of DESIGN.md: ingest, analyze (and their bad input)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from claims.models import AnalysisState, Article, Sentence, Story
from tests.factories import live_database_url, make_article, make_story

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
BASE_DIR = Path(__file__).resolve().parents[2]
DEMO_STORY = BASE_DIR / "claims" / "demo_story"


def ingest(*args: str) -> str:
    out = io.StringIO()
    call_command("ingest", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def database_snapshot() -> tuple[int, int, int]:
    return Story.objects.count(), Article.objects.count(), Sentence.objects.count()


def test_ingest_creates_the_story_and_reads_every_format() -> None:
    sources = sorted(str(path) for path in DEMO_STORY.iterdir() if path.suffix != ".json")
    output = ingest("--story", "warehouse-fire", "--title", "Warehouse fire", *sources)
    story = Story.objects.get(slug="warehouse-fire")
    assert story.title == "Warehouse fire"
    assert story.articles.count() == len(sources) == 4
    assert story.analysis_state in {AnalysisState.QUEUED, AnalysisState.WAITING}
    assert "4 article(s) added" in output
    formats = {Path(article.source).suffix for article in story.articles.all()}
    assert formats == {".txt", ".md", ".html"}
    for article in story.articles.all():
        assert article.outlet, article.source
        assert "Author:" not in article.body
        assert not article.body.startswith("---")


def test_ingest_adds_to_an_existing_story_and_stores_the_same_text_once() -> None:
    first = str(FIXTURES / "headline_author_dateline.txt")
    ingest("--story", "pier", first)
    output = ingest("--story", "pier", first, str(FIXTURES / "article.md"))
    assert Story.objects.get(slug="pier").articles.count() == 2
    assert "same text is already in this story" in output


def test_ingest_marks_our_own_article() -> None:
    ingest(
        "--story", "pier", "--ours", str(FIXTURES / "article.md"),
        str(FIXTURES / "headline_author_dateline.txt"),
    )  # fmt: skip
    ours = Article.objects.get(ours=True)
    assert ours.source.endswith("article.md")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("missing.txt", "does not exist"),
        ("notes.pdf", "supported"),
    ],
)
def test_bad_input_is_one_clear_error_and_changes_nothing(
    name: str, message: str, tmp_path: Path
) -> None:
    bad = FIXTURES / name if (FIXTURES / name).exists() else tmp_path / name
    if name.endswith(".pdf"):
        bad.write_bytes(b"%PDF-1.4 not an article")
    make_story("pier")
    before = database_snapshot()
    good = str(FIXTURES / "headline_author_dateline.txt")
    with pytest.raises(CommandError) as raised:
        ingest("--story", "pier", good, str(bad))
    assert message.lower() in str(raised.value).lower()
    assert "\n" not in str(raised.value).strip()
    assert database_snapshot() == before


def test_an_oversized_file_is_refused(settings: Any, tmp_path: Path) -> None:
    settings.NEWSDESK_MAX_ARTICLE_BYTES = 1024
    big = tmp_path / "big.txt"
    big.write_text("The council met again. " * 200)
    with pytest.raises(CommandError, match="MB"):
        ingest("--story", "pier", str(big))
    assert not Story.objects.exists()


def test_a_bad_story_name_is_refused() -> None:
    with pytest.raises(CommandError, match="cannot be a story name"):
        ingest("--story", "Not A Slug!", str(FIXTURES / "article.md"))


def test_analyze_runs_in_process_without_a_worker(tmp_path: Path) -> None:
    story = make_story()
    make_article(story, "Crews reached the pier at dawn. Nobody was hurt.\n\nThe pier is closed.")
    out = io.StringIO()
    call_command("analyze", story.slug, stdout=out, stderr=io.StringIO())
    story.refresh_from_db()
    assert story.analysis_state == AnalysisState.ANALYZED
    sentences = Sentence.objects.filter(article__story=story)
    assert sentences.count() == 3
    assert not sentences.filter(embedding__isnull=True).exists()
    assert "3 sentences" in out.getvalue()
    for sentence in sentences:
        assert sentence.article.body[sentence.start : sentence.end] == sentence.text
    call_command("analyze", story.slug, stdout=io.StringIO(), stderr=io.StringIO())
    assert Sentence.objects.filter(article__story=story).count() == 3  # re-analysis: no duplicates


def test_analyze_an_unknown_story_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="There is no story 'nope'"):
        call_command("analyze", "nope")


def test_analyze_prints_plain_progress_lines_when_not_on_a_terminal() -> None:
    story = make_story()
    make_article(story, "The pier reopened on Friday.")
    err = io.StringIO()
    call_command("analyze", story.slug, stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "[0/2] Splitting and embedding article 1"
    assert lines[1] == "[1/2] Grouping claims"
    assert lines[-1] == "[2/2] Done"


def run_manage(*args: str) -> subprocess.CompletedProcess[str]:
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": live_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_manage_py_exits_non_zero_with_one_line_on_stderr(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = run_manage("ingest", "--story", "pier", str(empty))
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "empty" in result.stderr
    assert not Story.objects.exists()
    unknown = run_manage("analyze", "no-such-story")
    assert unknown.returncode != 0
    assert (
        unknown.stderr.strip() == "CommandError: There is no story 'no-such-story'. "
        "Add articles to it with `ingest` first."
    )


def test_the_seed_articles_come_in_with_their_metadata_and_clean_bodies(seeds_dir: Path) -> None:
    sources = sorted(str(path) for path in seeds_dir.glob("*.txt"))
    ingest("--story", "seeds", *sources)
    call_command("analyze", "seeds", stdout=io.StringIO(), stderr=io.StringIO())
    articles = {Path(a.source).name[:3]: a for a in Article.objects.filter(story__slug="seeds")}
    assert len(articles) == 5
    assert articles["002"].author == "badely"
    assert str(articles["002"].published) == "2026-01-05"
    assert articles["002"].title.startswith("Update:")
    assert articles["001"].title and articles["001"].author == ""
    statements = Sentence.objects.filter(article__story__slug="seeds")
    assert statements.count() > 60
    for sentence in statements:
        text = sentence.text
        assert not text.startswith(("---", "layout:", "title:", "Author:")), text
        assert "(AP) –" not in text, text


def test_html_without_article_text_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text("<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>")
    with pytest.raises(CommandError, match="no article text"):
        ingest("--story", "pier", str(page))
    assert not Story.objects.exists()


def test_a_url_that_times_out_is_a_clear_error(settings: Any) -> None:
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(3)
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NEWSDESK_URL_TIMEOUT = 1
    try:
        with pytest.raises(CommandError, match="did not answer within 1 seconds"):
            ingest("--story", "pier", f"http://127.0.0.1:{server.server_address[1]}/slow")
    finally:
        server.shutdown()
        server.server_close()
    assert not Story.objects.exists()


def test_mis_encoded_text_is_decoded_not_refused(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.txt"
    text = "Caf\u00e9 owners said the \u201cnew\u201d ferry timetable was na\u00efve."
    legacy.write_bytes(text.encode("cp1252"))
    ingest("--story", "pier", str(legacy))
    body = Article.objects.get().body
    assert "Café" in body and "“new”" in body and "naïve" in body

"""The new-story form: pasted text, several files and web addresses; each bad part is named in
plain words next to its field, and the parts that were fine are kept for the next try."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from claims.models import Article, Story
from tests.web.conftest import BridgeStory

pytestmark = pytest.mark.django_db

PASTED = (
    "Storm closes the ferry\n\nAuthor: Mina Holt\n\n"
    "The ferry stopped on Tuesday. Crews said 12 crossings were lost."
)
WIRE = b"Ferry halted by storm\n\nThe ferry stopped on Tuesday after 14 crossings were lost."
BINARY = bytes(range(256)) * 4


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def kept_tokens(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="kept" value="([^"]+)" checked>', html)


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match is not None
    return match.group(1)


def test_the_form_offers_paste_upload_and_addresses(editor_client: Client) -> None:
    html = editor_client.get("/stories/new/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<textarea name="text"' in html
    assert re.search(r'<input type="file" name="uploads" [^>]*multiple', html)
    assert '<textarea name="urls"' in html


def test_pasted_text_makes_a_story_and_opens_it_with_the_progress_bar(
    editor_client: Client, editor: Any
) -> None:
    response = editor_client.post(
        "/stories/new/", {"title": "Ferry stops", "text": PASTED, "text_is_ours": "on"}
    )
    story = Story.objects.get(title="Ferry stops")
    assert response.status_code == 302 and response.url == "/stories/ferry-stops/"
    article = story.articles.get()
    assert (article.title, article.author, article.ours) == (
        "Storm closes the ferry",
        "Mina Holt",
        True,
    )
    assert story.created_by == editor and story.analysis_state == "queued"
    html = editor_client.get(response.url).content.decode()
    assert "Added 1 article; the analysis has started." in html
    assert '<progress id="progress-bar"' in html and 'hx-trigger="every 2s"' in html


def test_several_files_and_an_address_make_one_story(
    editor_client: Client, article_server: str
) -> None:
    files = [
        upload("wire.txt", WIRE),
        upload("notes.md", b"---\ntitle: Notes\n---\n\nThe pier is shut."),
    ]
    response = editor_client.post(
        "/stories/new/",
        {"title": "Ferry", "uploads": files, "urls": f"{article_server}/crane.txt\n"},
    )
    assert response.status_code == 302
    sources = set(Story.objects.get(slug="ferry").articles.values_list("source", flat=True))
    assert sources == {"wire.txt", "notes.md", f"{article_server}/crane.txt"}


def test_a_title_clash_gets_a_new_address_not_the_old_story(
    editor_client: Client, bridge: BridgeStory
) -> None:
    response = editor_client.post("/stories/new/", {"title": "Bridge", "text": PASTED})
    assert response.url == "/stories/bridge-2/"
    assert bridge.story.articles.count() == 3


def test_an_empty_form_says_what_to_give(editor_client: Client) -> None:
    response = editor_client.post(
        "/stories/new/", {"title": "Ferry", "text": "   \n  ", "urls": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is nothing to add yet: paste an article&#x27;s text, choose files" in html
    assert 'value="Ferry"' in html  # the title is kept
    assert not Story.objects.exists()


def test_a_missing_title_is_asked_for_and_the_text_kept(editor_client: Client) -> None:
    html = editor_client.post("/stories/new/", {"title": "", "text": PASTED}).content.decode()
    assert "Give the story a title." in html
    assert "Crews said 12 crossings were lost." in textarea(html, "text")
    assert not Story.objects.exists()


def test_a_binary_upload_is_named_and_the_good_parts_are_kept(editor_client: Client) -> None:
    response = editor_client.post(
        "/stories/new/",
        {
            "title": "Ferry",
            "text": PASTED,
            "uploads": [upload("scan.txt", BINARY), upload("wire.txt", WIRE)],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been added yet." in html
    assert "scan.txt looks like a binary file, not text" in html
    assert "Crews said 12 crossings were lost." in textarea(html, "text")
    assert "wire.txt (Ferry halted by storm)" in html
    tokens = kept_tokens(html)
    assert len(tokens) == 1
    assert not Story.objects.exists() and not Article.objects.exists()

    again = editor_client.post("/stories/new/", {"title": "Ferry", "text": PASTED, "kept": tokens})
    assert again.status_code == 302
    sources = set(Story.objects.get(slug="ferry").articles.values_list("source", flat=True))
    assert sources == {"pasted text", "wire.txt"}


def test_an_unticked_kept_file_is_left_out(editor_client: Client) -> None:
    first = editor_client.post(
        "/stories/new/", {"title": "", "uploads": [upload("wire.txt", WIRE)]}
    ).content.decode()
    assert len(kept_tokens(first)) == 1
    response = editor_client.post("/stories/new/", {"title": "Ferry", "text": PASTED})
    assert response.status_code == 302
    assert list(Story.objects.get().articles.values_list("source", flat=True)) == ["pasted text"]


def test_too_many_files_are_refused_and_the_text_and_addresses_kept(
    editor_client: Client, settings: Any, article_server: str
) -> None:
    settings.NEWSDESK_MAX_UPLOAD_FILES = 2
    files = [upload(f"part-{n}.txt", WIRE + str(n).encode()) for n in range(3)]
    response = editor_client.post(
        "/stories/new/",
        {"title": "Ferry", "text": PASTED, "uploads": files, "urls": f"{article_server}/crane.txt"},
    )
    html = response.content.decode()
    assert "You chose 3 files; Newsdesk reads at most 2 at once." in html
    assert "Crews said 12 crossings were lost." in textarea(html, "text")
    assert f"{article_server}/crane.txt (Harbour crane toppled in gale)" in html
    assert len(kept_tokens(html)) == 1
    assert not Story.objects.exists()


def test_more_files_than_the_server_takes_get_a_plain_400_page(
    editor_client: Client, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [upload(f"part-{n}.txt", WIRE) for n in range(4)]
    response = editor_client.post("/stories/new/", {"title": "Ferry", "uploads": files})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Newsdesk could not read what was sent" in html and "Nothing was saved." in html
    assert not Story.objects.exists()


def test_a_bad_address_is_named_and_left_to_fix_while_the_good_one_is_kept(
    editor_client: Client, article_server: str
) -> None:
    urls = f"{article_server}/crane.txt\nftp://example.org/a.txt\n{article_server}/gone.html"
    html = editor_client.post(
        "/stories/new/", {"title": "Ferry", "text": PASTED, "urls": urls}
    ).content.decode()
    assert "ftp://example.org/a.txt is not a web address: it must start with http://" in html
    assert f"{article_server}/gone.html" in html and "404" in html
    left = textarea(html, "urls")
    assert left == f"ftp://example.org/a.txt\n{article_server}/gone.html"
    assert f"{article_server}/crane.txt (Harbour crane toppled in gale)" in html
    assert "Crews said 12 crossings were lost." in textarea(html, "text")
    assert not Story.objects.exists()


def test_an_oversized_file_is_refused_before_it_is_read(
    editor_client: Client, settings: Any
) -> None:
    settings.NEWSDESK_MAX_ARTICLE_BYTES = 1024 * 1024
    big = upload("huge.txt", b"word " * 300_000)
    html = editor_client.post(
        "/stories/new/", {"title": "Ferry", "uploads": [big]}
    ).content.decode()
    assert "huge.txt is 1.4 MB, over the 1 MB limit: trim it or split it" in html


def test_an_empty_file_and_an_unknown_type_are_named(editor_client: Client) -> None:
    html = editor_client.post(
        "/stories/new/",
        {"title": "Ferry", "uploads": [upload("blank.txt", b""), upload("photo.jpg", b"\xff\xd8")]},
    ).content.decode()
    assert "blank.txt is empty: there is no article text in it." in html
    assert "photo.jpg has an unsupported file type" in html


def test_a_tampered_kept_article_is_refused(editor_client: Client) -> None:
    html = editor_client.post(
        "/stories/new/", {"title": "Ferry", "kept": ["not-a-signed-token"]}
    ).content.decode()
    assert "An article kept from your last try has expired or could not be read back" in html
    assert not Story.objects.exists()


def test_more_articles_can_be_added_to_a_story(editor_client: Client, bridge: BridgeStory) -> None:
    html = editor_client.get("/stories/bridge/add/").content.decode()
    assert "Add articles" in html and 'name="title"' not in html
    response = editor_client.post("/stories/bridge/add/", {"text": PASTED})
    assert response.status_code == 302 and response.url == "/stories/bridge/"
    story = Story.objects.get(slug="bridge")
    assert story.articles.count() == 4 and story.analysis_state == "queued"


def test_the_same_text_twice_is_reported_not_stored_twice(
    editor_client: Client, bridge: BridgeStory
) -> None:
    editor_client.post("/stories/bridge/add/", {"text": PASTED})
    response = editor_client.post("/stories/bridge/add/", {"text": PASTED}, follow=True)
    html = response.content.decode()
    assert "Skipped &#x27;pasted text&#x27;: the same text is already in this story" in html
    assert Story.objects.get(slug="bridge").articles.count() == 4


def test_the_form_never_fetches_this_server_or_a_private_network(
    editor_client: Client, local_article_server: str
) -> None:
    for url in (f"{local_article_server}/crane.txt", "http://10.0.0.1/a.html", "http://[::1]/a"):
        response = editor_client.post("/stories/new/", {"title": "Ferry", "text": "", "urls": url})
        assert response.status_code == 200, url
        assert "points to this server or a private network" in response.content.decode(), url
    assert not Story.objects.exists()


def test_an_upload_of_200_files_at_once_is_refused_in_plain_words(
    editor_client: Client,
) -> None:
    files = [upload(f"part-{n}.txt", WIRE + str(n).encode()) for n in range(200)]
    response = editor_client.post(
        "/stories/new/", {"title": "Ferry", "text": PASTED, "uploads": files}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You chose 200 files; Newsdesk reads at most 50 at once." in html
    assert "Crews said 12 crossings were lost." in textarea(html, "text")
    assert not Story.objects.exists()


def test_an_upload_name_is_a_label_never_a_path(
    editor_client: Client, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    target = Path("/tmp/newsdesk-evil-upload.txt")
    target.unlink(missing_ok=True)
    response = editor_client.post(
        "/stories/new/",
        {"title": "Ferry", "uploads": [upload("../../../tmp/newsdesk-evil-upload.txt", WIRE)]},
    )
    assert response.status_code == 302
    assert Article.objects.get().source == "newsdesk-evil-upload.txt"  # a label, path dropped
    assert not target.exists()  # the name never became a place to write
    assert not list(tmp_path.iterdir())  # and nothing was stored where files are served

"""Archive search: "seen before" across all stories at 100,000 stored sentences.

    .venv/bin/python bench/archive.py [--sentences 100000] [--queries 200]

The statements of all ECB+ articles are split and embedded (the fast embedder), then repeated
with variations until the archive holds --sentences sentences: copy k of a statement is its
vector plus a little noise, renormalised (cosine about 0.96 to the original), in a story of
its own; 60% of the claims are reviewed (verified or disputed, with a review row). The rows
go into a throwaway instance's PostgreSQL with COPY, and the app's HNSW index
(sentence_embedding_hnsw) is rebuilt over them. Then, for --queries new claims (a statement's
vector plus noise):

- latency: `claims.queries.seen_before`, the function the claim panel calls, timed end to end
  (ORM and database), p50 and p95;
- recall@10: the same query (`seen_before_candidates`: the nearest sentences of reviewed claims
  in other stories) through the HNSW index, with the page's iterative scan, against exact
  search (index scans off): the top 10, and those of them within the page's distance limit.

Writes bench/results/archive.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    ECB,
    ROOT,
    Instance,
    ecb_topics,
    median,
    percentile,
    require,
    run_timed,
    write_result,
)

NOISE = 0.012  # per coordinate: a copy's cosine to its original is about 0.96
REVIEWED_SHARE = 0.6


def corpus(out: Path) -> dict[str, Any]:
    """Split and embed every ECB+ article's statements; saved for the inside run."""
    import numpy as np

    from claims.analysis.embed import get_embedder
    from claims.analysis.segment import segment
    from claims.analysis.storycheck import read_article
    from claims.ingest import IngestError

    topics = []
    for topic in ecb_topics():
        articles = []
        for path in sorted(topic.glob("*.txt")):
            try:
                body, _ = read_article(path)
            except IngestError:  # a headline only
                continue
            statements = [piece.text for piece in segment(body) if piece.is_claim]
            if statements:
                articles.append({"source": path.name, "statements": statements})
        topics.append({"name": topic.name, "articles": articles})
    texts = [text for t in topics for a in t["articles"] for text in a["statements"]]
    started = time.perf_counter()
    vectors = get_embedder("fast").encode(texts)
    np.save(out / "vectors.npy", vectors)
    (out / "topics.json").write_text(json.dumps(topics), encoding="utf-8")
    return {"statements": len(texts), "embed_seconds": round(time.perf_counter() - started, 1)}


def inside(data: Path, sentences: int, queries: int) -> dict[str, Any]:
    """Runs in a process with Django set up against the instance's database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    django.setup()
    import numpy as np
    from django.db import connection, transaction

    from claims.models import Claim, Sentence, Story
    from claims.queries import SEEN_BEFORE_EF_SEARCH, seen_before, seen_before_candidates

    topics = json.loads((data / "topics.json").read_text(encoding="utf-8"))
    base = np.load(data / "vectors.npy")
    rng = np.random.default_rng(0)
    report: dict[str, Any] = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'sentence_embedding_hnsw'"
        )
        (definition,) = cursor.fetchone()
    copies = _load_archive(connection, topics, base, sentences, rng)
    report["copies_of_the_corpus"] = copies
    report["stored_sentences"] = Sentence.objects.count()
    report["reviewed_sentences"] = Sentence.objects.filter(
        claim__review_state__in=["verified", "disputed"]
    ).count()
    report["load_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(definition)
        cursor.execute("ANALYZE")
    report["index"] = definition
    report["index_build_seconds"] = round(time.perf_counter() - started, 1)

    story = Story.objects.create(slug="archive-query", title="A new story")
    claim = Claim.objects.create(story=story)
    picks = rng.choice(len(base), size=queries + 20, replace=False)
    centroids = [_unit(base[i] + rng.normal(0, NOISE, base.shape[1])) for i in picks]
    timings = []
    found = 0
    for number, centroid in enumerate(centroids):
        probe = Sentence(embedding=centroid.astype(np.float32))
        begun = time.perf_counter()
        result = seen_before(claim, [probe])
        if number >= 20:  # the first ones warm the caches
            timings.append(time.perf_counter() - begun)
            found += bool(result)
    report["seen_before_ms"] = {
        "queries": len(timings),
        "p50": round(1000 * median(timings), 2),
        "p95": round(1000 * percentile(timings, 0.95), 2),
        "max": round(1000 * max(timings), 2),
        "queries_with_a_result": found,
    }

    def top(centroid: Any, exact: bool, ef: int | None) -> list[tuple[int, float]]:
        """(sentence id, distance) of the 10 nearest, as `seen_before` queries them."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            if ef:
                cursor.execute(f"SET LOCAL hnsw.ef_search = {int(ef)}")
            if exact:
                cursor.execute("SET LOCAL enable_indexscan = off")
            rows = seen_before_candidates(story.pk, centroid, max_distance=None)[:10]
            return [(row.pk, row.distance) for row in rows]

    recall: dict[str, Any] = {}
    for ef in (None, SEEN_BEFORE_EF_SEARCH):
        counts = {"plain top 10": [0, 0], "within the page's distance limit": [0, 0]}
        for centroid in centroids[20:]:
            truth, found = top(centroid, exact=True, ef=None), top(centroid, exact=False, ef=ef)
            for label, limit in (("plain top 10", 2.0), ("within the page's distance limit", 0.35)):
                wanted = {pk for pk, distance in truth if distance <= limit}
                counts[label][0] += len(
                    wanted & {pk for pk, distance in found if distance <= limit}
                )
                counts[label][1] += len(wanted)
        for label, (hits, wanted) in counts.items():
            name = f"ef_search={ef} (the page's)" if ef else "ef_search=40 (pgvector's default)"
            recall[f"{name}, {label}"] = round(hits / max(wanted, 1), 4)
    report["recall_at_10"] = recall
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        query = seen_before_candidates(story.pk, centroids[0], max_distance=None)[:12]
        plan = query.explain(analyze=True)
    report["plan_uses_hnsw"] = "sentence_embedding_hnsw" in plan
    report["plan"] = [line for line in plan.splitlines() if "::vector" not in line]
    return report


def _unit(vector: Any) -> Any:
    import numpy as np

    return vector / np.linalg.norm(vector)


STORY_COLUMNS = (
    "id slug title created_at analysis_state analysis_generation analysis_stage analysis_done "
    "analysis_total analysis_error"
)
ARTICLE_COLUMNS = (
    "id story_id source outlet title author url body content_hash metadata ours added_at "
    "analysis_error"
)
CLAIM_COLUMNS = (
    "id story_id position status independent_sources conflicts review_state review_count "
    "retired_sentences created_at"
)
REVIEW_COLUMNS = "claim_id sequence state previous_state note by_name at"
SENTENCE_COLUMNS = "id article_id position start end body_length text kind claim_id embedding"
WHEN = "2025-01-01T00:00:00Z"


def _load_archive(connection: Any, topics: list[Any], base: Any, total: int, rng: Any) -> int:
    """Stories, articles, claims, reviews and sentences by COPY, `total` sentences in all; the
    HNSW index is dropped first (the caller rebuilds it: a bulk build is far quicker than
    inserting row by row). Returns how many copies of the corpus were needed."""
    import numpy as np

    tables: dict[str, list[tuple[Any, ...]]] = {
        "story": [], "article": [], "claim": [], "review": [], "sentence": []
    }  # fmt: skip
    copy = 0
    while len(tables["sentence"]) < total:
        row = 0
        for topic in topics:
            story = len(tables["story"]) + 1
            name = f"archive-{copy}-{topic['name']}"
            tables["story"].append((story, name, name, WHEN, "analyzed", 1, "Done", 0, 0, ""))
            for article in topic["articles"]:
                article_id = len(tables["article"]) + 1
                body = " ".join(article["statements"])
                tables["article"].append((
                    article_id, story, article["source"], "", article["source"], "", "", body,
                    f"{article_id:064x}", "{}", False, WHEN, "",
                ))  # fmt: skip
                start = 0
                for position, text in enumerate(article["statements"]):
                    vector = base[row]
                    row += 1
                    if len(tables["sentence"]) >= total:
                        continue
                    if copy:
                        vector = _unit(vector + rng.normal(0, NOISE, vector.shape[0]))
                    claim = len(tables["claim"]) + 1
                    draw = rng.random()
                    state = "unreviewed"
                    if draw < REVIEWED_SHARE:
                        state = "verified" if draw < REVIEWED_SHARE * 2 / 3 else "disputed"
                        tables["review"].append(
                            (claim, 1, state, "unreviewed", f"checked {copy}", "archivist", WHEN)
                        )
                    tables["claim"].append((
                        claim, story, position, "single_source", 1, "[]", state,
                        int(state != "unreviewed"), "[]", WHEN,
                    ))  # fmt: skip
                    embedding = "[" + ",".join(f"{x:.6f}" for x in np.asarray(vector)) + "]"
                    tables["sentence"].append((
                        claim, article_id, position, start, start + len(text), len(body), text,
                        "statement", claim, embedding,
                    ))  # fmt: skip
                    start += len(text) + 1
        copy += 1
    columns = {
        "story": STORY_COLUMNS, "article": ARTICLE_COLUMNS, "claim": CLAIM_COLUMNS,
        "review": REVIEW_COLUMNS, "sentence": SENTENCE_COLUMNS,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX sentence_embedding_hnsw")
        for table, rows in tables.items():
            names = ", ".join(f'"{name}"' for name in columns[table].split())
            with cursor.cursor.copy(f"COPY claims_{table} ({names}) FROM STDIN") as out:
                for values in rows:
                    out.write_row(values)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('claims_{table}', 'id'), "
                f"(SELECT MAX(id) FROM claims_{table}))"
            )
    return copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--inside", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        print(json.dumps(inside(args.inside, args.sentences, args.queries)))
        return 0
    require(ECB, "the ECB+ stories")
    with Instance() as instance:
        os.environ["NEWSDESK_DATA_DIR"] = str(instance.data_dir)  # the export's cache folder
        report: dict[str, Any] = {"corpus": corpus(instance.data_dir)}
        result = run_timed(
            [sys.executable, str(ROOT / "bench" / "archive.py"), "--inside", str(instance.data_dir),
             "--sentences", str(args.sentences), "--queries", str(args.queries)],
            instance.env(),
        )  # fmt: skip
        report.update(json.loads(result.stdout.strip().splitlines()[-1]))
        report["conditions"] = (
            "2 cores; PostgreSQL 18 with pgvector 0.8 (embedded), HNSW m=16 ef_construction=64, "
            "cosine; timings in one Django process, ORM included"
        )
    write_result("archive", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

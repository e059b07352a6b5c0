"""Growth: analysis time and peak memory as a story grows, and the fitted growth exponent.

    .venv/bin/python bench/growth.py [--sizes 50,200,982] [--no-stories]

Through the app's own commands in a throwaway instance (embedded PostgreSQL and Redis held
running): the first N articles of ../shared/datasets/ecbplus-stories (topics in order) are
ingested as one story with `manage.py ingest`, then `manage.py analyze` is timed from start
to exit, with its peak RSS (the largest process: the command or the side process it forks
for named entities). The exponent b of time = a * articles^b is fitted on a log-log scale.
Then all 982 articles as 86 stories (one per ECB+ event), analysed one after the other in
one process through `claims.services.story_analyze`. Writes bench/results/growth.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ECB, Instance, ecb_files, ecb_topics, readable, require, write_result

ANALYSE_STORIES = """
import json, time
from claims.models import Sentence, Story
from claims.services import story_analyze
slugs = list(json.load(open(%r, encoding="utf-8")))
started = time.perf_counter()
for slug in slugs:
    story_analyze(story=Story.objects.get(slug=slug))
seconds = time.perf_counter() - started
sentences = Sentence.objects.filter(article__story__slug__in=slugs).count()
print(json.dumps({"seconds": seconds, "sentences": sentences}))
"""

INGEST_STORIES = """
import json
from claims.services import story_ingest_sources
for slug, files in json.load(open(%r, encoding="utf-8")).items():
    story_ingest_sources(slug=slug, sources=files, title=slug)
"""


def fit_exponent(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return covariance / sum((x - mean_x) ** 2 for x in xs)


def one_story(instance: Instance, files: list[Path], slug: str) -> dict[str, Any]:
    ingest = instance.ingest(slug, files)
    analyze = instance.manage("analyze", slug)
    counts = json.loads(instance.shell(
        "import json; from claims.models import Claim, Sentence; print(json.dumps({"
        f"'sentences': Sentence.objects.filter(article__story__slug={slug!r}).count(), "
        f"'claims': Claim.objects.current().filter(story__slug={slug!r}).count()}}))"
    ))  # fmt: skip
    return {
        "articles": len(files),
        **counts,
        "ingest_seconds": round(ingest.seconds, 1),
        "analyze_seconds": round(analyze.seconds, 1),
        "analyze_peak_rss_mb": analyze.peak_rss_mb,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,982")
    parser.add_argument("--no-stories", action="store_true", help="skip the 86-story run")
    args = parser.parse_args()
    require(ECB, "the ECB+ stories")
    files, refused = readable(ecb_files())
    sizes = [min(int(size), len(files)) for size in args.sizes.split(",")]
    report: dict[str, Any] = {"corpus_articles": len(files) + len(refused)}
    report["refused_by_the_ingester"] = refused
    with Instance() as instance:
        instance.build_models()  # the one-off export builds, untimed
        rows = []
        for size in sizes:
            rows.append(one_story(instance, files[:size], f"growth-{size}"))
            print(json.dumps(rows[-1]), file=sys.stderr)
        report["one_story"] = rows
        if len(rows) >= 2:
            report["exponent_time_vs_articles"] = round(
                fit_exponent([(r["articles"], r["analyze_seconds"]) for r in rows]), 3
            )
            report["exponent_time_vs_sentences"] = round(
                fit_exponent([(r["sentences"], r["analyze_seconds"]) for r in rows]), 3
            )
            report["slope_between_consecutive_sizes"] = {
                f"{a['articles']}->{b['articles']}": round(
                    fit_exponent(
                        [
                            (a["articles"], a["analyze_seconds"]),
                            (b["articles"], b["analyze_seconds"]),
                        ]
                    ),
                    3,
                )
                for a, b in pairwise(rows)
            }
            report["exponent_peak_rss_vs_articles"] = round(
                fit_exponent([(r["articles"], r["analyze_peak_rss_mb"]) for r in rows]), 3
            )
        if not args.no_stories:
            topics = {f"event-{topic.name}": [str(f) for f in files if f.parent == topic]
                      for topic in ecb_topics()}  # fmt: skip
            plan = instance.data_dir / "stories.json"
            plan.write_text(json.dumps(topics), encoding="utf-8")
            ingest = instance.manage("shell", "--no-imports", "-c", INGEST_STORIES % str(plan))
            analyse = instance.manage("shell", "--no-imports", "-c", ANALYSE_STORIES % str(plan))
            inner = json.loads(analyse.stdout.strip().splitlines()[-1])
            report["stories_86"] = {
                "stories": len(topics),
                "articles": sum(len(names) for names in topics.values()),
                "sentences": inner["sentences"],
                "ingest_seconds": round(ingest.seconds, 1),
                "analyze_seconds_in_process": round(inner["seconds"], 1),
                "process_seconds": round(analyse.seconds, 1),
                "peak_rss_mb": analyse.peak_rss_mb,
            }
        report["conditions"] = (
            "2 cores; `manage.py ingest` then `manage.py analyze` per size, embedded servers "
            "held running; 86 stories: services.story_analyze for each, one process"
        )
    write_result("growth", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

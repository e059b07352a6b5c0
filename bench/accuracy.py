"""Accuracy of the analysis engine, printed as JSON.

    python bench/accuracy.py [--only mrpc,stsb,seeds,fixture,demo] [--split test|train]

Reads ../shared/datasets (MRPC, STS-B) and ../shared/seeds next to the repository, and the
project's own annotated stories (tests/fixtures/stories/*, claims/demo_story); a part whose
files are absent is reported as skipped. Thresholds and weights were chosen on MRPC train and
the fixture story only; the figures below are on the test splits.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claims.analysis.embed import get_embedder  # noqa: E402
from claims.analysis.pairs import compare_pairs  # noqa: E402
from claims.analysis.storycheck import (  # noqa: E402
    evaluate_story,
    find_annotated_stories,
    seed_checks,
)
from claims.analysis.training import read_mrpc  # noqa: E402

SHARED = ROOT.parent / "shared"
DATASETS = SHARED / "datasets"
SEEDS = SHARED / "seeds"


def mrpc(split: str) -> dict[str, Any]:
    """`compare-pairs` as it runs (the feature scorer mixed with the paraphrase reader), and
    the feature scorer alone (as the story grouping uses it)."""
    path = DATASETS / "mrpc" / f"msr_paraphrase_{split}.txt"
    if not path.exists():
        return {"skipped": f"{path} not found"}
    rows = read_mrpc(path)
    report = _mrpc_figures(rows, split, read=True)
    alone = _mrpc_figures(rows, split, read=False)
    report["features_only"] = {key: alone[key] for key in ("f1", "accuracy", "pairs_per_second")}
    return report


def _mrpc_figures(rows: list[tuple[int, str, str]], split: str, read: bool) -> dict[str, Any]:
    started = time.perf_counter()
    results = compare_pairs([(a, b) for _, a, b in rows], embedder=get_embedder(), read=read)
    seconds = time.perf_counter() - started
    truth = [label == 1 for label, _, _ in rows]
    predicted = [verdict == "agree" for verdict, _ in results]
    true_positive = sum(t and p for t, p in zip(truth, predicted, strict=True))
    precision = true_positive / max(sum(predicted), 1)
    recall = true_positive / max(sum(truth), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(rows)
    verdicts = [verdict for verdict, _ in results]
    return {
        "split": split,
        "pairs": len(rows),
        "f1": round(100 * f1, 1),
        "accuracy": round(100 * accuracy, 1),
        "precision": round(100 * precision, 1),
        "recall": round(100 * recall, 1),
        "verdicts": {name: verdicts.count(name) for name in ("agree", "conflict", "unrelated")},
        "pairs_per_second": round(len(rows) / seconds, 1),
    }


def stsb(split: str) -> dict[str, Any]:
    from scipy.stats import spearmanr

    path = DATASETS / "stsb" / f"sts-{split}.csv"
    if not path.exists():
        return {"skipped": f"{path} not found"}
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 7:
            rows.append((parts[0], float(parts[4]), parts[5], parts[6]))
    results = compare_pairs([(a, b) for _, _, a, b in rows], embedder=get_embedder())
    gold = [score for _, score, _, _ in rows]
    ours = [score for _, score in results]
    vectors = get_embedder().encode([text for _, _, a, b in rows for text in (a, b)])
    cosine = [float(vectors[2 * n] @ vectors[2 * n + 1]) for n in range(len(rows))]
    news = [n for n, row in enumerate(rows) if row[0] == "main-news"]
    return {
        "split": split,
        "pairs": len(rows),
        "spearman_score": round(float(spearmanr(gold, ours).statistic), 3),
        "spearman_minilm_cosine": round(float(spearmanr(gold, cosine).statistic), 3),
        "spearman_score_news": round(
            float(spearmanr([gold[n] for n in news], [ours[n] for n in news]).statistic), 3
        ),
    }


def stories() -> dict[str, Any]:
    found = find_annotated_stories(ROOT)
    if not found:
        return {"skipped": "no annotated story found"}
    return {name: evaluate_story(path, get_embedder()) for name, path in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="mrpc,stsb,seeds,stories")
    parser.add_argument("--split", default="test", choices=["test", "train", "dev"])
    arguments = parser.parse_args()
    parts = set(arguments.only.split(","))
    report: dict[str, Any] = {}
    if "mrpc" in parts:
        report["mrpc"] = mrpc("train" if arguments.split == "train" else "test")
    if "stsb" in parts:
        report["stsb"] = stsb(arguments.split)
    if "seeds" in parts:
        report["seeds"] = (
            seed_checks(SEEDS, get_embedder())
            if SEEDS.is_dir()
            else {"skipped": f"{SEEDS} not found"}
        )
    if "stories" in parts:
        report["stories"] = stories()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Accuracy of the analysis engine, printed as JSON.

    python bench/accuracy.py [--only mrpc,stsb,seeds,stories,real] [--split test|train]

Reads ../shared/datasets (MRPC, STS-B, ECB+) and ../shared/seeds next to the repository, the
project's own annotated stories (tests/fixtures/stories/*, claims/demo_story) and its
annotations of real coverage (bench/real_stories/*); a part whose files are absent is
reported as skipped. Thresholds and weights were chosen on MRPC train and the project's
development stories; MRPC and STS-B figures are on their test splits, and the held-out stories
(`context_training.HELD_OUT`) and the real ones were never fitted on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claims.analysis.embed import get_embedder  # noqa: E402
from claims.analysis.engine import analyze  # noqa: E402
from claims.analysis.pairs import compare_pairs  # noqa: E402
from claims.analysis.storycheck import (  # noqa: E402
    SECOND_ANNOTATION,
    annotation_analysis,
    evaluate_story,
    find_annotated_stories,
    load_story,
    rebuild_story,
    score_story,
    seed_checks,
)
from claims.analysis.training import read_mrpc  # noqa: E402

SHARED = ROOT.parent / "shared"
DATASETS = SHARED / "datasets"
SEEDS = SHARED / "seeds"
REAL_STORIES = ROOT / "bench" / "real_stories"
AGREEMENT_FIGURES = ("pairwise_f1", "status_accuracy", "conflict_kind_recall")
REAL_FIGURES = (
    "pairwise_precision",
    "pairwise_recall",
    "pairwise_f1",
    "status_accuracy",
    "conflict_kind_recall",
    "conflict_kinds_not_in_gold",
    "rewrites_found",
    "false_rewrites",
)


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


def real_stories() -> dict[str, Any]:
    """Real outlets' coverage, annotated by hand for this project (blind, without the engine's
    output): the seed story and ECB+ topics. The annotations (`bench/real_stories/`) point
    into ../shared by character offset, as the project copies no text from there; each story
    is rebuilt in a temporary folder and scored as our own stories are. Only figures are
    reported, no text. No weight or threshold was fitted on any of them. The errors of the
    seven development stories led to comparison rules (sessions 11 and 12); those marked
    "held_out" were annotated after the rules of their session and scored once, and none of
    their errors was read (the README says where a later rule was written knowing a held-out
    story's subject)."""
    report: dict[str, Any] = {}
    for path in sorted(REAL_STORIES.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        source = SHARED / spec["source"]
        if not source.is_dir():
            report[path.stem] = {"skipped": f"{source} not found"}
            continue
        with tempfile.TemporaryDirectory() as folder:
            report[path.stem] = real_story(rebuild_story(spec, source, Path(folder)))
        report[path.stem]["held_out"] = spec.get("held_out", False)
    stories = [figures for figures in report.values() if "skipped" not in figures]
    for label, held_out in (("mean", False), ("mean_held_out", True)):
        scored = [figures for figures in stories if figures["held_out"] == held_out]
        if scored:
            report[label] = _mean(scored)
    twice = [figures for figures in stories if "second_annotation" in figures]
    if twice:
        report["mean_annotated_twice"] = {
            "stories": len(twice),
            "annotators": _mean([figures["second_annotation"]["annotators"] for figures in twice]),
            "engine_against_first": _mean(twice),
            "engine_against_second": _mean(
                [figures["second_annotation"]["engine_against_second"] for figures in twice]
            ),
        }
    return report


def real_story(folder: Path) -> dict[str, Any]:
    """The engine's figures against the story's annotation; for a story annotated twice, also
    the second annotator's figures against the first ("annotators", how far two careful
    people agree: the ceiling of what the annotation can tell apart) and the engine's against
    the second annotation (its figures against the first are the story's own)."""
    story = load_story(folder)
    analysis = analyze(story.articles, embedder=get_embedder())
    scores = score_story(story, analysis)
    figures: dict[str, Any] = {key: scores[key] for key in REAL_FIGURES}
    figures["gold_sentences_not_found"] = len(scores["problems"])
    if (folder / SECOND_ANNOTATION).exists():
        second = load_story(folder, SECOND_ANNOTATION)
        agreement = score_story(story, annotation_analysis(second, analysis))
        engine = score_story(second, analysis)
        figures["second_annotation"] = {
            "annotators": {key: agreement[key] for key in AGREEMENT_FIGURES},
            "engine_against_second": {key: engine[key] for key in AGREEMENT_FIGURES},
        }
    return figures


def _mean(scored: list[dict[str, Any]]) -> dict[str, float]:
    return {
        key: round(sum(figures[key] or 0 for figures in scored) / len(scored), 3)
        for key in AGREEMENT_FIGURES
    }


def stories() -> dict[str, Any]:
    found = find_annotated_stories(ROOT)
    if not found:
        return {"skipped": "no annotated story found"}
    return {name: evaluate_story(path, get_embedder()) for name, path in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="mrpc,stsb,seeds,stories,real")
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
    if "real" in parts:
        report["real"] = real_stories()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Fit the pair scorer on MRPC train and write `scorer_weights.json`.

    python -m claims.analysis.training [--embedder fast|fp32] [PATH_TO_msr_paraphrase_train.txt]

A development tool: it needs scikit-learn, which the running engine does not. Only the train
split is read; the threshold is the one that maximises F1 over 5-fold out-of-fold predictions.
The weights are fitted on the features of one embedder (default: NEWSDESK_EMBEDDER's) and
stored under its name; the other embedder's weights are kept as they are. When the
paraphrase reader's adapter is there (`reader_training` writes it, with its out-of-fold
probabilities on the same pairs), the weight of the reader in the mix `compare-pairs` uses and
the threshold of that mix are chosen the same way.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np

from claims.analysis.embed import TokenEmbedder, embedder_kind, get_embedder, has_tokens
from claims.analysis.features import Corpus, pair_features, sentence_info, token_features
from claims.analysis.reader import out_of_fold, reader_available
from claims.analysis.scorer import WEIGHTS_PATH

DEFAULT_TRAIN = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "datasets"
    / "mrpc"
    / "msr_paraphrase_train.txt"
)
HIDDEN_UNITS = 16
NETWORKS = 5


def read_mrpc(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.split("\t")
        if len(parts) >= 5 and parts[0] in {"0", "1"}:
            rows.append((int(parts[0]), parts[3], parts[4]))
    return rows


def mrpc_features(
    pairs: Sequence[tuple[str, str]], embedder_name: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(sentence-variant features, full-variant features) for sentence pairs, with word
    frequencies taken from the same batch of sentences."""
    embedder = get_embedder(embedder_name)
    firsts = [first for first, _ in pairs]
    seconds = [second for _, second in pairs]
    if not has_tokens(embedder):
        raise SystemExit("the embedder gives no token vectors")
    token_embedder = cast(TokenEmbedder, embedder)
    vectors_a, tokens_a = token_embedder.encode_with_tokens(firsts)
    vectors_b, tokens_b = token_embedder.encode_with_tokens(seconds)
    infos_a = [sentence_info(text) for text in firsts]
    infos_b = [sentence_info(text) for text in seconds]
    corpus = Corpus.of(infos_a + infos_b)
    sentence_rows, full_rows = [], []
    for index in range(len(pairs)):
        cosine = float(vectors_a[index] @ vectors_b[index])
        row = pair_features(infos_a[index], infos_b[index], cosine, corpus)
        sentence_rows.append(row)
        full_rows.append(row + token_features(tokens_a[index], tokens_b[index]))
    return np.asarray(sentence_rows), np.asarray(full_rows)


def fit(features: np.ndarray, labels: np.ndarray) -> tuple[dict[str, object], np.ndarray]:
    """The combiner's weights fitted on every pair, and its 5-fold out-of-fold
    probabilities (from which the threshold is chosen)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    def predict(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, tuple[Any, ...]]:
        scaler = StandardScaler()
        standard = scaler.fit_transform(features[train])
        linear = LogisticRegression(C=0.1, max_iter=5000).fit(standard, labels[train])
        networks = [
            MLPClassifier((HIDDEN_UNITS,), alpha=1.0, max_iter=3000, random_state=seed).fit(
                standard, labels[train]
            )
            for seed in range(NETWORKS)
        ]
        held_out = scaler.transform(features[test])
        network_mean = np.mean([n.predict_proba(held_out)[:, 1] for n in networks], axis=0)
        average = (linear.predict_proba(held_out)[:, 1] + network_mean) / 2
        return average, (scaler, linear, networks)

    out_of_fold = np.zeros(len(labels))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(features, labels):
        out_of_fold[test], _ = predict(train, test)
    threshold, best = _best_threshold(out_of_fold, labels)
    print(f"  out-of-fold F1 {best * 100:.2f} at threshold {threshold:.3f}")
    everything = np.arange(len(labels))
    _, (scaler, linear, networks) = predict(everything, everything)
    weights = {
        "mean": scaler.mean_.tolist(),
        "scale": scaler.scale_.tolist(),
        "linear": linear.coef_[0].tolist(),
        "linear_bias": float(linear.intercept_[0]),
        "networks": [
            {
                "hidden": network.coefs_[0].tolist(),
                "hidden_bias": network.intercepts_[0].tolist(),
                "output": network.coefs_[1][:, 0].tolist(),
                "output_bias": float(network.intercepts_[1][0]),
            }
            for network in networks
        ],
        "threshold": threshold,
        "out_of_fold_f1": round(best * 100, 2),
    }
    return weights, out_of_fold


def _best_threshold(probabilities: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The threshold with the best F1, and that F1."""
    from sklearn.metrics import f1_score

    thresholds = np.arange(0.2, 0.8, 0.005)
    scores = [f1_score(labels, probabilities >= t) for t in thresholds]
    best = int(np.argmax(scores))
    return float(thresholds[best]), float(scores[best])


def fit_blend(combined: np.ndarray, read: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """How much of the reader's probability to mix into the combiner's, and the threshold of
    the mix, chosen on out-of-fold probabilities of both (pairs neither was fitted on)."""
    results = []
    for weight in np.arange(0.0, 1.0001, 0.05):
        threshold, best = _best_threshold((1 - weight) * combined + weight * read, labels)
        results.append((best, float(weight), threshold))
    best, weight, threshold = max(results)
    print(f"  with the reader: out-of-fold F1 {best * 100:.2f} (weight {weight:.2f})")
    return {
        "reader_weight": round(weight, 2),
        "threshold": threshold,
        "out_of_fold_f1": round(best * 100, 2),
    }


def main(argv: Sequence[str]) -> None:
    arguments = list(argv)
    kind = embedder_kind()
    if arguments[:1] == ["--embedder"]:
        kind, arguments = arguments[1], arguments[2:]
    path = Path(arguments[0]) if arguments else DEFAULT_TRAIN
    rows = read_mrpc(path)
    labels = np.asarray([label for label, _, _ in rows])
    sentence_rows, full_rows = mrpc_features([(a, b) for _, a, b in rows], kind)
    # the reader's stored out-of-fold probabilities are those of MRPC train's rows, in order
    read = out_of_fold() if reader_available() and path == DEFAULT_TRAIN else None
    weights: dict[str, Any] = {}
    for name, features in (("sentence", sentence_rows), ("full", full_rows)):
        print(f"{kind} {name}: {features.shape[1]} features")
        weights[name], combined = fit(features, labels)
        if read is not None:
            weights[name]["blend"] = fit_blend(combined, read, labels)
    weights["trained_on"] = {"file": path.name, "pairs": len(rows), "embedder": kind}
    stored = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8")) if WEIGHTS_PATH.exists() else {}
    stored[kind] = weights
    WEIGHTS_PATH.write_text(json.dumps(stored, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote the {kind} weights to {WEIGHTS_PATH}")


if __name__ == "__main__":
    main(sys.argv[1:])

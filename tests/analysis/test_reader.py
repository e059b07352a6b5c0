"""The paraphrase reader: the packaged model with a fitted adapter, reading a pair together."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claims.analysis import reader
from claims.analysis.pairs import compare_pairs
from claims.analysis.reader import (
    LORA_ALPHA,
    LORA_RANK,
    PairReader,
    export_path,
    get_reader,
    merged_state,
)

PARAPHRASE = (
    "The council voted on Tuesday to close the old library by the end of June.",
    "On Tuesday the council decided the old library will shut before the end of June.",
)
UNRELATED = (
    "The council voted on Tuesday to close the old library by the end of June.",
    "Heavy snow closed two mountain passes and stranded dozens of lorries overnight.",
)
SAME_TOPIC = (
    "The council voted on Tuesday to close the old library by the end of June.",
    "Library staff said they learned of the vote from a post on social media.",
)


def test_merging_adds_each_low_rank_update_to_its_weight_and_leaves_the_rest(
    tmp_path: Path,
) -> None:
    random = np.random.default_rng(0)
    weights = {
        "encoder.layer.0.attention.self.query.weight": random.normal(size=(6, 4)),
        "encoder.layer.0.attention.self.query.bias": random.normal(size=6),
        "embeddings.word_embeddings.weight": random.normal(size=(10, 4)),
    }
    down = random.normal(size=(LORA_RANK, 4)).astype(np.float32)
    up = random.normal(size=(6, LORA_RANK)).astype(np.float32)
    np.savez(
        tmp_path / "adapter.npz",
        **{
            "encoder.layer.0.attention.self.query.down": down,
            "encoder.layer.0.attention.self.query.up": up,
            "head.weight": np.ones((1, 4), dtype=np.float32),
        },
    )
    with np.load(tmp_path / "adapter.npz") as adapter:
        merged = merged_state(weights, adapter)
    key = "encoder.layer.0.attention.self.query.weight"
    expected = weights[key] + (LORA_ALPHA / LORA_RANK) * up @ down
    assert np.allclose(merged[key], expected, atol=1e-5)
    assert not np.allclose(merged[key], weights[key])
    for other in ("encoder.layer.0.attention.self.query.bias", "embeddings.word_embeddings.weight"):
        assert merged[other] is weights[other]
    assert set(merged) == set(weights)  # the head is not a weight of the packaged model


def test_the_export_is_named_after_the_adapter_so_a_new_adapter_is_never_read_from_an_old_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = tmp_path / "first.npz"
    second = tmp_path / "second.npz"
    np.savez(first, out_of_fold=np.zeros(2))
    np.savez(second, out_of_fold=np.ones(2))
    monkeypatch.setattr(reader, "ADAPTER_PATH", first)
    name = export_path(tmp_path)
    assert export_path(tmp_path) == name
    monkeypatch.setattr(reader, "ADAPTER_PATH", second)
    assert export_path(tmp_path) != name


@pytest.fixture(scope="module")
def pair_reader() -> PairReader:
    return get_reader()


def test_it_reads_a_pair_the_same_in_either_order(pair_reader: PairReader) -> None:
    forward = pair_reader.probabilities([PARAPHRASE, SAME_TOPIC])
    backward = pair_reader.probabilities([PARAPHRASE[::-1], SAME_TOPIC[::-1]])
    assert np.allclose(forward, backward, atol=1e-6)
    assert pair_reader.probabilities([]).shape == (0,)


def test_it_tells_a_rewording_from_a_sentence_on_the_same_subject(
    pair_reader: PairReader,
) -> None:
    paraphrase, unrelated, same_topic = pair_reader.probabilities(
        [PARAPHRASE, UNRELATED, SAME_TOPIC]
    )
    assert paraphrase > 0.5 > same_topic > unrelated - 0.05
    assert unrelated < 0.1


def test_the_export_gives_what_the_adapter_gives_in_torch() -> None:
    """The merged ONNX export and the adapter as it was trained (low-rank layers beside frozen
    weights, in torch) agree on the same pairs."""
    from claims.analysis.reader_training import predict, with_adapter

    with np.load(reader.ADAPTER_PATH) as adapter:
        model = with_adapter({name: adapter[name] for name in adapter.files})
    rows = [(1, *PARAPHRASE), (0, *UNRELATED), (0, *SAME_TOPIC)]
    in_torch = predict(model, rows, np.arange(len(rows)))
    exported = get_reader().probabilities([(a, b) for _, a, b in rows])
    assert np.allclose(in_torch, exported, atol=1e-4), (in_torch, exported)


def test_compare_pairs_with_and_without_the_reader_give_the_same_clear_verdicts() -> None:
    pairs = [PARAPHRASE, UNRELATED]
    with_reader = compare_pairs(pairs)
    alone = compare_pairs(pairs, read=False)
    assert [verdict for verdict, _ in with_reader] == ["agree", "unrelated"]
    assert [verdict for verdict, _ in alone] == ["agree", "unrelated"]
    assert with_reader[0][1] != alone[0][1]  # the reader's probability is mixed in

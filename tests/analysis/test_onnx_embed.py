"""The int8 ONNX export: built locally from the packaged model, close to the fp32 model, and a
text's vector does not depend on what it is batched with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from claims.analysis import onnx_embed
from claims.analysis.embed import MiniLMEmbedder, get_embedder
from claims.analysis.onnx_embed import (
    OnnxMiniLM,
    ensure_export,
    export_name,
    model_dir,
    packaged_model_path,
    quantize_per_token,
)

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = [
    "The river burst its banks on Tuesday night, flooding 300 homes.",
    "Officials said the evacuation order would stay in place until Friday.",
    "A spokesperson for the utility declined to comment.",
    "Prices rose 4.2% in March, the fastest pace in two years.",
    "The senator denied that she had met the lobbyist.",
    "Two ministers resigned after the vote, the agency reported.",
]


@pytest.fixture(scope="module")
def fp32() -> MiniLMEmbedder:
    embedder = get_embedder("fp32")
    assert isinstance(embedder, MiniLMEmbedder)
    return embedder


def test_its_vectors_are_within_cosine_099_of_fp32(fp32: MiniLMEmbedder) -> None:
    fast = get_embedder("fast").encode(SENTENCES)
    exact = fp32.encode(SENTENCES)
    cosines = (fast * exact).sum(axis=1)
    assert cosines.min() >= 0.99, cosines
    assert cosines.mean() >= 0.995, cosines


def test_a_text_gets_the_same_vector_alone_and_in_any_batch() -> None:
    runner = OnnxMiniLM(ensure_export(), packaged_model_path() / "tokenizer.json")
    texts = SENTENCES * 3 + ["A much longer sentence, " * 12 + "padded around in its batch."]
    together, states = runner.run(texts)
    for number, text in enumerate(SENTENCES + texts[-1:]):
        alone, alone_states = runner.run([text])
        index = number if number < len(SENTENCES) else len(texts) - 1
        assert np.abs(alone[0] - together[index]).max() <= 1e-6
        assert alone_states[0].shape == states[index].shape


def _one_product_model(path: Path, weight: np.ndarray) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "product",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, None, weight.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, None, weight.shape[1]])],
        [numpy_helper.from_array(weight, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", onnx_embed.OPSET)])
    model.ir_version = 8  # what torch.onnx.export writes for opset 17
    onnx.save(model, str(path))


def test_the_quantiser_scales_every_token_on_its_own(tmp_path: Path) -> None:
    import onnx
    import onnxruntime

    rng = np.random.default_rng(7)
    weight = rng.normal(size=(64, 48)).astype(np.float32)
    _one_product_model(tmp_path / "fp32.onnx", weight)
    quantize_per_token(tmp_path / "fp32.onnx", tmp_path / "int8.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "int8.onnx"))
    x = rng.normal(size=(2, 5, 64)).astype(np.float32)
    (product,) = session.run(None, {"x": x})
    exact = x @ weight
    assert np.abs(product - exact).max() <= 0.02 * np.abs(exact).max()  # 8 bits each side
    louder = x.copy()
    louder[1, 3] *= 1000  # one token of the other input: the rest must not move
    (again,) = session.run(None, {"x": louder})
    assert np.array_equal(again[0], product[0])
    assert np.array_equal(np.delete(again[1], 3, axis=0), np.delete(product[1], 3, axis=0))
    ops = {node.op_type for node in onnx.load(str(tmp_path / "int8.onnx")).graph.node}
    assert "MatMul" not in ops and "MatMulIntegerToFloat" in ops


def test_its_token_vectors_match_fp32_in_shape_and_direction(fp32: MiniLMEmbedder) -> None:
    _, fast = get_embedder("fast").encode_with_tokens(SENTENCES)  # type: ignore[attr-defined]
    _, exact = fp32.encode_with_tokens(SENTENCES)
    for ours, theirs in zip(fast, exact, strict=True):
        assert ours.shape == theirs.shape
        assert ours.dtype == theirs.dtype == np.float16
        cosines = (ours.astype(np.float32) * theirs.astype(np.float32)).sum(axis=1)
        assert cosines.mean() >= 0.97


def test_it_keeps_the_export_in_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    assert model_dir() == tmp_path / "data" / "models"
    monkeypatch.delenv("NEWSDESK_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert model_dir() == tmp_path / "cache" / "newsdesk" / "models"


def test_building_the_export_twice_at_once_is_safe(tmp_path: Path) -> None:
    builders = [
        subprocess.Popen(
            [sys.executable, "-m", "claims.analysis.onnx_embed", str(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [builder.communicate(timeout=300) for builder in builders]
    assert [builder.returncode for builder in builders] == [0, 0], outputs
    built = {stdout.strip() for stdout, _ in outputs}
    name = export_name(packaged_model_path())
    assert built == {str(tmp_path / name)}
    assert sorted(path.name for path in tmp_path.iterdir()) == [name, name + ".lock"]
    assert ensure_export(tmp_path) == tmp_path / name  # found, not built again
    runner = OnnxMiniLM(tmp_path / name, packaged_model_path() / "tokenizer.json")
    vectors, hidden = runner.run(SENTENCES[:2])
    reference = get_embedder("fast").encode(SENTENCES[:2])
    assert (vectors * reference).sum(axis=1).min() > 0.999
    assert [states.shape[1] for states in hidden] == [384, 384]


def test_batches_hold_texts_of_about_one_length_and_each_text_once() -> None:
    lengths = [12, 40, 11, 13, 90, 14, 41, 12] + [20] * 40
    batches = onnx_embed._batches(lengths)
    assert sorted(number for batch in batches for number in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= onnx_embed.RUN_BATCH
        sizes = [lengths[number] for number in batch]
        assert max(sizes) <= onnx_embed.PADDING_ALLOWED * min(sizes)
    assert [lengths[n] for n in batches[0]] == [11, 12, 12, 13]  # 14 > 1.25 x 11

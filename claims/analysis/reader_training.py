"""Fine-tune the paraphrase reader on MRPC train and write `reader_adapter.npz`.

    python -m claims.analysis.reader_training [PATH_TO_msr_paraphrase_train.txt]

A development tool (about 40 minutes on two cores): it needs torch and scikit-learn. The
packaged all-MiniLM-L6-v2 stays frozen; a low-rank adapter (LoRA) on each of its linear
layers and a one-unit head over the mean of its outputs learn to read two sentences together.
Only the train split is read. Five adapters fitted on four fifths of it each give every train
pair an out-of-fold probability (stored beside the weights, so that `training` can weigh the
reader against the feature scorer on pairs neither has seen); the stored adapter is then
fitted on the whole split.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claims.analysis.reader import ADAPTED, ADAPTER_PATH, LORA_ALPHA, LORA_RANK, MAX_PAIR_TOKENS
from claims.analysis.training import DEFAULT_TRAIN, read_mrpc

EPOCHS = 3
LEARNING_RATE = 5e-4
BATCH = 16
FOLDS = 5

Rows = list[tuple[int, str, str]]


def _model() -> Any:
    """The packaged model with a zero-initialised adapter on each adapted linear layer."""
    import torch
    from transformers import AutoModel

    from claims.analysis.onnx_embed import packaged_model_path

    class LowRank(torch.nn.Module):
        def __init__(self, base: torch.nn.Linear) -> None:
            super().__init__()
            self.base = base
            self.down = torch.nn.Parameter(torch.randn(LORA_RANK, base.in_features) * 0.01)
            self.up = torch.nn.Parameter(torch.zeros(base.out_features, LORA_RANK))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.base(x) + (x @ self.down.T) @ self.up.T * (LORA_ALPHA / LORA_RANK)

    class Reader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = AutoModel.from_pretrained(str(packaged_model_path()))
            self.head = torch.nn.Linear(self.body.config.hidden_size, 1)
            for parameter in self.body.parameters():
                parameter.requires_grad = False
            for layer in self.body.encoder.layer:
                for path in ADAPTED:
                    parent_path, name = path.rsplit(".", 1)
                    parent = layer.get_submodule(parent_path)
                    setattr(parent, name, LowRank(getattr(parent, name)))

        def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
            states = self.body(**batch).last_hidden_state
            mask = batch["attention_mask"][..., None].float()
            pooled = (states * mask).sum(1) / mask.sum(1)
            return self.head(pooled).squeeze(-1)

    return Reader()


def _tokenizer() -> Any:
    from transformers import AutoTokenizer

    from claims.analysis.onnx_embed import packaged_model_path

    return AutoTokenizer.from_pretrained(str(packaged_model_path()))


def _batch(tokenizer: Any, rows: Rows, indices: Sequence[int] | np.ndarray, swap: bool) -> Any:
    firsts = [rows[i][1] for i in indices]
    seconds = [rows[i][2] for i in indices]
    if swap:
        firsts, seconds = seconds, firsts
    return tokenizer(
        firsts,
        seconds,
        padding=True,
        truncation=True,
        max_length=MAX_PAIR_TOKENS,
        return_tensors="pt",
    )


def fit(rows: Rows, indices: np.ndarray, seed: int) -> Any:
    """An adapter fitted on `rows[indices]`; each batch is read in a random order of its two
    sentences, so the reader learns that order does not matter."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    torch.manual_seed(seed)
    random = np.random.default_rng(seed)
    model, tokenizer = _model(), _tokenizer()
    trained = [parameter for parameter in model.parameters() if parameter.requires_grad]
    optimiser = torch.optim.AdamW(trained, lr=LEARNING_RATE, weight_decay=0.01)
    steps = EPOCHS * -(-len(indices) // BATCH)
    schedule = get_linear_schedule_with_warmup(optimiser, steps // 10, steps)
    labels = np.asarray([label for label, _, _ in rows], dtype=np.float32)
    for epoch in range(EPOCHS):
        model.train()
        started = time.monotonic()
        order = random.permutation(indices)
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            logits = model(_batch(tokenizer, rows, chosen, bool(random.random() < 0.5)))
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, torch.tensor(labels[chosen])
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        print(f"    epoch {epoch + 1}: {time.monotonic() - started:.0f} s", flush=True)
    return model.eval()


def predict(model: Any, rows: Rows, indices: np.ndarray) -> np.ndarray:
    """Probabilities, averaged over both orders of each pair (as the running reader does)."""
    import torch

    tokenizer = _tokenizer()
    chunks = []
    with torch.no_grad():
        for start in range(0, len(indices), 64):
            chosen = indices[start : start + 64]
            both = [
                torch.sigmoid(model(_batch(tokenizer, rows, chosen, swap)))
                for swap in (False, True)
            ]
            chunks.append(((both[0] + both[1]) / 2).numpy())
    return np.concatenate(chunks)


def _adapted(model: Any) -> Iterator[tuple[str, Any]]:
    """Each low-rank layer of the model, under the name of the packaged weight it adapts
    ("encoder.layer.0.attention.self.query")."""
    for number, layer in enumerate(model.body.encoder.layer):
        for path in ADAPTED:
            yield f"encoder.layer.{number}.{path}", layer.get_submodule(path)


def adapter_arrays(model: Any) -> dict[str, np.ndarray]:
    """The trained parameters by the name of the packaged weight they adapt:
    "encoder.layer.0.attention.self.query.down" and ".up", and "head.weight", "head.bias"."""
    arrays: dict[str, np.ndarray] = {}
    for prefix, module in _adapted(model):
        arrays[f"{prefix}.down"] = module.down.detach().numpy().astype(np.float32)
        arrays[f"{prefix}.up"] = module.up.detach().numpy().astype(np.float32)
    arrays["head.weight"] = model.head.weight.detach().numpy().astype(np.float32)
    arrays["head.bias"] = model.head.bias.detach().numpy().astype(np.float32)
    return arrays


def with_adapter(arrays: dict[str, np.ndarray]) -> Any:
    """The training-time model (adapters beside the frozen weights) holding stored arrays."""
    import torch

    model = _model()
    with torch.no_grad():
        for prefix, module in _adapted(model):
            module.down.copy_(torch.from_numpy(arrays[f"{prefix}.down"]))
            module.up.copy_(torch.from_numpy(arrays[f"{prefix}.up"]))
        model.head.weight.copy_(torch.from_numpy(arrays["head.weight"]))
        model.head.bias.copy_(torch.from_numpy(arrays["head.bias"]))
    return model.eval()


def main(argv: Sequence[str]) -> None:
    import torch
    from sklearn.model_selection import StratifiedKFold

    torch.set_num_threads(os.cpu_count() or 1)
    path = Path(argv[0]) if argv else DEFAULT_TRAIN
    rows = read_mrpc(path)
    labels = np.asarray([label for label, _, _ in rows])
    out_of_fold = np.zeros(len(rows), dtype=np.float32)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=2)
    for number, (train, held_out) in enumerate(folds.split(np.zeros(len(rows)), labels)):
        print(f"  fold {number + 1} of {FOLDS}", flush=True)
        out_of_fold[held_out] = predict(fit(rows, train, seed=number), rows, held_out)
    print("  the whole split", flush=True)
    model = fit(rows, np.arange(len(rows)), seed=FOLDS)
    arrays: dict[str, Any] = {"out_of_fold": out_of_fold, **adapter_arrays(model)}
    np.savez_compressed(ADAPTER_PATH, **arrays)
    print(f"wrote {ADAPTER_PATH}")


if __name__ == "__main__":
    main(sys.argv[1:])

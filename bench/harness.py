"""What the benchmarks share: a throwaway Newsdesk instance, timed commands, results files.

An `Instance` is a fresh NEWSDESK_DATA_DIR with its own embedded PostgreSQL and Redis, held
running for the benchmark's whole run (as a deployed app's servers are), so that a timed
command measures the command and not a database start. Commands run as separate processes
(`manage.py ...`), each timed from start to exit with its own peak memory (RSS).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
ECB = DATASETS / "ecbplus-stories"
RESULTS = ROOT / "bench" / "results"

sys.path.insert(0, str(ROOT))


def require(path: Path, what: str) -> None:
    """Stop cleanly (exit 0, nothing written) when the evaluation data is not here."""
    if not path.exists():
        print(json.dumps({"skipped": f"{what} not found at {path}"}))
        sys.exit(0)


def ecb_topics(pattern: str = "topic*") -> list[Path]:
    return sorted(path for path in ECB.glob(pattern) if path.is_dir())


def ecb_files(pattern: str = "topic*") -> list[Path]:
    return [file for topic in ecb_topics(pattern) for file in sorted(topic.glob("*.txt"))]


def readable(files: list[Path]) -> tuple[list[Path], list[str]]:
    """The files the app's ingester accepts, and the names of those it refuses (a few ECB+
    files are a headline only)."""
    from claims.ingest import IngestError, parse_path

    kept, refused = [], []
    for path in files:
        try:
            parse_path(path)
        except IngestError:
            refused.append(path.name)
        else:
            kept.append(path)
    return kept, refused


@dataclass
class Timed:
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def run_timed(command: Sequence[str], env: dict[str, str], cwd: Path = ROOT) -> Timed:
    """Run a process to its end; its wall time and its own peak RSS (from wait4)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return Timed(seconds, round(usage.ru_maxrss / 1024, 1), stdout, stderr)


class Instance:
    """A throwaway data folder with running embedded servers; `manage()` runs commands in it."""

    def __init__(self, embedder: str = "fast") -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
        self.embedder = embedder
        self.secret_key = secrets.token_urlsafe(50)
        self._started = False

    def __enter__(self) -> Instance:
        from newsdesk import embedded

        self.database_url = embedded.database_url(self.data_dir)
        self.redis_url = embedded.redis_url(self.data_dir)
        self._started = True
        self.manage("migrate", "--no-input", "-v", "0")
        return self

    def __exit__(self, *exc: object) -> None:
        from newsdesk import embedded

        if self._started:
            embedded.release(self.data_dir)
            embedded.stop_all(self.data_dir)
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "NEWSDESK_EMBEDDER"}
        }
        env.update(
            NEWSDESK_DATA_DIR=str(self.data_dir),
            XDG_CACHE_HOME=str(self.data_dir / "cache"),
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            NEWSDESK_EMBEDDER=self.embedder,
            SECRET_KEY=self.secret_key,
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
        )
        env.update(extra)
        return env

    def manage(self, *args: str, **env: str) -> Timed:
        return run_timed([sys.executable, "manage.py", *args], self.env(**env))

    def python(self, code: str, **env: str) -> Timed:
        return run_timed([sys.executable, "-c", code], self.env(**env))

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code).stdout.strip()

    def build_models(self) -> Timed:
        """The one-off builds of a fresh data folder, so no timed run pays for them: the
        embedder's export and the paraphrase reader's (which the grouping may need)."""
        return self.manage(
            "shell",
            "--no-imports",
            "-c",
            "from claims.analysis.embed import get_embedder; get_embedder(); "
            "from claims.analysis.reader import ensure_reader_export; ensure_reader_export()",
        )

    def ingest(self, slug: str, files: Sequence[Path]) -> Timed:
        return self.manage("ingest", "--story", slug, *map(str, files))


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def write_result(name: str, report: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2) + "\n"
    (RESULTS / f"{name}.json").write_text(text)
    print(text, end="")

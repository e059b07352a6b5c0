"""Work shared with a forked side process: same results as doing it alone, whatever happens to
the side process, and the engine's two uses of it (pair features, the name pass)."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import BrokenExecutor, Future

import numpy as np
import pytest

from claims.analysis import align, side
from claims.analysis.align import PairScorer, StorySentence, candidate_pairs
from claims.analysis.embed import Embedder
from claims.analysis.engine import NamePass
from claims.analysis.entities import sentence_names
from claims.analysis.features import sentence_info
from claims.analysis.segment import segment
from claims.analysis.types import SentenceRef

pytestmark = pytest.mark.skipif(not side.can_fork(), reason="needs fork")


def _pid_and_square(number: int) -> tuple[int, int]:
    time.sleep(0.01)
    return os.getpid(), number * number


def test_shared_work_gives_every_result_in_order_and_uses_the_side_process() -> None:
    results = side.shared(_pid_and_square, list(range(40)))
    assert [square for _, square in results] == [n * n for n in range(40)]
    assert {pid for pid, _ in results[:20]} == {os.getpid()}  # the first half is done here
    assert any(pid != os.getpid() for pid, _ in results[20:])  # the side process took part


TEST_PROCESS = os.getpid()


def _dies_on_three(number: int) -> int:
    if number == 3 and os.getpid() != TEST_PROCESS:  # in the side process: die
        os._exit(1)
    return number + 100


def test_a_part_whose_side_process_died_is_done_here() -> None:
    pool = side.forked_pool()
    assert pool is not None
    with pool:
        futures = [pool.submit(_dies_on_three, n) for n in range(6)]
        results = side.gathered(_dies_on_three, list(range(6)), futures, take_back=False)
    assert results == [n + 100 for n in range(6)]


def test_parts_the_side_process_has_not_started_are_taken_back() -> None:
    never_run: list[Future[int]] = [Future() for _ in range(3)]  # pending, as if queued
    done: Future[int] = Future()
    done.set_result(7)
    results = side.gathered(lambda n: n * 10, [0, 1, 2, 3], [done, *never_run])
    assert results == [7, 10, 20, 30]
    assert all(future.cancelled() for future in never_run)


def _scorer(embedder: Embedder) -> tuple[PairScorer, list[tuple[int, int]]]:
    articles = [
        "The council approved a budget of $4 million for the bridge. Work starts in May.",
        "Councillors backed the $4m bridge budget on Monday. Building begins in May 2025.",
        "A $5 million budget for the bridge was approved. Construction starts in June.",
        "The mayor said the bridge will open in 2027. Residents asked for a cycle lane.",
    ]
    sentences = []
    for article_id, body in enumerate(articles):
        for index, piece in enumerate(segment(body)):
            vector = embedder.encode([piece.text])[0]
            sentences.append(
                StorySentence(SentenceRef(article_id, index), sentence_info(piece.text), vector)
            )
    scorer = PairScorer(sentences)
    pairs = sorted(candidate_pairs(sentences, neighbours=len(sentences)))
    return scorer, pairs


def test_pair_features_shared_with_the_side_process_are_the_ones_computed_alone(
    embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    scorer, pairs = _scorer(embedder)
    alone = [scorer.features(i, j) for i, j in pairs]
    masked_alone = [scorer.features(i, j, masked=True) for i, j in pairs]
    monkeypatch.setattr(align, "SHARED_PAIRS", 2)
    monkeypatch.setattr(align, "SHARED_PART", 1)
    assert len(pairs) >= 4
    assert np.array_equal(np.asarray(scorer._rows(pairs)), np.asarray(alone))
    assert np.array_equal(np.asarray(scorer._rows(pairs, masked=True)), np.asarray(masked_alone))


def test_the_name_pass_splits_bodies_itself_and_finds_what_spacy_finds() -> None:
    bodies = [
        "Mayor Ana Ruiz opened the Harbour Bridge in Portmere. The Port Authority paid for it.",
        "Ruiz thanked the engineers from Lisbon. Nobody was hurt.",
    ]
    with NamePass([(body, None) for body in bodies]) as names:
        found = names.names()
    texts = [piece.text for body in bodies for piece in segment(body)]
    assert found == sentence_names(texts)
    assert "Lisbon" in {name[2] for names in found.values() for name in names}


def test_the_lasting_side_process_is_kept_and_a_dead_one_replaced() -> None:
    pool = side.lasting_pool()
    assert pool is not None
    assert side.lasting_pool() is pool  # kept: spaCy stays loaded from story to story
    assert pool.submit(abs, -3).result(timeout=60) == 3
    for pid in list(pool._processes):  # killed, as by the out-of-memory killer
        os.kill(pid, signal.SIGKILL)
    with pytest.raises(BrokenExecutor):
        pool.submit(abs, -4).result(timeout=60)
    with NamePass([("Ana Ruiz flew home to Lisbon on Monday.", None)]) as names:
        found = names.names()
    assert "Lisbon" in {name[2] for names_of in found.values() for name in names_of}
    assert side.lasting_pool() is not pool

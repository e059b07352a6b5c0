"""Work shared with a forked side process, so that CPU-bound Python uses both cores.

The GIL keeps a second thread from running Python beside the first, so the engine forks: the
side process starts with a copy of everything this one holds (models, sentences, caches) and
needs nothing sent but the part of the work it is to do. Work is cut into parts; the side
process is given some, and `gathered` collects them, taking back (doing here) the parts it
has not started by then and redoing here any part it could not finish because it died, so a
slow or killed side process costs time, never a result.

Where a process cannot be forked (a platform without fork, or a daemonic process such as a
Celery prefork worker's child, which may not have children) `forked_pool` and `lasting_pool`
give None, and the caller uses a thread or does the work itself.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from typing import TypeVar

from threadpoolctl import threadpool_limits

Part = TypeVar("Part")
Result = TypeVar("Result")


def can_fork() -> bool:
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def forked_pool() -> ProcessPoolExecutor | None:
    """One forked worker process with one BLAS thread, or None where forking is not possible.
    The process is forked at the first `submit`: create threads only after that."""
    if not can_fork():
        return None
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=threadpool_limits,
        initargs=(1, "blas"),
    )


_lasting: ProcessPoolExecutor | None = None
_lasting_lock = threading.Lock()


def lasting_pool() -> ProcessPoolExecutor | None:
    """One forked worker process kept for the life of this process, so that what it loads
    (spaCy, for the name pass) is loaded once however many stories this process analyses;
    forked at its first use (create threads only after that), forked again if it died; None
    where forking is not possible. Its users cancel what they no longer need; they do not shut
    it down."""
    global _lasting
    with _lasting_lock:
        if _lasting is not None and getattr(_lasting, "_broken", False):
            _lasting.shutdown(wait=False, cancel_futures=True)
            _lasting = None
        if _lasting is None:
            _lasting = forked_pool()
        return _lasting


def gathered(
    function: Callable[[Part], Result],
    parts: Sequence[Part],
    futures: Sequence[Future[Result]],
    *,
    take_back: bool = True,
) -> list[Result]:
    """`function(part)` for every part, in order: `futures[n]` is the side process's run of
    `parts[n]`. With `take_back`, parts it has not started are cancelled and done here (last
    first, so the side process is not kept waiting for one it is about to start)."""
    results: dict[int, Result] = {}
    if take_back:
        for number in reversed(range(len(parts))):
            if futures[number].cancel():
                results[number] = function(parts[number])
    for number, future in enumerate(futures):
        if number not in results:
            try:
                results[number] = future.result()
            except BrokenExecutor:  # the side process died (killed, out of memory): redo here
                results[number] = function(parts[number])
    return [results[number] for number in range(len(parts))]


def shared(function: Callable[[Part], Result], parts: Sequence[Part]) -> list[Result]:
    """`function(part)` for every part, in order, with a forked process doing the second half
    of the parts while this one does the first (and then takes back what it has not started).
    `function` must be a module-level function; what it reads from module globals is what they
    held when this was called. Without fork, or with one part, all is done here."""
    if len(parts) < 2:
        return [function(part) for part in parts]
    pool = forked_pool()
    if pool is None:
        return [function(part) for part in parts]
    half = len(parts) // 2
    with pool:
        futures = [pool.submit(function, part) for part in parts[half:]]
        mine = [function(part) for part in parts[:half]]
        theirs = gathered(function, parts[half:], futures)
    return mine + theirs

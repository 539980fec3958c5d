"""Worker processes for the parallel layout (:mod:`.parallel`): the only place that forks.

Workers are forked when first needed, so that they share the parent's memory as it is then (the
document, the layouts, the function that lays out one group), and are stopped when the build
leaves :class:`Workers`: at once when it was interrupted or failed."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ...errors import RenderError

_CONTEXT: dict[str, Any] = {}  # what every worker shares, set before the workers fork


class Workers:
    """``jobs`` worker processes that call ``function`` on each item of :meth:`map`; a single
    item is done in this process, which costs no fork and keeps the fonts it loads warm for the
    next build (``watch``)."""

    def __init__(self, jobs: int, function: Callable[..., Any]) -> None:
        self.jobs = jobs
        self.function = function
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        _CONTEXT.update(function=self.function)
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        _CONTEXT.clear()
        if self.pool is None:
            return
        if kind is None:
            self.pool.shutdown()
            return
        # Interrupted (Ctrl-C, the time limit) or failed: stop the workers now, not when they finish.
        for process in list(getattr(self.pool, "_processes", {}).values()):
            process.terminate()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def map(self, items: Sequence[tuple[Any, ...]]) -> list[Any]:
        """``function(*item)`` for each item, in order."""
        if len(items) <= 1 or self.jobs <= 1:
            return [self.function(*item) for item in items]
        if self.pool is None:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context)
        try:
            return list(self.pool.map(_call, items))
        except BrokenProcessPool:
            raise RenderError(
                "PDF: a layout process stopped unexpectedly (out of memory?); try again with --jobs 1"
            ) from None


def _call(item: tuple[Any, ...]) -> Any:
    """In a worker: the shared function called on one item."""
    return _CONTEXT["function"](*item)

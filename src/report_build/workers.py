"""Worker processes of a build, supervised: they live and die with it.

Two stages use them: the reading converts a long text's chapters side by side
(:mod:`.source.fragments`), and the parallel layout lays out groups of chapters
(:mod:`.writers.pdf.parallel`). Workers are forked when first needed, so that they share the
parent's memory as it is then (the text or the document, the layouts, the function that
converts one chapter or lays out one group), and each takes one item at a time over its own
pipe. They never outlive their build and never speak over it:

- **They die with the build**, whatever ends it (SIGKILL included): on Linux the kernel kills a
  worker when its parent dies (``PR_SET_PDEATHSIG``); everywhere, a thread in the worker waits
  on a pipe that only the parent holds open and ends the worker when it closes; a worker whose
  parent is already gone when it starts (the race before the first two) exits at once.
- **They stay quiet on interruption.** A worker ignores SIGINT (Ctrl-C reaches the whole
  process group: the parent decides) and dies silently on SIGTERM; both signals are blocked
  across the fork, so none lands before the worker has set them so. The parent, interrupted,
  stops every worker at once and shows the one message.
- **A worker that dies is a clear error** (:class:`~report_build.errors.RenderError` in the
  layout, :class:`~report_build.errors.ManuscriptError` in the reading), and the others are stopped.
- **A fault in a worker is the parent's fault**: the exception is sent back and raised in the
  parent as it would have been raised there (a :class:`~report_build.errors.ReportBuildError`
  with its path and line), never printed by the worker. When several items fail, the first
  one's fault is raised, as the single pass would meet it first.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .errors import ManuscriptError, RenderError

PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent dies
KERNEL_DEATH_SIGNAL = sys.platform.startswith("linux")  # elsewhere the parent's pipe alone does it
STOPPING = (signal.SIGINT, signal.SIGTERM)
SCRATCH = "report-build-workers-"  # the workers' temporary folder: SCRATCH + the build's process id + "-..."


TASKS = {"layout": ("PDF", RenderError), "reading": ("Markdown", ManuscriptError)}
"""What each kind of worker does: the word its errors start with, and the error a death is."""


class Workers:
    """Up to ``jobs`` worker processes that call ``function`` on the items of :meth:`map`; a
    single item is done in this process, which costs no fork and keeps the fonts it loads warm
    for the next build (``watch``), unless workers forked for an earlier round are running.
    Leaving the ``with`` block stops them all. ``task`` (a key of :data:`TASKS`) names them in
    the process list and in the error a death gives."""

    def __init__(self, jobs: int, function: Callable[..., Any], task: str = "layout") -> None:
        self.jobs = jobs
        self.function = function
        self.task = task
        self.workers: list[_Worker] = []
        self.lifeline: tuple[int, int] | None = None  # (read, write): the workers watch it close
        self.scratch: str | None = None  # the workers' temporary folder (WeasyPrint's font copies)
        self.forked = 0  # items done in worker processes (the others were done in this one)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.stop()

    def map(self, items: Sequence[tuple[Any, ...]]) -> list[Any]:
        """``function(*item)`` for each item, in order; the first item's fault is raised (and
        the workers are stopped: a fault, an interruption or a death ends the round)."""
        # A single item is done in this process, unless workers of an earlier round are running
        # (all of them alive): one of them has already loaded what the item needs (a layout's
        # stylesheets and fonts).
        running = bool(self.workers) and all(worker.process.is_alive() for worker in self.workers)
        if (len(items) <= 1 and not running) or self.jobs <= 1 or not _can_fork():
            return [self.function(*item) for item in items]
        try:
            results = self._map(items)
        except BaseException:
            self.stop()
            raise
        self.forked += len(items)
        return results

    def _map(self, items: Sequence[tuple[Any, ...]]) -> list[Any]:
        self._start(min(self.jobs, len(items)))
        results: list[Any] = [None] * len(items)
        faults: dict[int, BaseException] = {}
        waiting = list(reversed(range(len(items))))  # popped from the end: first item first
        busy: dict[_Worker, int] = {}
        while waiting or busy:
            for worker in self.workers:
                if waiting and worker not in busy:
                    index = waiting.pop()
                    worker.give(items[index])
                    busy[worker] = index
            ready = wait([worker.connection for worker in busy] + [worker.process.sentinel for worker in busy])
            for worker in [worker for worker in busy if worker.connection in ready or worker.process.sentinel in ready]:
                index = busy.pop(worker)
                done, value = worker.receive()
                if done:
                    results[index] = value
                else:
                    faults[index] = value
            if faults:
                first = min(faults)
                waiting = [index for index in waiting if index < first]
                if not waiting and all(index > first for index in busy.values()):
                    raise faults[first]
        return results

    def _start(self, count: int) -> None:
        """Fork workers until there are ``count``, SIGINT and SIGTERM blocked meanwhile."""
        if len(self.workers) >= count:
            return
        if self.lifeline is None:
            self.lifeline = os.pipe()
        if self.scratch is None:
            self.scratch = scratch_folder()
        context = multiprocessing.get_context("fork")
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        # What this process holds is frozen for the workers: their garbage collections then never
        # write to the objects they share with it, which would copy those memory pages into each
        # of them (10 MB less at the peak of a cold 500-page layout). Thawed here after the fork,
        # unless the process had frozen what it holds for itself (a watch's: watch.prepare_rebuilds).
        thaw = gc.get_freeze_count() == 0
        if thaw:
            gc.freeze()
        try:
            while len(self.workers) < count:
                mine, theirs = context.Pipe()
                # what the new worker must not keep open: the parent's ends of every pipe
                inherited = [worker.connection for worker in self.workers] + [mine]
                process = context.Process(
                    target=_serve,
                    args=(
                        self.function,
                        theirs,
                        inherited,
                        self.lifeline,
                        os.getpid(),
                        blocked,
                        self.scratch,
                        self.task,
                    ),
                    name=f"report-build {self.task} {len(self.workers) + 1}",
                    daemon=True,
                )
                process.start()
                theirs.close()
                self.workers.append(_Worker(process, mine, self.task))
        finally:
            if thaw:
                gc.unfreeze()
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def stop(self) -> None:
        """Stop every worker now (mid-layout or waiting for work), wait for it to end and remove
        its temporary files, with SIGINT and SIGTERM held back meanwhile (they take effect after)."""
        if not self.workers and self.lifeline is None and self.scratch is None:
            return
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        try:
            for worker in self.workers:
                if worker.process.is_alive():
                    worker.process.kill()
            for worker in self.workers:
                worker.process.join()
                worker.connection.close()
                worker.process.close()
            self.workers = []
            if self.lifeline is not None:
                for descriptor in self.lifeline:
                    os.close(descriptor)
                self.lifeline = None
            if self.scratch is not None:  # what a stopped worker could not remove itself
                shutil.rmtree(self.scratch, ignore_errors=True)
                self.scratch = None
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, process: Any, connection: Connection, task: str) -> None:
        self.process = process
        self.connection = connection
        self.task = task

    def give(self, item: tuple[Any, ...]) -> None:
        try:
            self.connection.send(item)
        except OSError:
            raise self.death() from None

    def receive(self) -> tuple[bool, Any]:
        """(True, result) or (False, the exception to raise) for the item the worker was sent."""
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            return False, self.death()

    def death(self) -> RenderError | ManuscriptError:
        """The error that says this worker died (its pipe closed before it answered)."""
        self.process.join(1)
        code = self.process.exitcode
        how = f"killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        stage, error = TASKS[self.task]
        return error(
            f"{stage}: a {self.task} process died ({how}, perhaps out of memory); earlier outputs are left as they "
            "were; try again, or with --jobs 1"
        )


def scratch_folder() -> str:
    """A new temporary folder for this build's child processes (the layout workers, the
    preview's PDF maker), which the parent removes when it stops them, once the folders of
    builds that died without removing theirs (killed by SIGKILL: their children died with
    them) are removed."""
    base = Path(tempfile.gettempdir())
    for folder in base.glob(f"{SCRATCH}*-*"):
        owner = folder.name[len(SCRATCH) :].split("-", 1)[0]
        with contextlib.suppress(OSError, ValueError):
            if folder.stat().st_uid == os.getuid() and not _running(int(owner)):
                shutil.rmtree(folder, ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-", dir=base)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and hasattr(signal, "pthread_sigmask")


def _serve(
    function: Callable[..., Any],
    connection: Connection,
    inherited: list[Connection],
    lifeline: tuple[int, int],
    parent: int,
    mask: set[signal.Signals],
    scratch: str,
    task: str,
) -> None:
    """A worker's life: set up to die with its parent and stay quiet, then call ``function`` on
    each item received until the parent goes. Its temporary files go in ``scratch``, which the
    parent removes when it stops the workers."""
    tempfile.tempdir = scratch
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent, lifeline)
    for other in inherited:
        other.close()
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    try:
        while True:
            try:
                item = connection.recv()
            except (EOFError, OSError):
                return  # the parent closed its end: nothing more to do
            try:
                reply: tuple[bool, Any] = (True, function(*item))
            except Exception as exc:
                reply = (False, portable(exc, task))
            try:
                connection.send(reply)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                connection.send((False, portable(exc, task)))
    except BaseException:  # the parent is gone, or worse: end without a word (it says what matters)
        os._exit(1)


def _die_with(parent: int, lifeline: tuple[int, int]) -> None:
    """End this worker when its parent dies, however it dies."""
    if KERNEL_DEATH_SIGNAL:
        with contextlib.suppress(OSError, AttributeError):  # no prctl: the pipe below still works
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    read, write = lifeline
    os.close(write)  # only the parent holds it open: it closes when the parent dies
    if os.getppid() != parent:  # the parent died before any of this took hold
        os._exit(1)

    def watch() -> None:
        while os.read(read, 1):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="parent watch", daemon=True).start()


def portable(exc: BaseException, task: str) -> BaseException:
    """``exc`` as it can cross to the parent: itself when it survives pickling (with its path
    and line: an exception's attributes travel with it), else an error of the same words. The
    worker's traceback goes with it as a note (shown only with REPORT_BUILD_DEBUG)."""
    where = "".join(traceback.format_exception(exc))
    try:
        copy = pickle.loads(pickle.dumps(exc))
    except Exception:
        copy = RuntimeError(f"{type(exc).__name__}: {exc}")
    if not isinstance(copy, BaseException):
        copy = RuntimeError(f"{type(exc).__name__}: {exc}")
    copy.add_note(f"in a {task} process:\n{where}")
    return copy

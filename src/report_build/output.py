"""Writing outputs: to a temporary file beside the target, checked, then renamed atomically.

An interrupted or failed build leaves the previous output byte-for-byte as it was.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from .errors import RenderError, ReportBuildError


class Interrupted(KeyboardInterrupt):
    """The build was stopped by a signal (SIGINT, SIGTERM). A KeyboardInterrupt, so that every
    cleanup runs on the way out, that knows its signal: the command line exits 128 + ``signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum


# The signal that interrupted the build in progress, if one did. Set by the handlers of
# interrupts_as_exceptions; while it is set, write_atomic writes nothing, even if a library
# caught the KeyboardInterrupt the signal raised (WeasyPrint's SVG drawing catches everything).
_interrupted: int | None = None


def write_atomic(target: Path, data: bytes, check: Callable[[bytes], None] | None = None) -> Path:
    """Write ``data`` to ``target`` atomically; ``check`` may raise to refuse the bytes."""
    if _interrupted is not None:
        raise Interrupted(_interrupted)
    if check is not None:
        check(data)
    target = Path(target)
    folder = target.parent
    _check_folder(folder)
    if target.is_dir():
        raise RenderError("is a folder: give the file to write, such as -o report.pdf", target)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create output folder: {exc.strerror}", folder) from None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise RenderError(f"cannot write in the output folder: {exc.strerror}", folder) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        if _interrupted is not None:
            raise Interrupted(_interrupted)
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise RenderError(f"cannot write output: {exc.strerror}", target) from None
        raise
    _sync_folder(folder)
    return target


def _check_folder(folder: Path) -> None:
    """A clear message when the output folder cannot be a folder: a file is in the way."""
    for parent in (folder, *folder.parents):
        if parent.exists():
            if not parent.is_dir():
                raise RenderError(
                    f"cannot write there: '{parent}' is a file, not a folder; choose another output path", folder
                )
            return


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can open a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """Turn SIGTERM (and SIGINT) into :class:`Interrupted` for the duration, so cleanup code runs,
    and remember the signal so that nothing is written afterwards in this build.

    A signal that lands in a finalizer (a ``__del__``), where Python would print the exception
    and carry on, is delivered again a moment later; an error raised once the signal has come (a
    library caught the interruption and failed instead) is the interruption."""
    global _interrupted
    delivered = threading.Event()  # the interruption was raised where it counts (or the block ended)
    resending: list[threading.Thread] = []

    def resend(signum: int, main: int) -> None:
        # Again and again until it lands outside a finalizer: a signal that comes just before the
        # main thread enters a sleep or a wait only runs its handler once that ends. To the main
        # thread itself: sent to the process, the signal may reach this thread instead.
        while not delivered.wait(0.05):
            signal.pthread_kill(main, signum)

    def handler(signum: int, frame: FrameType | None) -> None:
        global _interrupted
        _interrupted = signum
        if _in_finalizer(frame):
            if not resending:
                main = threading.main_thread().ident or 0
                resending.append(threading.Thread(target=resend, args=(signum, main), daemon=True))
                resending[0].start()
            return
        delivered.set()
        raise Interrupted(signum)

    previous: dict[int, object] = {}
    _interrupted = None
    try:
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, handler)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not in the main thread
        pass
    try:
        yield
    except ReportBuildError:
        if _interrupted is not None:
            raise Interrupted(_interrupted) from None
        raise
    finally:
        delivered.set()
        for thread in resending:  # done before the handlers go: no signal of its own comes after
            thread.join()
        for signum, old in previous.items():
            signal.signal(signum, old)  # type: ignore[arg-type]
        _interrupted = None


def _in_finalizer(frame: FrameType | None) -> bool:
    """Whether the code a signal interrupted runs in a finalizer (a ``__del__`` method or a
    ``weakref.finalize`` callback), where an exception is printed and ignored."""
    while frame is not None:
        if frame.f_code.co_name == "__del__" or frame.f_code.co_qualname == "finalize.__call__":
            return True
        frame = frame.f_back
    return False

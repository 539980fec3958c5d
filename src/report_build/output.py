"""Writing outputs: to a temporary file beside the target, checked, then renamed atomically.

An interrupted or failed build leaves the previous output byte-for-byte as it was.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import RenderError


def write_atomic(target: Path, data: bytes, check: Callable[[bytes], None] | None = None) -> Path:
    """Write ``data`` to ``target`` atomically; ``check`` may raise to refuse the bytes."""
    if check is not None:
        check(data)
    folder = target.parent
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
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise RenderError(f"cannot write output: {exc.strerror}", target) from None
        raise
    return target


@contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt for the duration, so cleanup code runs."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not in the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

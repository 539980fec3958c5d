"""WeasyPrint imported without its slow search for libraries that cannot exist here.

WeasyPrint loads Pango, HarfBuzz and fontconfig by trying several names for each, Windows and
macOS names first (``libgobject-2.0-0``, ``libharfbuzz-vector-0.dll`` ...). For each name that
the dynamic loader does not know, cffi asks :func:`ctypes.util.find_library`, which on Linux
reads the linker cache (``ldconfig -p``) and then runs ``gcc`` and ``ld`` in search of it: 17
names, about 10 ms each, 0.15 s of every command that lays out a page (WeasyPrint issue 1125).

:func:`import_weasyprint` imports WeasyPrint with ``find_library`` answering from the linker
cache alone. Nothing findable is lost: the last name tried for each library is its soname
(``libgobject-2.0.so.0``), which the loader opens itself, ``LD_LIBRARY_PATH`` included. Should
the import still fail (a library that only the compiler's search path holds), it is done again
with Python's own ``find_library``, so that the outcome, and WeasyPrint's advice when a library
is missing, are exactly as without this module.

Invariant: ``ctypes.util.find_library`` is Python's own again when :func:`import_weasyprint`
returns or raises.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
from collections.abc import Callable, Iterator


def import_weasyprint() -> None:
    """Import WeasyPrint (once per process; a no-op when it is already imported)."""
    if "weasyprint" in sys.modules:
        return
    quick = linker_cache_lookup()
    if quick is not None:
        try:
            with _find_library(quick), contextlib.redirect_stdout(io.StringIO()):
                import weasyprint
            return
        except OSError:  # a library the linker cache does not list: the full search below
            for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
                del sys.modules[name]
    import weasyprint  # noqa: F401


def linker_cache_lookup() -> Callable[[str], str | None] | None:
    """``find_library`` from the linker cache alone (``ldconfig -p``, the first step of Python's
    own on Linux), or None where Python's has no such step (it is then quick already)."""
    return getattr(ctypes.util, "_findSoname_ldconfig", None)


@contextlib.contextmanager
def _find_library(lookup: Callable[[str], str | None]) -> Iterator[None]:
    original = ctypes.util.find_library
    ctypes.util.find_library = lookup
    try:
        yield
    finally:
        ctypes.util.find_library = original

"""WeasyPrint imported without its slow search for libraries that cannot exist here.

WeasyPrint loads Pango, HarfBuzz and fontconfig by trying several names for each, Windows and
macOS names first (``libgobject-2.0-0``, ``libharfbuzz-vector-0.dll`` ...). For each name that
the dynamic loader does not know, cffi asks :func:`ctypes.util.find_library`, which on Linux
reads the linker cache (``ldconfig -p``) and then runs ``gcc`` and ``ld`` in search of it: 17
names, about 10 ms each, 0.15 s of every command that lays out a page (WeasyPrint issue 1125).

:func:`import_weasyprint` imports WeasyPrint with ``find_library`` answering from the linker
cache alone. Nothing findable is lost: among the names tried for each library is its soname
(``libgobject-2.0.so.0``), which the loader opens itself, ``LD_LIBRARY_PATH`` included; and what
the compiler's search finds, ``find_library`` gives as a soname too, for the same loader to open.
Should the import fail all the same (a library missing), it is done again with Python's own
``find_library``, so that the outcome, and WeasyPrint's advice, are exactly as without this
module.

Once imported, WeasyPrint's C arrays are made without parsing a type each time
(:func:`arrays_without_parsing`): WeasyPrint asks cffi for ``hb_codepoint_t[1683]`` when it
subsets a font, a type cffi parses (2 ms) for every new length, four or so per font in every
PDF written. cffi's own form for an array as long as its values, ``hb_codepoint_t[]``, is parsed
once.

Invariant: ``ctypes.util.find_library`` is Python's own again when :func:`import_weasyprint`
returns or raises.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any


def import_weasyprint() -> None:
    """Import WeasyPrint (once per process; a no-op when it is already imported)."""
    if "weasyprint" not in sys.modules:
        _import()
    try:
        from weasyprint.text.ffi import ffi
    except ImportError:  # not WeasyPrint as this module knows it: its arrays are left alone
        return
    arrays_without_parsing(ffi)


def _import() -> None:
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


SIZED_ARRAY = re.compile(r"([A-Za-z_][\w ]*)\[(\d+)\]")


def arrays_without_parsing(ffi: Any) -> None:
    """Make ``ffi.new("T[n]", values)``, with a list or tuple of ``n`` values, the same array as
    ``ffi.new("T[]", values)``, whose type cffi parses once rather than once per length (not
    for bytes: ``char[]`` adds a terminating zero)."""
    original = ffi.new
    if getattr(original, "_report_build_arrays", False):
        return

    def new(cdecl: Any, init: Any = None) -> Any:
        sized = SIZED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if sized is not None and isinstance(init, (list, tuple)) and len(init) == int(sized[2]):
            return original(f"{sized[1]}[]", init)
        return original(cdecl, init)

    new._report_build_arrays = True  # type: ignore[attr-defined]
    ffi.new = new


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

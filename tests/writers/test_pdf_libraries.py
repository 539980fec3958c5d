"""WeasyPrint imported without running the compiler in search of libraries (writers/pdf/libraries.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from report_build.writers.pdf import libraries

pytestmark = pytest.mark.skipif(libraries.linker_cache_lookup() is None, reason="no linker cache step on this system")


def _spies(folder: Path) -> tuple[dict[str, str], Path]:
    """An environment whose gcc, cc and ld only note that they ran, and the note's path."""
    log = folder / "ran.txt"
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    for tool in ("gcc", "cc", "ld"):
        spy = bin_dir / tool
        spy.write_text(f'#!/bin/sh\necho {tool} >> "{log}"\nexit 1\n', encoding="utf-8")
        spy.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}, log


def _python(code: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_the_pdf_writer_loads_weasyprint_without_running_the_compiler(tmp_path: Path) -> None:
    env, log = _spies(tmp_path)
    bare = _python("import weasyprint", env, tmp_path)  # the spies do see WeasyPrint's own search
    assert bare.returncode == 0, bare.stderr
    assert "gcc" in log.read_text(encoding="utf-8")
    log.unlink()
    ours = _python(
        """
        import ctypes.util
        before = ctypes.util.find_library
        import report_build.writers.pdf.layout
        import weasyprint.text.ffi
        assert ctypes.util.find_library is before
        print(weasyprint.text.ffi.pango.pango_version())
        """,
        env,
        tmp_path,
    )
    assert ours.returncode == 0, ours.stderr
    assert int(ours.stdout) > 14000  # Pango loaded and called
    assert not log.exists()


def test_a_library_the_linker_cache_lacks_is_searched_for_as_before(tmp_path: Path) -> None:
    """A stand-in WeasyPrint that fails, as the real one would, unless Python's own
    find_library is in place: the import is done again with it, and the failed attempt's
    message is not shown."""
    stand_in = tmp_path / "weasyprint"
    stand_in.mkdir()
    # A submodule imported before the failure must be imported again, not found half-made.
    (stand_in / "text.py").write_text("import builtins\nbuiltins.texts = getattr(builtins, 'texts', 0) + 1\n")
    (stand_in / "__init__.py").write_text(
        "import ctypes.util\n"
        "from . import text\n"
        "if ctypes.util.find_library.__name__ != 'find_library':\n"
        "    print('could not import some external libraries')\n"
        "    raise OSError('cannot load library')\n"
        "searched = ctypes.util.find_library.__name__\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    result = _python(
        """
        import ctypes.util, sys
        from report_build.writers.pdf.libraries import import_weasyprint
        import_weasyprint()
        import weasyprint
        assert ctypes.util.find_library.__name__ == "find_library"
        assert texts == 2, texts  # noqa: F821 (set by the stand-in's submodule, each time it runs)
        print(weasyprint.searched)
        """,
        env,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "find_library"  # no message from the first attempt


def test_importing_again_does_nothing() -> None:
    import weasyprint

    libraries.import_weasyprint()
    assert sys.modules["weasyprint"] is weasyprint


def test_arrays_of_every_length_without_parsing_a_type_each(monkeypatch) -> None:
    import cffi.api
    from weasyprint.text.ffi import ffi

    libraries.import_weasyprint()
    ffi.new("hb_codepoint_t[]", [0])  # the open array's type, parsed once in this process
    parsed: list[str] = []
    original = cffi.api.FFI._typeof_locked

    def spy(self, cdecl):
        parsed.append(cdecl)
        return original(self, cdecl)

    monkeypatch.setattr(cffi.api.FFI, "_typeof_locked", spy)
    for length in range(7001, 7011):  # lengths no array of this process has had
        array = ffi.new(f"hb_codepoint_t[{length}]", list(range(length)))
        assert len(array) == length
        assert array[length - 1] == length - 1
    assert [cdecl for cdecl in parsed if cdecl.startswith("hb_codepoint_t")] == []
    assert ffi.string(ffi.new("char[4]", b"abc")) == b"abc"  # bytes as before
    assert len(ffi.new("hb_codepoint_t[5]", [1, 2])) == 5  # fewer values: the length asked for

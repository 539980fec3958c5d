"""`report-build watch` rebuilds after a save and says what it rebuilt."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

import pytest

from conftest import FIXTURES

pytestmark = pytest.mark.e2e  # every test here lays out a PDF or runs a build in a subprocess


def test_watch_rebuilds_after_a_change(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(FIXTURES / "basic", folder)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "report_build",
            "watch",
            str(folder / "report.md"),
            "--output-dir",
            str(out),
            "--max-rebuilds",
            "1",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    target = out / "field-notes.pdf"
    deadline = time.monotonic() + 120
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    first = target.read_bytes()
    time.sleep(1.0)  # let the watcher start
    manuscript = folder / "report.md"
    manuscript.write_text(manuscript.read_text().replace("A second bullet", "A changed bullet"))
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "changed: report.md" in stderr
    assert stderr.count("rebuilt ") == 2 and " s\n" in stderr
    assert target.read_bytes() != first
    # what was laid out again, and how long it took: only the changed chapter
    first_build, rebuild = stderr.split("changed: report.md")
    # (no page map yet: the groups are laid out once to learn their page numbers, then written)
    assert re.search(
        r"PDF: \d+ pages in 2 groups: laid out chapters 1-2, first without writing, to learn their page numbers "
        r"\(no page map yet\) \(\d+\.\d s\)",
        first_build,
    ), first_build
    assert re.search(r"laid out chapter 1; 1 kept from the last build \(\d+\.\d s\)", rebuild), rebuild
    # and what was read again: the chapter's Markdown alone (source/fragments.py)
    assert "read again" not in first_build
    assert "Markdown: 1 chapter read again, 2 unchanged since the last build" in rebuild, rebuild


def test_the_watch_loads_the_markdown_reader_before_the_first_edit():
    """A watch's first build may take every chapter from the cache; the first edit is then read
    with the Markdown extensions already loaded (imported at the first Markdown instance)."""
    script = """
import sys
from report_build.watch import prepare_rebuilds
prepare_rebuilds()
before = set(sys.modules)
from report_build.source.extensions import make_markdown
TEXT = "# A\\n\\nText[^1], *stress*, `code`.\\n\\n[^1]: A note.\\n\\n| a |\\n|---|\\n| 1 |\\n\\n!!! note\\n    Held.\\n"
md, _ = make_markdown(has_title=True)
md.convert(TEXT)
print(sorted(name for name in set(sys.modules) - before if "markdown" in name))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
    unprepared = script.replace("prepare_rebuilds()", "")
    cold = subprocess.run([sys.executable, "-c", unprepared], capture_output=True, text=True, check=True)
    assert "markdown.extensions.footnotes" in cold.stdout  # without it, the first edit loads them


def test_a_watch_keeps_what_it_holds_frozen_and_leaves_no_frozen_garbage(tmp_path):
    """After its first build a watch sets what it holds aside from the garbage collector
    (``prepare_rebuilds``); its edits, one laid out here and one in the workers, keep it so, and
    nothing set aside becomes garbage that only a collection could free (a cycle)."""
    folder = tmp_path / "m"
    shutil.copytree(FIXTURES / "basic", folder)
    script = f"""
import gc
from pathlib import Path
from report_build import Diagnostics, build
from report_build.watch import WATCH_GROUPS, prepare_rebuilds
from report_build.writers.pdf.parallel import Memory
manuscript, out = Path({str(folder / "report.md")!r}), Path({str(tmp_path / "out")!r})
memory = Memory(groups=WATCH_GROUPS)
def once():
    build(manuscript, ("pdf",), output_dir=out, diagnostics=Diagnostics(echo=False), jobs=2, memory=memory)
once()
prepare_rebuilds()
frozen = gc.get_freeze_count()
text = manuscript.read_text()
for old, new in (("A second bullet", "A changed bullet"), ("# ", "# Now ")):  # one chapter, then both
    text = text.replace(old, new)
    manuscript.write_text(text)
    once()
kept = gc.get_freeze_count()
gc.collect()  # what the edits left
gc.unfreeze()
print(frozen > 10000, kept > frozen // 2, gc.collect())
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True", "0"]

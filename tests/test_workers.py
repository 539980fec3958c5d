"""Worker processes (workers.py: they convert a long text's chapters and lay out groups):
results in order, a fault in a worker raised in the build as it would be in one pass, a dying
worker a clear error naming its task, workers gone when the block ends (in memory, with small
functions); and end to end, on a generated report of about 100 pages
laid out with -j 2: workers that die with a build killed by SIGKILL (``pdf`` and ``watch``), one
line and the right exit code on SIGINT and SIGTERM with the earlier PDF untouched and no
temporary file left, one clear error when a worker is killed, and a worker's fault or warning
shown as the single pass shows it."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from conftest import bench_module
from report_build import Diagnostics, build
from report_build.errors import ManuscriptError, RenderError, ReportBuildError, ResourceError
from report_build.workers import Workers

RB = [sys.executable, "-m", "report_build"]
ENV = {key: value for key, value in os.environ.items() if key != "REPORT_BUILD_DEBUG"}
INTERRUPTED = "report-build: interrupted; earlier outputs are left as they were"
TICKS = os.sysconf("SC_CLK_TCK")  # the unit of a process's CPU time in /proc
EARLIER = b"%PDF-1.7\n% the earlier output, which an interrupted build must leave as it is\n"


# -- in memory -------------------------------------------------------------------------------


def test_results_come_back_in_order_and_the_workers_are_gone_after():
    def slow_square(n: int, delay: float) -> tuple[int, int]:
        time.sleep(delay)
        return n * n, os.getpid()

    with Workers(2, slow_square) as workers:
        first = workers.map([(n, 0.05 * (4 - n)) for n in range(5)])
        again = workers.map([(n, 0.0) for n in range(3)])  # the same workers serve a second round
    assert [square for square, _pid in first] == [0, 1, 4, 9, 16]
    assert [square for square, _pid in again] == [0, 1, 4]
    pids = {pid for _square, pid in first + again}
    assert len(pids) == 2 and os.getpid() not in pids
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # ended and reaped


def test_temporary_files_go_in_a_folder_removed_with_the_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"report-build-workers-{int(ended.stdout)}-x1"  # a build killed by SIGKILL left it
    running = tmp_path / f"report-build-workers-{os.getpid()}-x2"  # another build, still running
    for folder in (stale, running):
        (folder / "weasyprint-fonts").mkdir(parents=True)

    def make_temporary(n: int) -> str:
        return tempfile.mkdtemp()  # as WeasyPrint keeps the fonts of @font-face rules

    with Workers(2, make_temporary) as workers:
        made = workers.map([(0,), (1,)])
        assert all(Path(folder).is_dir() for folder in made)
        assert not stale.exists() and running.exists()
    assert sorted(tmp_path.iterdir()) == [running]
    assert all(Path(folder).parent.name.startswith(f"report-build-workers-{os.getpid()}-") for folder in made)


def test_what_this_process_holds_is_frozen_in_the_workers_and_not_here():
    with Workers(2, gc.get_freeze_count) as workers:
        frozen = workers.map([(), ()])
    assert all(count > 1000 for count in frozen) and gc.get_freeze_count() == 0


def test_what_a_process_froze_for_itself_stays_frozen_when_workers_start():
    """A watch freezes what it holds after its first build; the workers' fork leaves that so."""
    script = (
        "import gc\nfrom report_build.workers import Workers\ngc.freeze()\nheld = gc.get_freeze_count()\n"
        "with Workers(2, gc.get_freeze_count) as workers:\n    counts = workers.map([(), ()])\n"
        "print(held > 1000, gc.get_freeze_count() >= held - 100, all(count >= held - 100 for count in counts))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["True", "True", "True"]


def test_one_item_is_done_in_this_process_unless_workers_are_running():
    with Workers(2, lambda: os.getpid()) as workers:
        assert workers.map([()]) == [os.getpid()]
        assert workers.workers == []
        forked = workers.map([(), ()])
        assert os.getpid() not in forked and len(workers.workers) == 2
        # a later round of one item goes to a running worker, which has what it loaded
        (again,) = workers.map([()])
        assert again in forked and workers.map([]) == []


def test_a_worker_ignores_ctrl_c_and_dies_quietly_on_sigterm():
    def dispositions() -> tuple[bool, bool, bool]:
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        return (
            signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
            signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
            not blocked & {signal.SIGINT, signal.SIGTERM},
        )

    with Workers(2, dispositions) as workers:
        assert workers.map([(), ()]) == [(True, True, True)] * 2
    assert signal.getsignal(signal.SIGINT) != signal.SIG_IGN  # this process is as it was


def test_a_fault_in_a_worker_is_raised_here_with_its_path_and_line_first_item_first(capfd):
    def check(n: int) -> int:
        if n == 1:
            time.sleep(0.3)  # fails after item 3 has failed: its fault is still the one raised
            raise ManuscriptError("chapter one is wrong", Path("report.md"), 12)
        if n == 3:
            raise ResourceError("image missing", Path("images"), 2)
        return n

    with Workers(2, check) as workers, pytest.raises(ManuscriptError) as caught:
        workers.map([(n,) for n in range(5)])
    assert str(caught.value) == "report.md:12: chapter one is wrong"
    assert (caught.value.path, caught.value.line) == (Path("report.md"), 12)
    assert any("in a layout process" in note for note in caught.value.__notes__)  # for REPORT_BUILD_DEBUG
    assert capfd.readouterr() == ("", "")  # nothing printed by the workers


def test_an_internal_error_in_a_worker_keeps_its_words():
    class LocalError(Exception):  # a local class cannot be pickled: its words still arrive
        pass

    def broken(n: int) -> int:
        if n:
            raise LocalError("no such box")
        raise ValueError("bad value")

    with Workers(2, broken) as workers:
        with pytest.raises(ValueError) as caught:
            workers.map([(0,), (0,)])
        assert str(caught.value) == "bad value"  # as the command line shows an internal error
        with pytest.raises(RuntimeError) as caught:
            workers.map([(1,), (1,)])  # new workers: the fault stopped the others
        assert str(caught.value) == "LocalError: no such box"


@pytest.mark.parametrize(
    ("task", "error", "words"),
    [
        ("layout", RenderError, "PDF: a layout process died (killed by SIGKILL"),
        ("reading", ManuscriptError, "Markdown: a reading process died (killed by SIGKILL"),  # source/fragments.py
    ],
)
def test_a_worker_that_dies_is_a_clear_error_naming_its_task(task, error, words):
    def die(n: int) -> int:
        if n == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.2)
        return n

    with Workers(2, die, task=task) as workers, pytest.raises(error) as caught:
        workers.map([(0,), (1,), (2,)])
    assert str(caught.value.message).startswith(words)
    assert workers.workers == []


# -- end to end: a build's processes ----------------------------------------------------------


def _lays_out(pid: int) -> bool:
    """Whether the process has Pango loaded: a layout worker, not a reading one."""
    try:
        return "libpango" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat and int(stat[1]) == pid:
                found.append(int(entry))
    return found


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, parent, ...), None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")  # a zombie holds no memory or files


def cpu_ticks(pid: int) -> int:
    stat = _stat(pid)
    return int(stat[11]) + int(stat[12]) if stat else 0  # utime + stime


def start(*args: object, cwd: Path) -> subprocess.Popen[str]:
    """report-build in its own process group (as a terminal or a CI runner starts it), with its
    own empty temporary folder."""
    temporary = cwd / "tmp"
    temporary.mkdir(exist_ok=True)
    return subprocess.Popen(
        [*RB, *map(str, args)],
        cwd=cwd,
        env={**ENV, "TMPDIR": str(temporary)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # even if our runner ignores ^C
    )


def workers_at_work(process: subprocess.Popen[str], count: int = 2) -> list[int]:
    """The build's layout workers, once ``count`` of them exist and each has laid out for a moment
    (polled, so a loaded machine only makes it wait longer). The reading's workers, forked before
    the layout loads WeasyPrint (Pango), are not taken for them: a long text's chapters are
    converted side by side first, by workers that are done before the layout starts."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        pids = [pid for pid in children(process.pid) if _lays_out(pid)]
        if len(pids) >= count and all(cpu_ticks(pid) >= TICKS // 5 for pid in pids):  # 0.2 s of CPU each
            return pids
        time.sleep(0.05)
    raise AssertionError("the workers did not start")


def finish(process: subprocess.Popen[str]) -> str:
    try:
        _stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return stderr


@pytest.fixture(scope="module")
def long_report(tmp_path_factory) -> Path:
    """A generated report of about 100 pages (bench/generate.py), laid out in two groups."""
    folder = tmp_path_factory.mktemp("long")
    with bench_module("generate") as generate:
        generate.generate(100, folder, seed=11)
    return folder / "report.md"


@pytest.mark.e2e
@pytest.mark.parametrize("command", ["pdf", "watch"])
def test_workers_die_with_a_build_killed_by_sigkill(long_report, tmp_path, command):
    process = start(command, long_report, "-j", "2", "--output-dir", tmp_path / "out", cwd=tmp_path)
    pids: list[int] = []
    try:
        pids = workers_at_work(process)
        process.kill()  # SIGKILL: no cleanup of its own can run
        process.wait()
        deadline = time.monotonic() + 2
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in pids if alive(pid)], "workers outlived their build"
    finally:
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.stdout.close()
        process.stderr.close()


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("signum", "whom", "code"),
    [(signal.SIGINT, "group", 130), (signal.SIGTERM, "group", 143), (signal.SIGTERM, "build", 143)],
    ids=["ctrl-c", "sigterm-to-all", "sigterm-to-the-build"],
)
def test_an_interrupted_build_says_one_line_and_leaves_the_earlier_pdf(long_report, tmp_path, signum, whom, code):
    target = tmp_path / "out" / "report.pdf"
    target.parent.mkdir()
    target.write_bytes(EARLIER)
    process = start("pdf", long_report, "-j", "2", "-o", target, cwd=tmp_path)
    pids = workers_at_work(process)
    if whom == "group":  # Ctrl-C in a terminal, `timeout`: every process of the group
        os.killpg(process.pid, signum)
    else:  # a supervisor that signals the build alone
        os.kill(process.pid, signum)
    stderr = finish(process)
    assert stderr.splitlines() == [INTERRUPTED], stderr
    assert process.returncode == code
    assert not [pid for pid in pids if alive(pid)], "the build left its workers running"
    assert target.read_bytes() == EARLIER
    assert [path.name for path in target.parent.iterdir()] == ["report.pdf"], "a temporary file was left"
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.e2e
def test_a_worker_killed_mid_layout_is_one_clear_error(long_report, tmp_path):
    target = tmp_path / "out" / "report.pdf"
    target.parent.mkdir()
    target.write_bytes(EARLIER)
    process = start("pdf", long_report, "-j", "2", "-o", target, cwd=tmp_path)
    pids = workers_at_work(process)
    os.kill(pids[0], signal.SIGKILL)
    stderr = finish(process)
    assert process.returncode == 1
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("report-build: PDF: a layout process died (killed by SIGKILL"), stderr
    assert not [pid for pid in pids if alive(pid)]
    assert target.read_bytes() == EARLIER
    assert [path.name for path in target.parent.iterdir()] == ["report.pdf"]


@pytest.mark.e2e
def test_workers_die_with_their_parent_by_the_pipe_alone(tmp_path):
    """Where the kernel cannot be asked to (PR_SET_PDEATHSIG is Linux's), the pipe that only
    the parent holds open ends the workers."""
    script = textwrap.dedent(
        """
        import os, time
        from report_build import workers

        workers.KERNEL_DEATH_SIGNAL = False

        def wait(n):
            os.write(1, f"{os.getpid()}\\n".encode())  # one write: two workers' lines never interleave
            time.sleep(60)

        with workers.Workers(2, wait) as pool:
            pool.map([(0,), (1,)])
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env={**ENV, "TMPDIR": str(tmp_path)}
    )
    pids = [int(process.stdout.readline()) for _ in range(2)]
    process.kill()
    process.wait()
    deadline = time.monotonic() + 2
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    remaining = [pid for pid in pids if alive(pid)]
    for pid in remaining:
        os.kill(pid, signal.SIGKILL)
    process.stdout.close()
    assert not remaining, "workers outlived their parent"


# -- end to end: a fault or a warning inside a worker ------------------------------------------

CHAPTERS = "".join(f"# Chapter {n}\n\n" + "Some words to lay out. " * 40 + "\n\n" for n in range(1, 4))
# An SVG that WeasyPrint reads but cannot draw (the group repeats itself without end).
LOOP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">'
    '<g id="a"><use xlink:href="#a"/></g></svg>\n'
)


def notes_apart(stderr: str) -> list[str]:
    """stderr without the line that says how the PDF was laid out (groups or one pass)."""
    return [line for line in stderr.splitlines() if not line.startswith("report-build: PDF")]


@pytest.mark.e2e
def test_a_fault_inside_a_worker_is_the_message_of_one_pass(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "loop.svg").write_text(LOOP_SVG, encoding="utf-8")
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: Loops\n---\n\n" + CHAPTERS + "![A chart that loops](images/loop.svg)\n", encoding="utf-8"
    )
    one, two = (
        subprocess.run(
            [*RB, "pdf", str(manuscript), "-j", jobs, "-o", str(tmp_path / f"j{jobs}.pdf")],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=ENV,
            timeout=300,
        )
        for jobs in ("1", "2")
    )
    assert "Traceback" not in one.stderr + two.stderr
    assert two.returncode == one.returncode
    assert notes_apart(two.stderr) == notes_apart(one.stderr)
    assert any("loop.svg" in line for line in notes_apart(two.stderr)), two.stderr


@pytest.mark.e2e
def test_warnings_inside_workers_reach_the_build_as_in_one_pass(tmp_path):
    (tmp_path / "layouts" / "css").mkdir(parents=True)
    (tmp_path / "layouts" / "css" / "custom.css").write_text("p { colour: red; }\n", encoding="utf-8")
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: Warned\nlayouts: layouts\n---\n\n" + CHAPTERS, encoding="utf-8")
    found = {}
    for jobs in (1, 2):
        diagnostics = Diagnostics(echo=False)
        build(manuscript, ("pdf",), write=False, diagnostics=diagnostics, jobs=jobs)
        found[jobs] = [str(warning) for warning in diagnostics.warnings]
        if jobs == 2:
            assert any("2 groups" in note for note in diagnostics.notes), diagnostics.notes
    assert found[2] == found[1]
    assert any("custom.css:1" in warning and "colour" in warning for warning in found[2]), found[2]
    refused = {}
    for jobs in (1, 2):
        with pytest.raises(ReportBuildError) as caught:
            build(manuscript, ("pdf",), write=False, diagnostics=Diagnostics(strict=True, echo=False), jobs=jobs)
        refused[jobs] = str(caught.value)
    assert refused[2] == refused[1]

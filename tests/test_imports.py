"""The package reads in the order the data flows (README, "How it works"): no module imports a
stage above its own, and no modules import each other in a loop.

The imports are read from the source with ``ast``, every one of them: at the top of a module,
inside a function (imported when it runs), and under ``if TYPE_CHECKING:`` (a type is a
dependency too). Only the loop check leaves the ``TYPE_CHECKING`` ones out, since Python never
runs them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "report_build"

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # (stage, its modules or folders), bottom first: a module may import its own stage and those below.
    (
        "foundation",
        ("version", "errors", "contract", "limits", "output", "progress", "html_elements", "paper", "workers"),
    ),
    ("model", ("model", "navigation")),
    (
        "resources",
        (
            "sandbox",
            "images",
            "image_data",
            "cache",
            "theme",
            "fonts",
            "phrases",
            "numerals",
            "charts",
            "translate.catalog",
        ),
    ),
    ("read", ("source",)),
    ("translate", ("translate",)),
    ("write", ("writers",)),
    ("versions", ("publish.release",)),
    ("build", ("build",)),
    ("commands", ("publish", "checks", "preview", "watch", "fetch", "importers", "scaffold", "cli", "__main__", "")),
)
"""The stages of README's "How it works" table in the order the data flows. ``resources`` are
what a reading and the writers both use: layouts and strings (``theme``), fonts, images, the
chart converter, and the translation catalog's file format. ``versions`` is what a build needs
of releases (is this a draft?); the other ``publish`` commands use the build. ``""`` is the
package itself (``report_build/__init__.py``), which offers ``build`` and ``load``."""

SEAMS: dict[tuple[str, str], str] = {
    # (importer, imported): why this one upward import is allowed.
    ("theme", "source.yamltext"): "a broken strings file is explained as a manuscript's YAML is",
    ("charts", "source.datafiles"): "a chart's numbers are formatted as the data cells' are (Babel)",
    ("translate.catalog", "source.frontmatter"): "a catalog is started with the manuscript's front matter",
    ("translate.catalog", "source.text"): "a catalog is started from the manuscript's text",
    ("translate.catalog", "source.files"): "a catalog is opened once per build, as the manuscript is",
    ("writers.pdf.math", "source.math"): "the formula's text the PDF tags it with, as the reading wrote it",
    ("writers.epub.xhtml_check", "source.ids"): "the ePub's ids are checked by the reading's own rule",
    ("writers.epub.xhtml_check", "source.text"): "the check reports a page's line from its text",
}
"""Upward imports that are deliberate, each a single function or rule shared with a stage below.
Nothing may import ``model``'s or ``contract``'s way up: they are the bottom."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(name: str) -> list[tuple[str, bool]]:
    """(module imported, only for type checking?) for every import of ``name``'s source that
    names a module of the package."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    package = [part for part in package if part]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                for inner in child.body:
                    visit_node(inner, True)
                for inner in child.orelse:
                    visit_node(inner, typing_only)
                continue
            visit_node(child, typing_only)

    def visit_node(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif (node.module or "").startswith("report_build"):
                target = node.module.removeprefix("report_build").lstrip(".")
            else:
                return
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                found.append((sub if sub in MODULES else target, typing_only))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "report_build":
                    found.append((alias.name.removeprefix("report_build").lstrip("."), typing_only))
        visit(node, typing_only)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def stage_of(name: str) -> int:
    """The rank of the stage ``name`` belongs to: its most specific entry in :data:`STAGES`."""
    best, rank = -1, None
    for index, (_stage, members) in enumerate(STAGES):
        for member in members:
            if member == "" and name == "":
                return index
            if member and (name == member or name.startswith(member + ".")) and len(member) > best:
                best, rank = len(member), index
    assert rank is not None, f"report_build.{name} belongs to no stage: add it to STAGES"
    return rank


GRAPH = {name: imports(name) for name in MODULES}


def test_every_module_has_a_stage():
    for name in MODULES:
        stage_of(name)


def test_no_module_imports_a_stage_above_its_own():
    upward = []
    for name, found in GRAPH.items():
        for target, _typing in found:
            if stage_of(target) > stage_of(name) and not _seam(name, target):
                upward.append(
                    f"{name or 'report_build'} ({STAGES[stage_of(name)][0]}) imports {target} "
                    f"({STAGES[stage_of(target)][0]})"
                )
    assert not upward, "\n".join(upward)


def _seam(name: str, target: str) -> bool:
    return any(name == a and (target == b or target.startswith(b + ".")) for a, b in SEAMS)


def test_the_model_and_the_contract_import_nothing_above_them():
    """The contract every stage shares: model.py, contract.py and errors.py."""
    allowed = {"errors": set(), "contract": set(), "model": {"errors"}, "version": set()}
    for name, may in allowed.items():
        assert {target for target, _ in GRAPH[name]} <= may, name


def test_the_seams_are_still_used():
    """A seam no module uses any more is taken off the list, so the list stays the truth."""
    used = {(name, target) for name, found in GRAPH.items() for target, _ in found}
    for importer, imported in SEAMS:
        assert any(a == importer and (b == imported or b.startswith(imported + ".")) for a, b in used), imported


def test_no_import_loop():
    """No module imports itself through others (imports Python runs: not TYPE_CHECKING ones)."""
    edges = defaultdict(set)
    for name, found in GRAPH.items():
        edges[name] = {target for target, typing_only in found if not typing_only and target in MODULES}
    loops = [component for component in _strongly_connected(edges) if len(component) > 1]
    assert not loops, "import loops:\n" + "\n".join(" <-> ".join(sorted(loop)) for loop in loops)


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in list(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components

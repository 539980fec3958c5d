"""One targeted correction to WeasyPrint 70's layout, applied when the PDF writer is imported.

When the first lines of a paragraph would otherwise be left as an orphan at the foot of a page,
WeasyPrint moves the page's last footnote to the next page to make room for one more line. The
note then no longer sits on the page of its call, which a printed report must never do. With
this correction the paragraph moves to the next page instead, as orphan control normally does,
and every note stays with its call (tests/test_pdf.py checks this on every build of the
default report).

The correction recompiles WeasyPrint's ``_linebox_layout`` with that one decision turned off.
It is applied only when the line it changes is found exactly as expected; otherwise nothing is
changed and :data:`APPLIED` stays False, so a WeasyPrint upgrade cannot be silently mangled.
"""

from __future__ import annotations

import inspect
import textwrap

from weasyprint.layout import block

ORIGINAL = "report = not context.in_column and can_break_now and not could_break_before"
CORRECTED = "report = False  # report-build: never push a footnote away from its call"


def _apply() -> bool:
    if getattr(block._linebox_layout, "_report_build_fixed", False):
        return True
    source = textwrap.dedent(inspect.getsource(block._linebox_layout))
    if source.count(ORIGINAL) != 1:
        return False
    namespace: dict[str, object] = {}
    code = compile(source.replace(ORIGINAL, CORRECTED), inspect.getsourcefile(block) or "block.py", "exec")
    exec(code, block.__dict__, namespace)  # WeasyPrint's own source with one line changed
    fixed = namespace["_linebox_layout"]
    fixed._report_build_fixed = True  # type: ignore[attr-defined]
    block._linebox_layout = fixed  # type: ignore[assignment]
    return True


APPLIED = _apply()

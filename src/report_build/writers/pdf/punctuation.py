"""Punctuation that Chinese and Japanese set their own way, drawn by the CJK face in the PDF.

Quotation marks, the ellipsis and the dash are shared by Latin and CJK text, and the layouts'
text faces (Vollkorn, Inter) have them, so the renderer, which takes each character from the
first face in the font list that has it, draws them in Latin shapes: a narrow “ beside
full-width characters, an ellipsis on the baseline where Chinese centres it, and a ``——`` that
breaks into two short dashes instead of one rule two characters long.

For a report in Chinese or Japanese, the PDF writer puts, before the text faces in the
stylesheets' font lists, a family that has only those characters: a subset of the CJK face the
fallback chain gives for the language's region, one for each of the serif and sans styles, in
regular and bold, declared with ``@font-face`` and a ``unicode-range`` (the renderer honours
``unicode-range`` for fonts given by ``url()``, not by ``local()``). The stylesheets take the
list through the custom properties ``--punctuation-serif`` and ``--punctuation-sans``
(``css/print.css``: ``var(--punctuation-serif, "RB Serif")``); without them, as in every
other language, the lists are as before, and so are the PDF's bytes.

Korean sets these marks proportionally, as Latin text does: it keeps the text faces' marks.
A passage in Chinese or Japanese inside a report in another language keeps them too (the
font lists are chosen once, for the document's language). The web edition does the same
through its own subsets (:mod:`..web.fonts`).

Invariant: the subsets come from the installed faces the fallback chain names (fontconfig) and
are served to the renderer from memory, under a name in the layouts folder; no other file is read.
"""

from __future__ import annotations

from pathlib import Path

from ... import fonts
from ...theme import Theme

FAMILY = {"serif": "RB CJK Punctuation Serif", "sans": "RB CJK Punctuation Sans"}
OWN = {"serif": "RB Serif", "sans": "RB Sans"}  # the text faces they go before
WEIGHTS = ((400, fonts.REGULAR), (700, fonts.BOLD))  # (CSS weight, fontconfig weight)


def punctuation(theme: Theme, language: str) -> tuple[str, dict[Path, bytes]]:
    """The stylesheet that draws :func:`~report_build.fonts.full_width_punctuation` with the CJK
    faces for a document in ``language`` (``@font-face`` rules and the custom properties), and
    the subsets it names, by the path the renderer is given; nothing for a language that sets
    those marks as Latin does, or when no CJK face is installed."""
    marks = fonts.full_width_punctuation(language)
    if not marks:
        return "", {}
    chain = theme.fallback
    region = chain.region(language)
    cjk = [font for font in chain.fonts if "Hani" in font.scripts]
    if not cjk:
        return "", {}
    folder = theme.dirs[-1] / "fonts"
    rules, files, declared = [], {}, []
    for style, family in FAMILY.items():
        made = 0
        for css_weight, weight in WEIGHTS:
            face = fonts.installed(cjk[0].family(style, region), weight)
            data = fonts.subset(face, marks) if face is not None else None
            if data is None:
                continue
            suffix, _media = fonts.font_type(data)
            path = folder / f"cjk-punctuation-{style}-{region.lower()}-{css_weight}{suffix}"
            files[path] = data
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: {css_weight}; '
                f"src: url({path.as_uri()}); unicode-range: {fonts.unicode_range(marks)}; }}"
            )
            made += 1
        if made:
            declared.append(f' --punctuation-{style}: "{family}", "{OWN[style]}";')
    if not declared:
        return "", {}
    return "\n".join(rules) + "\n:root {" + "".join(declared) + " }\n", files


__all__ = ["punctuation"]

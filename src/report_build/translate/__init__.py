"""Translated editions from one manuscript, through gettext catalogs (as Sphinx does).

A report in several languages is one manuscript plus a catalog per language,
``translations/<language>.po`` beside the manuscript, in the PO format every translation tool
reads (Poedit, Weblate, Crowdin, Lokalize). The work is split as the data flows:

- :mod:`.catalog`: the units of text a translator works on, and the PO file itself (read with
  polib, written so that entries nobody changed keep their bytes);
- :mod:`.extract`: the units of a manuscript, taken from the parsed tree by the reading pass
  :mod:`report_build.source.passes.translate`, plus front matter, changelog, variables and
  charts; ``translate init``;
- :mod:`.merge`: a catalog brought up to date with the source as msgmerge does it (changed units
  fuzzy with their previous source, new ones untranslated, removed ones obsolete); ``translate
  update``;
- :mod:`.status`: how complete each edition is, overall and per chapter; ``translate status``.

A translated edition is built by the same reading with the catalog applied
(:mod:`report_build.source.passes.translate`), before numbering and cross-references, so the
structure, figures, data, variables, citations and references all come from the one source.
"""

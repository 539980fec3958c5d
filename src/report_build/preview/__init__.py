"""``report-build preview``: the web edition served from memory on this machine, rebuilt on
every save, with the faults of the last build and the PDF's pages beside it.

Read in this order: :mod:`.session` (the loop: build, watch, rebuild), :mod:`.site` (one
build of the site in memory), :mod:`.events` (what changed between two builds and what an
open page does about it), :mod:`.faults` (the panel the pages show), :mod:`.printing` (the
PDF, rebuilt in a process of its own, and its pages as images), :mod:`.server` (HTTP) and
:mod:`.paths` (which file a request may name). Nothing here is used by a real build: the
panel and the reload script are added to pages only as the preview serves them.
"""

"""The web edition: a static site made from the same document model and chapter templates as
the PDF and the ePub.

``site.render_site`` renders every file in memory ({relative path: bytes}); ``folder.write_site``
puts them on disk. Modules: ``pages`` (which pages there are, how they link, navigation),
``markup`` (chapter bodies made ready for a browser: side notes, responsive images, scrolling
tables), ``assets`` (stylesheets, scripts, images), ``fonts`` (WOFF2 subsets of the shipped
fonts), ``search`` (the offline search index), ``sharing`` (titles, descriptions, canonical
URLs, Open Graph, JSON-LD, the social image), ``downloads`` (the PDF and ePub offered),
``editions`` (the language switch) and ``folder`` (writing the site atomically).

Invariants: every link in the site is relative, so it works from ``file://`` and from any
sub-path of a server; nothing is loaded from another site; every page reads with JavaScript
off; the same document gives the same bytes.
"""

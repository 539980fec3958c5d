"""Manuscripts made from documents written elsewhere: ``word`` reads a Word file (with
``markdown``, which writes mammoth's HTML as the Markdown report-build reads)."""

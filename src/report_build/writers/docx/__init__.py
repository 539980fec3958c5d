"""The Word edition (.docx): the document model written with python-docx in Word's own styles.

``blocks`` reads chapter bodies into paragraphs, tables and figures; ``styles`` sets Word's
built-in styles in the house style; ``ooxml`` holds the low-level XML (footnotes, fields,
bookmarks, tracked changes, numbering); ``pictures`` the images; ``package`` the properties
and reproducible bytes; ``writer`` puts the edition together.
"""

"""The passes that turn the cleaned HTML tree of a manuscript into the document model.

Each pass is a function of the tree and a :class:`~report_build.source.tree.Context`; its
docstring says what it reads and what it changes. :func:`report_build.source.parse.load` runs
them in this order:

1. :func:`headings.report_duplicate_ids`: warn about ids given twice (reads the structure only);
2. :func:`headings.refuse_empty`: a manuscript or heading with no text is an error;
3. :func:`footnotes.footnotes`: Python-Markdown's footnotes become numbered calls and notes;
4. :func:`blocks.callouts`: admonitions become callouts rendered by ``callout.html``;
   :func:`diagrams.diagrams`: Mermaid fences, which no build can draw, titled as their source;
5. :func:`charts.charts`: figures whose source is a Vega-Lite spec drawn as SVG images, their
   data read from files inside the manuscript's folder;
6. :func:`images.images`: every image admitted (inside the sandbox, a type readers display,
   alt text) and its source made relative to the manuscript;
7. :func:`blocks.figures`: figures numbered and rendered by ``figure.html``;
8. :func:`blocks.tables`: tables wrapped and their captions numbered;
9. :func:`charts.data_tables`: each chart's data as a table after it ("Data for Figure N");
10. :func:`links.links`: internal links checked, links out of the report made plain text, in the
    text and in the notes;
11. :func:`direction.passages` and :func:`direction.unmarked_passages`: a passage in the other
    direction (by its ``lang``, or by its letters) gets its ``dir``; in right-to-left documents
    (:func:`direction.isolate_left_to_right`), code, URLs, numbers and Latin runs, with the
    quotation marks of a whole quotation, isolated;
12. :func:`chapters.chapters`: the tree cut into the model's chapters.
"""

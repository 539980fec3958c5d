"""Parallel layout, the join: the groups' PDFs made into one, as the single pass would have made it.

The first group's catalog is kept whole (XMP metadata, output intent, language, viewer
preferences, the PDF/UA and PDF/X markers). The later groups bring their pages (each with its
own boxes: PDF/X's trim and bleed travel with the page), a blank page where a group would
otherwise open on a left-hand page, their outline items, named destinations and structure
elements (under the first group's one ``/Document`` element, their parent-tree keys renumbered
after the first group's). A link to another group's anchor reaches it through the named
destination, which the join points at the real page.

The bytes depend only on the group PDFs: the file identifier's first half is the report's
(:func:`finish.identifier`), the second a digest of the content, as in the single pass.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import Any

import pikepdf

from ...errors import RenderError


def join(
    parts: Sequence[bytes],
    blanks: Sequence[bool],
    blank_page: bytes | None,
    identifier: bytes,
    stand_ins: Sequence[frozenset[str]],
    page_labels: pikepdf.Dictionary | None = None,
    named: Sequence[bool] | None = None,
    opened: dict[bytes, pikepdf.Pdf] | None = None,
) -> bytes:
    """One PDF from the groups' PDFs, in order; ``blanks[i]``: a blank page (the second page of
    ``blank_page``, laid out with the same page rules) goes before group ``i``;
    ``stand_ins[i]``: the names part ``i`` holds only as stand-ins for another part's anchors;
    ``page_labels``: the catalog's ``/PageLabels`` (:func:`.editions.page_labels`); ``named[i]``:
    whether part ``i`` may name structure elements (WeasyPrint names a table's header cells), whose
    names :func:`_prefix_ids` makes unique (``None``: any part may). ``opened``: the later parts
    the last join opened (a ``watch``'s), read again rather than opened anew, and left holding
    this join's (a part is only read: what the join changes is copied into the first's file)."""
    try:
        joined = pikepdf.Pdf.open(io.BytesIO(parts[0]))
        blank = pikepdf.Pdf.open(io.BytesIO(blank_page)) if blank_page is not None else None
        root = joined.Root
        tree_root = root.get("/StructTreeRoot")
        top = tree_root.K[0] if tree_root is not None else None  # the /Document element
        nums = tree_root.ParentTree.Nums if tree_root is not None else None
        next_key = _next_key(nums)
        dests = _dests(joined)
        reusable, now = dict(opened or {}), {}  # each kept part read once at most
        for part, (data, needs_blank, standing_in) in enumerate(
            zip(parts[1:], blanks[1:], stand_ins[1:], strict=True), 1
        ):
            if needs_blank:
                if blank is None:
                    raise RenderError("PDF: parallel layout needs a blank page and has none")
                joined.pages.append(blank.pages[1])
                for key in ("/StructParents", "/Annots"):
                    if key in joined.pages[-1].obj:
                        del joined.pages[-1].obj[key]
            other = reusable.pop(data, None)
            other = now[data] = other if other is not None else pikepdf.Pdf.open(io.BytesIO(data))
            start, offset = len(joined.pages), next_key
            with warnings.catch_warnings():
                # pikepdf warns that named destinations do not follow the pages: they are
                # joined below, with the outline and the structure tree.
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                joined.pages.extend(other.pages)
            for page in joined.pages[start:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annotation in page.obj.get("/Annots", []):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + offset
            # Copied after the pages, so that their page references point to the copies.
            if top is not None and "/StructTreeRoot" in other.Root:
                tree = joined.copy_foreign(other.make_indirect(other.Root.StructTreeRoot))
                if named is None or named[part]:
                    _prefix_ids(tree.K[0], f"g{part}-")
                for child in tree.K[0].K if isinstance(tree.K[0].get("/K"), pikepdf.Array) else [tree.K[0].K]:
                    if isinstance(child, pikepdf.Dictionary):
                        child.P = top
                    top.K.append(child)
                theirs = tree.ParentTree.Nums
                for index in range(0, len(theirs), 2):
                    nums.append(int(theirs[index]) + offset)
                    nums.append(theirs[index + 1])
                    next_key = max(next_key, int(theirs[index]) + offset + 1)
            if "/Names" in other.Root and "/Dests" in other.Root.Names:
                theirs_dests = joined.copy_foreign(other.make_indirect(other.Root.Names.Dests))
                for name, dest in pikepdf.NameTree(theirs_dests).items():
                    if name not in standing_in:
                        dests[name] = dest  # replaces the stand-in of a group that links here
            if "/Outlines" in other.Root:
                _append_outline(joined, joined.copy_foreign(other.make_indirect(other.Root.Outlines)))
        if tree_root is not None:
            tree_root.ParentTreeNextKey = next_key
        if page_labels is not None:
            root.PageLabels = page_labels
        joined.trailer.ID = pikepdf.Array([pikepdf.String(identifier), pikepdf.String(identifier)])
        out = io.BytesIO()
        joined.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        if opened is not None:
            opened.clear()
            opened.update(now)
    except pikepdf.PdfError as exc:
        raise RenderError(f"PDF: the parallel layout's parts could not be joined: {exc}") from None
    return out.getvalue()


def _prefix_ids(element: Any, prefix: str) -> None:
    """Make a later part's structure element ids (table header cells: the table's object number
    in its own part, which another part may also use) unique in the joined file, and the
    ``/Headers`` lists that name them. A paragraph's elements are not walked: no table is
    inside one (the HTML parser closes a paragraph before a table), and they are most of the
    tree (a third of the join's time at 100 pages, before)."""
    stack, seen = [element], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or (node.objgen in seen and node.objgen != (0, 0)):
            continue
        seen.add(node.objgen)
        if node.get("/S") in (None, "/P"):  # a paragraph, or a reference to marked content or an annotation
            continue
        if "/ID" in node:
            node.ID = pikepdf.String(prefix + str(node.ID))
        attributes = node.get("/A")
        for entry in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(entry, pikepdf.Dictionary) and "/Headers" in entry:
                entry.Headers = pikepdf.Array([pikepdf.String(prefix + str(h)) for h in entry.Headers])
        kids = node.get("/K")
        stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])


def _next_key(nums: Any) -> int:
    if nums is None or len(nums) == 0:
        return 0
    return max(int(nums[index]) for index in range(0, len(nums), 2)) + 1


def _dests(pdf: pikepdf.Pdf) -> pikepdf.NameTree:
    root = pdf.Root
    if "/Names" not in root:
        root.Names = pdf.make_indirect(pikepdf.Dictionary())
    if "/Dests" not in root.Names:
        root.Names.Dests = pikepdf.NameTree.new(pdf).obj
    return pikepdf.NameTree(root.Names.Dests)


def _append_outline(pdf: pikepdf.Pdf, theirs: Any) -> None:
    if "/First" not in theirs:
        return
    if "/Outlines" not in pdf.Root:
        pdf.Root.Outlines = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines, Count=0))
    outlines = pdf.Root.Outlines
    item = theirs.First
    while True:
        item.Parent = outlines
        if "/Next" not in item:
            break
        item = item.Next
    if "/Last" in outlines:
        outlines.Last.Next = theirs.First
        theirs.First.Prev = outlines.Last
    else:
        outlines.First = theirs.First
    outlines.Last = theirs.Last
    outlines.Count = int(outlines.get("/Count", 0)) + int(theirs.get("/Count", 0))

"""GitBook pages (a space synced to Git), read as GitBook shows them.

GitBook writes its blocks as template tags, each on a line of its own, which the Liquid reading
(:mod:`..jekyll`) would remove, tags and titles with them:

- ``{% hint style="info" %}`` … ``{% endhint %}``: a callout (``info`` a note, ``success`` a tip,
  ``warning``, ``danger`` a caution). GitBook shows an icon, no title: the kind's word is the
  title, unless the hint opens with a heading, which is then its title (not a section of the
  report);
- ``{% tabs %}`` with ``{% tab title="A" %}`` … ``{% endtab %}``: a tab set, each tab a titled
  passage;
- ``{% code title="app.py" %}`` around a fence: the fence under that title (``overflow``,
  ``lineNumbers`` are a site's);
- ``{% embed url="…" %}``, alone or with a caption before an ``{% endembed %}``: a link to the
  page or video, with a warning: a report cannot play or show a live page;
- ``{% file src="…" %}``: the file's name and caption, with a warning: a report carries no
  downloads;
- ``{% content-ref url="…" %}``, ``{% stepper %}`` and ``{% step %}``: their tags go, their content
  (a link, the steps) stays, as GitBook shows it; ``{% swagger %}`` and ``{% openapi %}``: their tags
  go, with a warning (only GitBook draws an API reference).

A tag that closes nothing open is removed, with a warning; a block never closed is closed at the
end of the file, with a warning. Invariant: fenced code is never read (but for the fence a
``code`` tag names); every line keeps its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from .common import FENCE, FileContext, Numbered, code_lines, markup, parameters

TAG = re.compile(r"^(\s*)\{%-?\s*(end)?([a-z][\w-]*)\b(.*?)-?%\}\s*$")
"""A GitBook tag alone on its line: its indentation, ``end``, its name and its parameters."""
BLOCKS = {"hint", "tabs", "tab", "code", "embed", "file", "content-ref", "stepper", "step", "swagger", "openapi"}
HINTS = {"info": "note", "success": "tip", "warning": "warning", "danger": "caution"}
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "loom.com", "wistia.com")


@dataclass
class _State:
    context: FileContext
    open: list[tuple[str, int]] = field(default_factory=list)  # each block open: its name, its line
    code_title: str = ""  # the title a {% code %} tag gives the fence after it
    embed: tuple[str, int, list[str]] | None = None  # an open {% embed %}: its URL, line, caption lines
    titles: set[int] = field(default_factory=set)  # the lines of headings that became a hint's title


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with GitBook's blocks read."""
    if not any("{%" in line for line, _number in numbered):
        return numbered
    state = _State(context)
    code = code_lines(numbered)
    out: Numbered = []
    for index, (line, number) in enumerate(numbered):
        if index in state.titles:
            out.append(("", number))
            continue
        if index in code:
            opening = FENCE.match(line) if state.code_title and (index == 0 or index - 1 not in code) else None
            if opening is not None:
                line = f'{line.rstrip()} title="{state.code_title.replace(chr(34), chr(8221))}"'
                state.code_title = ""
            out.append((line, number))
            continue
        tag = TAG.match(line)
        if tag is None or tag.group(3) not in BLOCKS:
            if state.embed is not None and "{%" not in line:
                state.embed[2].append(line)
                continue
            out.append((line, number))
            continue
        indent, closing, name, argument = tag.group(1), bool(tag.group(2)), tag.group(3), tag.group(4)
        if state.embed is not None and not (closing and name == "embed"):
            out.extend((text, number) for text in _embed_lines(state, indent))
        title = _heading_title(numbered, index, code, state) if name == "hint" and not closing else ""
        if closing:
            out.extend((text, number) for text in _close(name, indent, number, state))
        else:
            out.extend((text, number) for text in _open(name, argument, indent, number, state, title))
            if name == "embed" and state.embed is not None and not _caption_follows(numbered, index, code):
                out.extend((text, number) for text in _embed_lines(state, indent))  # an embed alone on its line
    if state.embed is not None:
        out.extend((text, numbered[-1][1]) for text in _embed_lines(state, ""))
    for name, opened in reversed(state.open):
        context.warn(f"GitBook block '{{% {name} %}}' is never closed ('{{% end{name} %}}'); closed at the end", opened)
        if name in ("hint", "tabs", "tab"):
            out.extend((text, numbered[-1][1]) for text in markup.close(""))
    return out


def _open(name: str, argument: str, indent: str, number: int, state: _State, title: str = "") -> list[str]:
    positional, named = parameters(argument)
    warn = state.context.warn
    if name == "hint":
        kind = HINTS.get(named.get("style", "info").lower(), "note")
        state.open.append((name, number))
        return markup.callout(kind, title or kind.capitalize(), indent)
    if name == "tabs":
        state.open.append((name, number))
        return markup.tab_set(indent)
    if name == "tab":
        state.open.append((name, number))
        return markup.passage(named.get("title") or (positional[0] if positional else ""), indent)
    if name == "code":
        state.open.append((name, number))
        state.code_title = named.get("title", "")
        return []
    if name == "embed":
        url = named.get("url") or (positional[0] if positional else "")
        if not url:
            warn("GitBook embed without url= removed", number)
            return []
        state.embed = (url, number, [])
        return []
    if name == "file":
        source = named.get("src", "")
        shown = source.rsplit("/", 1)[-1] or source
        warn(f"GitBook file '{source}' cannot travel with a report: its name is shown instead of a download", number)
        state.open.append((name, number))
        return ["", f"{indent}{shown.replace('[', chr(92) + '[')}", ""] if shown else []
    if name in ("swagger", "openapi"):
        warn(f"GitBook {name} block: only GitBook draws an API reference; its tags are left out", number)
    state.open.append((name, number))
    return []


def _close(name: str, indent: str, number: int, state: _State) -> list[str]:
    if name == "embed" and state.embed is not None:
        return _embed_lines(state, indent)
    position = next((i for i in range(len(state.open) - 1, -1, -1) if state.open[i][0] == name), None)
    if position is None:
        state.context.warn(f"GitBook '{{% end{name} %}}' closes no '{{% {name} %}}'; removed", number)
        return []
    out: list[str] = []
    for opened, line in reversed(state.open[position:]):
        if opened in ("hint", "tabs", "tab"):
            out += markup.close(indent)
        if opened != name:
            state.context.warn(f"GitBook block '{{% {opened} %}}' is closed by '{{% end{name} %}}'", line)
    del state.open[position:]
    return out


def _caption_follows(numbered: Numbered, index: int, code: set[int]) -> bool:
    """Whether the ``{% embed %}`` at ``index`` has a caption: an ``{% endembed %}`` closes it
    before any other GitBook tag. Without one (GitBook writes most embeds so) it stands alone,
    and the lines after it are the page's."""
    for after in range(index + 1, len(numbered)):
        tag = TAG.match(numbered[after][0]) if after not in code else None
        if tag is not None and tag.group(3) in BLOCKS:
            return bool(tag.group(2)) and tag.group(3) == "embed"
    return False


def _embed_lines(state: _State, indent: str) -> list[str]:
    """An embed, closed: a link to its page (a video: "Video: …"), its caption as the text."""
    assert state.embed is not None
    url, line, caption = state.embed
    state.embed = None
    title = " ".join(" ".join(caption).split())
    host = (urlparse(url).hostname or "").removeprefix("www.")
    if any(host == video or host.endswith("." + video) for video in VIDEO_HOSTS):
        state.context.warn(f"video {url} cannot play in print or an e-reader: a link to it is shown in its place", line)
        return markup.video(url, title, indent)
    state.context.warn(f"GitBook embed of {url}: a report cannot show a live page; a link to it is shown", line)
    shown = title or url.replace("[", "\\[").replace("]", "\\]")
    target = f"<{url}>" if " " in url else url
    return ["", f"{indent}[{shown}]({target})", ""]


def _heading_title(numbered: Numbered, index: int, code: set[int], state: _State) -> str:
    """The heading a hint opens with, as its title (GitBook shows it so; it is no section of the
    report), its line then left empty; "" when the hint opens with anything else."""
    for after in range(index + 1, len(numbered)):
        line = numbered[after][0]
        if not line.strip():
            continue
        heading = HEADING.match(line) if after not in code else None
        if heading is None:
            return ""
        state.titles.add(after)
        return heading.group(1)
    return ""


__all__ = ["lines"]

"""Wrap template lines longer than 200 characters where whitespace cannot change the page.

    .venv/bin/python scripts/wrap_templates.py templates/**/*.html

A line is broken only
- beside a block-level tag (`<td>`, `</li>`, `<div …>`: whitespace there is not rendered),
- at a space already in the text (a newline and an indent collapse to that one space),
- between two attributes of a start tag, when the line offers nothing else,
never inside a Django tag, a quoted attribute, a {% blocktranslate %} (its msgid would change),
a {% comment %}, or <pre>, <textarea>, <script>, <style>, <option>, <title>. A file is written
only if nothing but whitespace changed. kam/tests/test_presentation.py keeps lines short; a
line still long holds one translatable message, which cannot wrap without a new msgid.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

TARGET, LONGEST = 180, 200
BLOCK = {
    *("div", "p", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th"),
    *("section", "nav", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "form"),
    *("dl", "dt", "dd", "details", "summary", "fieldset", "legend", "main", "article"),
    *("aside", "hr", "caption", "figure"),
}
RAW = {"pre", "textarea", "script", "style", "option", "title"}
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
DJANGO = {"{%": "%}", "{{": "}}", "{#": "#}"}
BESIDE_TAG, TEXT_SPACE, ATTR_SPACE = "tag", "text", "attr"


@dataclass
class State:
    """What a line starts inside of, carried from the line before."""

    blocktrans: int = 0
    raw: int = 0
    comment: bool = False
    tag: tuple | None = None  # (name, is_block, closing) of a start tag not yet closed
    quote: str | None = None

    @property
    def frozen(self) -> bool:
        return bool(self.blocktrans or self.raw or self.comment)


def _django_tag(state: State, body: str) -> None:
    words = body.split()
    word = words[0] if words else ""
    if word in ("blocktranslate", "blocktrans") and "trimmed" not in words:
        state.blocktrans += 1
    elif word in ("endblocktranslate", "endblocktrans"):
        state.blocktrans = max(0, state.blocktrans - 1)
    elif word in ("comment", "endcomment"):
        state.comment = word == "comment"


def break_points(line: str, state: State) -> list[tuple[int, str]]:
    """Where `line` may break: (index, kind). A `tag` break goes before the index; the other
    two replace the space at the index."""
    points: list[tuple[int, str]] = []
    closed_block_at = -1
    i = 0
    while i < len(line):
        opener = line[i : i + 2]
        if opener in DJANGO:
            j = line.find(DJANGO[opener], i + 2)
            if j < 0:
                break
            if opener == "{%":
                _django_tag(state, line[i + 2 : j])
            i = j + 2
            continue
        c = line[i]
        if state.tag is not None:
            if state.quote:
                state.quote = None if c == state.quote else state.quote
            elif c in "\"'":
                state.quote = c
            elif c == ">":
                name, is_block, closing = state.tag
                if name in RAW:
                    state.raw += -1 if closing else 1
                closed_block_at = i + 1 if is_block else -1
                state.tag = None
            elif c == " " and not state.frozen and line[i + 1 : i + 2] not in (">", "/", " "):
                points.append((i, ATTR_SPACE))
            i += 1
            continue
        match = TAG.match(line, i) if c == "<" else None
        if match:
            name = match.group(1).lower()
            end = line.find(">", i)
            is_block = name in BLOCK and "inline" not in line[i : end if end > 0 else None]
            if is_block and not state.frozen and i > 0:
                points.append((i, BESIDE_TAG))
            state.tag = (name, is_block, line[i + 1] == "/")
            i = match.end()
            continue
        if not state.frozen:
            if i == closed_block_at:
                points.append((i, BESIDE_TAG))
            elif c == " " and i > 0 and line[i - 1] != " " and line[i + 1 : i + 2] not in ("", " "):
                points.append((i, TEXT_SPACE))
        i += 1
    return points


def wrap_line(line: str, state: State) -> list[str]:
    points = break_points(line, state)
    if len(line) <= LONGEST:
        return [line]
    points = [p for p in points if line[: p[0]].strip()]  # not inside the indent
    indent = re.match(r"\s*", line).group(0) + "  "
    out, start, prefix = [], 0, ""

    def width(upto: int) -> int:
        return len(prefix) + upto - start

    def rank(point: tuple[int, str]) -> tuple[int, int]:
        index, kind = point
        between_tags = line[index - 1 : index] == ">" and line[index : index + 1] == "<"
        return (3 if kind == BESIDE_TAG and between_tags else 2, index)

    while width(len(line)) > TARGET:
        pick = None
        # A break beside a tag or in the text, as late as fits; between attributes only when
        # the line offers nothing else.
        for kinds in ((BESIDE_TAG, TEXT_SPACE), (ATTR_SPACE,)):
            for most, least in ((TARGET, 30), (LONGEST - 10, 20), (LONGEST - 10, 1)):
                fits = [p for p in points if p[1] in kinds and start < p[0]]
                fits = [p for p in fits if least <= width(p[0]) <= most]
                if fits:
                    pick = max(fits, key=rank)
                    break
            if pick:
                break
        if pick is None:
            later = [p for p in points if p[0] > start]
            if not later:
                break
            pick = later[0]
        index, kind = pick
        drop = kind != BESIDE_TAG  # the space becomes the newline
        out.append(prefix + (line[start:index].rstrip(" ") if drop else line[start:index]))
        start, prefix = index + drop, indent
    out.append(prefix + line[start:])
    return [segment for segment in out if segment.strip()]


def wrap(text: str) -> str:
    state = State()
    return "\n".join(part for line in text.split("\n") for part in wrap_line(line, state))


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        wrapped = wrap(text)
        if re.sub(r"\s", "", wrapped) != re.sub(r"\s", "", text):
            print(f"{path}: more than whitespace would change; left as it is", file=sys.stderr)
            continue
        if wrapped != text:
            path.write_text(wrapped, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

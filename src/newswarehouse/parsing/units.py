"""Raw page text -> units: the non-empty lines, in order, grouped into blank-line blocks.

A unit is normally one line (scraped pages put each paragraph on one line).
Hard-wrapped prose (a line that stops mid-sentence followed by a line that
starts in lower case) is merged back into one unit so that its pieces are
not mistaken for short chrome lines; the unit text is then the exact source
slice, newline included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"[^\n]+")
_WRAP_MIN_CHARS = 30
_BYLINE_START = re.compile(r"by\s+[A-Z]")
_BYLINE_MAX_WORDS = 6


@dataclass(frozen=True)
class Unit:
    index: int
    text: str  # the source line(s), surrounding whitespace stripped
    start: int  # offsets of ``text`` in the raw page
    end: int
    block: int  # units separated by no blank line share a block


def split_units(raw_text: str, terminal_punct: str = ".!?…") -> list[Unit]:
    pieces: list[tuple[int, int, int]] = []  # start, end, block
    block = 0
    last_end = 0
    for match in _LINE.finditer(raw_text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        if pieces and raw_text.count("\n", last_end, match.start()) > 1:
            block += 1
        lead = len(line) - len(line.lstrip())
        start = match.start() + lead
        end = start + len(stripped)
        if pieces and pieces[-1][2] == block and _is_wrapped(raw_text[pieces[-1][0]:pieces[-1][1]], stripped, terminal_punct):
            pieces[-1] = (pieces[-1][0], end, block)
        else:
            pieces.append((start, end, block))
        last_end = match.end()
    return [Unit(i, raw_text[s:e], s, e, b) for i, (s, e, b) in enumerate(pieces)]


def _is_wrapped(previous: str, line: str, terminal_punct: str) -> bool:
    # Only prose wraps: a long line cut mid-sentence, continued in lower case
    # (but "by Jane Doe" under a headline is a lower-case byline, not the rest of a sentence).
    return (
        len(previous) >= _WRAP_MIN_CHARS
        and previous.rstrip()[-1] not in terminal_punct + ":"
        and line[:1].islower()
        and not (_BYLINE_START.match(line) and len(line.split()) <= _BYLINE_MAX_WORDS)
    )

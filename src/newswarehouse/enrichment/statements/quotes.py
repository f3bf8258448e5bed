"""Quotation-mark scanning over a body text: where quoted words start and end.

Real pages mix curly and straight marks, forget closing marks and run one
quotation over several paragraphs. The scanner never gives up on the rest of
the text: a quotation that never closes ends at its paragraph's end, unless the
next paragraph opens with a quotation mark (the newspaper convention for a
quotation continuing over paragraphs: each paragraph reopens, only the last
one closes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newswarehouse.enrichment.sentences import line_spans

OPEN_DOUBLE = "\u201c\u201e\u00ab\u201f"  # “ „ « ‟
CLOSE_DOUBLE = "\u201d\u00bb"  # ” »
STRAIGHT_DOUBLE = '"'
OPEN_SINGLE = "\u2018"  # ‘
CLOSE_SINGLE = "\u2019"  # ’ (also the apostrophe, hence the stricter rules)
STRAIGHT_SINGLE = "'"
DOUBLE_MARKS = OPEN_DOUBLE + CLOSE_DOUBLE + STRAIGHT_DOUBLE
SINGLE_MARKS = OPEN_SINGLE + CLOSE_SINGLE + STRAIGHT_SINGLE
ALL_MARKS = DOUBLE_MARKS + SINGLE_MARKS

_DOUBLE_RE = re.compile("[" + re.escape(DOUBLE_MARKS) + "]")
_SINGLE_RE = re.compile("[" + re.escape(SINGLE_MARKS) + "]")
# Characters after which a mark may open a quotation.
_OPENERS_BEFORE = "([{\u2014\u2013-/:" + ALL_MARKS
# Characters before which a mark may close a quotation.
_CLOSERS_AFTER = ".,;:!?)]}\u2014\u2013-\u2026/" + ALL_MARKS


@dataclass(frozen=True)
class Quote:
    start: int  # first character of the quoted words
    end: int  # one past the last quoted character
    open_mark: int  # index of the opening mark
    # index of the closing mark (or of the comma standing in for a forgotten
    # one before an attribution); None when it never closed
    close_mark: int | None
    single: bool = False  # quoted with single marks


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, whitespace-trimmed: lines are paragraphs."""
    return line_spans(text)


def _left_flanking(text: str, i: int, lo: int, hi: int) -> bool:
    """The mark at i can open: a word follows, and nothing word-like precedes."""
    nxt = text[i + 1] if i + 1 < hi else ""
    prev = text[i - 1] if i > lo else ""
    return bool(nxt) and not nxt.isspace() and (not prev or prev.isspace() or prev in _OPENERS_BEFORE)


def _right_flanking(text: str, i: int, lo: int, hi: int) -> bool:
    """The mark at i can close: a word precedes, and nothing word-like follows."""
    nxt = text[i + 1] if i + 1 < hi else ""
    prev = text[i - 1] if i > lo else ""
    return bool(prev) and not prev.isspace() and (not nxt or nxt.isspace() or nxt in _CLOSERS_AFTER)


def _double_role(text: str, i: int, lo: int, hi: int, inside: bool) -> str | None:
    """'open', 'close' or None (ignore) for a double mark, given whether a quotation is open."""
    ch = text[i]
    left = _left_flanking(text, i, lo, hi)
    right = _right_flanking(text, i, lo, hi)
    if ch == STRAIGHT_DOUBLE:
        if inside:
            return "close" if right or not left else "open"
        return "open" if left or not right else None
    if ch in OPEN_DOUBLE:
        # A curly opener typed where a closer belongs (word before, space after).
        if inside and right and not left:
            return "close"
        return "open"
    # A curly closer typed where an opener belongs (start of a quotation).
    if not inside and left and not right:
        return "open"
    return "close" if inside else None


_MAX_FRAME_WORDS = 8


def _forgotten_close(text: str, start: int, reopen: int) -> int | None:
    """The comma where a quotation should have closed before its attribution.

    In “We won, Jane said. “Now we rest.” the second opening mark arrives
    while the first quotation is open: if a short sentence-final frame
    (", Jane said.") precedes it, the first quotation ended at that comma.
    """
    comma = text.rfind(",", start, reopen)
    if comma == -1:
        return None
    frame = text[comma + 1 : reopen].strip()
    words = frame.split()
    if not (1 <= len(words) <= _MAX_FRAME_WORDS) or frame[-1] not in ".!?":
        return None
    return comma


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in ``text``, in order, with offsets of the quoted words.

    Double marks are the primary quotation marks; single marks count as
    primary only outside double quotations (nested single quotes stay inside
    their double quotation). An unclosed single mark is taken for an
    apostrophe and ignored.
    """
    paras = paragraphs(text)
    quotes: list[Quote] = []
    # An open double quotation carried over a paragraph break:
    # (open_mark, content_start, depth, para_end_of_last_paragraph)
    carry: tuple[int, int, int, int] | None = None
    for p_index, (ps, pe) in enumerate(paras):
        open_mark: int | None = None
        content_start = ps
        depth = 0
        i = ps
        if carry is not None:
            if text[ps] in OPEN_DOUBLE + STRAIGHT_DOUBLE or (text[ps] in CLOSE_DOUBLE and _left_flanking(text, ps, ps, pe)):
                open_mark, content_start, _, _ = carry
                depth = 1  # an unbalanced nesting does not survive a paragraph break
                i = ps + 1
            else:
                c_open, c_start, _, c_end = carry
                s, e = _trimmed(text, c_start, c_end)
                if e > s:
                    quotes.append(Quote(s, e, c_open, None))
            carry = None
        spans_in_para: list[tuple[int, int]] = []  # closed double quotations here
        for mark in _DOUBLE_RE.finditer(text, i, pe):
            i = mark.start()
            ch = text[i]
            role = _double_role(text, i, ps, pe, depth > 0)
            if role == "open" and depth > 0 and open_mark is not None and ch in OPEN_DOUBLE:
                comma = _forgotten_close(text, content_start, i)
                if comma is not None:
                    # “A, Jane said. “B.” -- the first quotation lost its closing mark.
                    s_, e_ = _trimmed(text, content_start, comma)
                    if e_ > s_:
                        quotes.append(Quote(s_, e_, open_mark, comma))
                    spans_in_para.append((open_mark, comma))
                    open_mark, content_start, depth = i, i + 1, 1
                    continue
            if role == "open":
                if depth == 0:
                    open_mark, content_start = i, i + 1
                depth += 1
            elif role == "close" and depth > 0:
                depth -= 1
                if depth == 0 and open_mark is not None:
                    s, e = _trimmed(text, content_start, i)
                    if e > s:
                        quotes.append(Quote(s, e, open_mark, i))
                    spans_in_para.append((open_mark, i))
                    open_mark = None
        if depth > 0 and open_mark is not None:
            nxt = paras[p_index + 1] if p_index + 1 < len(paras) else None
            if nxt is not None:
                carry = (open_mark, content_start, depth, pe)
            else:
                s, e = _trimmed(text, content_start, pe)
                if e > s:
                    quotes.append(Quote(s, e, open_mark, None))
            spans_in_para.append((open_mark, pe))
        quotes.extend(_single_quotes(text, ps, pe, spans_in_para))
    quotes.sort(key=lambda q: q.open_mark)
    return quotes


def _single_quotes(text: str, ps: int, pe: int, double_spans: list[tuple[int, int]]) -> list[Quote]:
    out: list[Quote] = []
    open_mark: int | None = None
    for mark in _SINGLE_RE.finditer(text, ps, pe):
        i = mark.start()
        if any(a <= i <= b for a, b in double_spans):
            continue
        ch = text[i]
        left = _left_flanking(text, i, ps, pe)
        right = _right_flanking(text, i, ps, pe)
        if open_mark is None:
            if left and not right and ch in OPEN_SINGLE + STRAIGHT_SINGLE:
                open_mark = i
        elif right and not left:
            s, e = _trimmed(text, open_mark + 1, i)
            if e > s:
                out.append(Quote(s, e, open_mark, i, single=True))
            open_mark = None
    return out

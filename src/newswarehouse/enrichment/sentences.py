"""Sentence boundaries with character offsets into body_text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newswarehouse.enrichment.records import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc


def split_sentences(doc: Doc) -> list[Sentence]:
    """Sentences of ``doc`` (parsed from body_text), whitespace-trimmed, never spanning a paragraph break."""
    out: list[Sentence] = []
    text = doc.text
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        # A sentence never crosses a blank line: paragraphs are hard boundaries.
        for piece_start, piece_end in line_spans(text, start, end):
            out.append(Sentence(len(out), piece_start, piece_end, text[piece_start:piece_end]))
    return out


def line_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line of text[start:end], whitespace-trimmed.

    Lines are paragraphs in body_text, so no sentence or quote crosses one of these bounds.
    """
    end = len(text) if end is None else end
    pieces = []
    cursor = start
    while cursor < end:
        nl = text.find("\n", cursor, end)
        stop = end if nl == -1 else nl
        s, e = cursor, stop
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            pieces.append((s, e))
        cursor = stop + 1
    return pieces

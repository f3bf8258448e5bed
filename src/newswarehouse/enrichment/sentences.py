"""Sentence boundaries with character offsets into body_text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newswarehouse.enrichment.records import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc


def split_sentences(doc: "Doc") -> list[Sentence]:
    """Sentences of ``doc`` (parsed from body_text), whitespace-trimmed, never spanning a paragraph break."""
    out: list[Sentence] = []
    text = doc.text
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        # A sentence never crosses a blank line: paragraphs are hard boundaries.
        for piece_start, piece_end in _split_on_paragraphs(text, start, end):
            out.append(Sentence(len(out), piece_start, piece_end, text[piece_start:piece_end]))
    return out


def _split_on_paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
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

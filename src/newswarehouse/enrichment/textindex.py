"""Character-offset lookups over one parsed body: tokens, paragraphs, sentences, mentions."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Sequence

from newswarehouse.enrichment.quotes import paragraphs
from newswarehouse.enrichment.records import Mention, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


class DocIndex:
    def __init__(self, doc: "Doc", sentences: Sequence[Sentence], mentions: Sequence[Mention]) -> None:
        self.doc = doc
        self.text: str = doc.text
        self._tok_starts = [t.idx for t in doc]
        self.paragraphs = paragraphs(self.text)
        self._para_starts = [p[0] for p in self.paragraphs]
        self._sent_starts = [s.char_start for s in sentences]
        self.sentences = list(sentences)
        self.mentions = sorted(mentions, key=lambda m: (m.char_start, m.char_end))
        self._mention_starts = [m.char_start for m in self.mentions]
        self.by_index = {m.mention_index: m for m in mentions}

    # tokens -------------------------------------------------------------
    def token_index_at(self, char: int) -> int:
        """Index of the token containing ``char`` (or the last token starting before it)."""
        return max(bisect_right(self._tok_starts, char) - 1, 0)

    def tokens_in(self, start: int, end: int) -> list["Token"]:
        """Tokens starting in [start, end), skipping whitespace tokens."""
        lo = bisect_right(self._tok_starts, start - 1)
        hi = bisect_right(self._tok_starts, end - 1)
        return [t for t in self.doc[lo:hi] if not t.is_space]

    @staticmethod
    def span_of(first: "Token", last: "Token") -> tuple[int, int]:
        return first.idx, last.idx + len(last.text)

    # paragraphs and sentences -------------------------------------------
    def paragraph_index(self, char: int) -> int:
        return max(bisect_right(self._para_starts, char) - 1, 0)

    def paragraph_span(self, char: int) -> tuple[int, int]:
        if not self.paragraphs:
            return 0, len(self.text)
        return self.paragraphs[self.paragraph_index(char)]

    def sentence_index(self, char: int) -> int:
        i = bisect_right(self._sent_starts, char) - 1
        if i < 0:
            return self.sentences[0].sentence_index if self.sentences else 0
        return self.sentences[i].sentence_index

    # mentions -----------------------------------------------------------
    def mentions_overlapping(self, start: int, end: int) -> list[Mention]:
        hi = bisect_right(self._mention_starts, end - 1)
        return [m for m in self.mentions[:hi] if m.char_end > start]

    def mention_of_token(self, tok: "Token") -> Mention | None:
        found = self.mentions_overlapping(tok.idx, tok.idx + len(tok.text))
        return found[-1] if found else None

    def mentions_before(self, char: int) -> list[Mention]:
        """Mentions ending at or before ``char``, nearest first."""
        hi = bisect_right(self._mention_starts, char)
        return [m for m in reversed(self.mentions[:hi]) if m.char_end <= char]

"""Character-offset lookups over one parsed body: tokens, paragraphs, sentences, mentions."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from newswarehouse.enrichment.records import Mention, Sentence
from newswarehouse.enrichment.statements.quotes import paragraphs

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


class DocIndex:
    def __init__(self, doc: Doc, sentences: Sequence[Sentence], mentions: Sequence[Mention]) -> None:
        self.doc = doc
        self.text: str = doc.text
        self._tok_starts = [t.idx for t in doc]
        self.paragraphs = paragraphs(self.text)
        self._para_starts = [p[0] for p in self.paragraphs]
        self._sent_starts = [s.char_start for s in sentences]
        self.sentences = list(sentences)
        self.mentions = sorted(mentions, key=lambda m: (m.char_start, m.char_end))
        self._mention_starts = [m.char_start for m in self.mentions]
        self._longest_mention = max((m.char_end - m.char_start for m in self.mentions), default=0) + 1
        self.by_index = {m.mention_index: m for m in mentions}

        # word -> mentions whose resolved name contains it, in body order ("department" ->
        # "Harlow County Health Department"): definite descriptions and bare surnames.
        self.by_name_word: dict[str, list[Mention]] = {}
        for m in self.mentions:
            for w in set(m.resolved_text.lower().split()):
                self.by_name_word.setdefault(w, []).append(m)

    def named_before(self, word: str, char: int) -> Iterator[Mention]:
        """Mentions whose resolved name contains ``word``, ending before ``char``, nearest first."""
        for m in reversed(self.by_name_word.get(word.lower(), [])):
            if m.char_end <= char:
                yield m

    # tokens -------------------------------------------------------------
    def token_index_at(self, char: int) -> int:
        """Index of the token containing ``char`` (or the last token starting before it)."""
        return max(bisect_right(self._tok_starts, char) - 1, 0)

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """Tokens starting in [start, end), skipping whitespace tokens."""
        lo = bisect_right(self._tok_starts, start - 1)
        hi = bisect_right(self._tok_starts, end - 1)
        return [t for t in self.doc[lo:hi] if not t.is_space]

    @staticmethod
    def span_of(first: Token, last: Token) -> tuple[int, int]:
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
        out = []
        j = hi - 1
        # mentions are short: walking back past the longest one is enough
        while j >= 0 and self.mentions[j].char_start > start - self._longest_mention:
            if self.mentions[j].char_end > start:
                out.append(self.mentions[j])
            j -= 1
        out.reverse()
        return out

    def mention_of_token(self, tok: Token) -> Mention | None:
        found = self.mentions_overlapping(tok.idx, tok.idx + len(tok.text))
        return found[-1] if found else None

    def mentions_before(self, char: int) -> Iterator[Mention]:
        """Mentions ending at or before ``char``, nearest first (lazily: callers stop early)."""
        for j in range(bisect_right(self._mention_starts, char) - 1, -1, -1):
            if self.mentions[j].char_end <= char:
                yield self.mentions[j]


class Spans:
    """Sorted character spans answering "which contain / overlap this?" by bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self._starts = [a for a, _ in self.spans]
        self._longest = max((b - a for a, b in self.spans), default=0) + 1

    def overlapping(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        j = bisect_right(self._starts, end - 1) - 1
        while j >= 0 and self.spans[j][0] > start - self._longest:
            if self.spans[j][1] > start:
                yield self.spans[j]
            j -= 1

    def containing(self, pos: int) -> tuple[int, int] | None:
        return next((sp for sp in self.overlapping(pos, pos + 1) if sp[0] <= pos < sp[1]), None)

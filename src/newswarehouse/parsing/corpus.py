"""Corpus line statistics: a short line printed on many pages of a corpus is site template."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from newswarehouse.parsing.rules import load_rules, normalize


@dataclass(frozen=True)
class LineStats:
    """In how many documents each normalised line occurs."""

    doc_counts: Counter[str] = field(default_factory=Counter)
    n_docs: int = 0

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> LineStats:
        counts: Counter[str] = Counter()
        n = 0
        for text in texts:
            n += 1
            counts.update({normalize(line) for line in text.split("\n") if line.strip()})
        return cls(counts, n)

    def min_docs(self) -> int:
        """Documents a line must appear in to count as template (never fewer than the rules' floor)."""
        cfg = load_rules().section("corpus")
        return max(int(cfg["min_docs"]), round(cfg["min_share"] * self.n_docs))

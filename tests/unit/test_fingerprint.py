"""Fingerprints: MinHash estimates Jaccard similarity, shingle hashes give exact containment."""

from __future__ import annotations

import random

from newswarehouse.enrichment.fingerprint import (
    NUM_PERM,
    containment,
    minhash,
    minhash_of,
    shingle_hashes,
    shingles,
)

WORDS = [f"w{i}" for i in range(5000)]


def _estimate(a: str, b: str) -> float:
    return sum(x == y for x, y in zip(minhash(a), minhash(b))) / NUM_PERM


def _jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def test_unrelated_texts_look_unrelated_and_copies_look_alike():
    rng = random.Random(7)
    texts = [" ".join(rng.choice(WORDS) for _ in range(400)) for _ in range(30)]
    for i in range(len(texts) - 1):
        # Unrelated texts: estimate close to their (near-zero) true similarity.
        assert _estimate(texts[i], texts[i + 1]) <= 0.1
    base = texts[0].split()
    rewrite = base[:300] + [rng.choice(WORDS) for _ in range(100)]
    true = _jaccard(texts[0], " ".join(rewrite))
    assert abs(_estimate(texts[0], " ".join(rewrite)) - true) <= 0.2


def test_signatures_are_stable_and_fit_a_signed_bigint():
    text = "The same text always gives the same signature, on every machine and run."
    sig = minhash(text)
    assert sig == minhash(text) and len(sig) == NUM_PERM
    assert all(0 <= v < 2**63 for v in sig)
    assert minhash("") == ()


# Invented prose for the containment tests: a 120-word story, a copy cut to its
# first half with chrome of another site around it, and an independent report
# of the same event in other words.
_STORY = (
    "The harbour authority of Lindqvist Bay voted on Thursday to close the old ferry pier for "
    "eighteen months while engineers replace the timber piles that storms have loosened since "
    "the winter. Commuters will use a temporary landing stage two hundred metres to the north, "
    "and the morning crossings will start fifteen minutes earlier to make up for the longer walk. "
    "The chair of the authority said the repairs could not wait another season because divers "
    "had found cracks in a third of the piles during the spring survey. Shop owners on the "
    "waterfront asked for a shuttle bus between the two landings, and the council promised to "
    "study the request before the works begin in September. The ferry company said ticket prices "
    "would not change during the closure and that season passes would remain valid on every route."
)
_REPORT = (
    "Ferry passengers in Lindqvist Bay face a longer walk from September: the harbour authority "
    "is shutting the ageing pier for a year and a half after a survey found damaged piles. A "
    "temporary stage will serve crossings, which move earlier by a quarter of an hour. Traders "
    "want a shuttle; the council says it will look into it. Fares stay the same."
)


def _first_half(text: str) -> str:
    words = text.split()
    return " ".join(words[: len(words) // 2])


def test_a_trimmed_copy_with_other_chrome_is_largely_contained_in_its_original():
    copy = "\n".join(["Pier to close for repairs", _first_half(_STORY), "Originally published by the Bay Courier",
                      "Share on Facebook Share on X Email"])
    original, trimmed = shingle_hashes(_STORY), shingle_hashes(copy)
    # Well above the default threshold (0.5) even before the parser strips that chrome:
    # its 18 words cost the short copy a fifth of its shingles.
    assert containment(trimmed, original) >= 0.75
    assert containment(original, trimmed) == containment(trimmed, original)  # symmetric: the shorter's share
    # Its Jaccard similarity is only about its share of the original: MinHash alone misses it.
    assert len(set(trimmed) & set(original)) / len(set(trimmed) | set(original)) < 0.5


def test_an_independent_report_of_the_same_event_is_not_contained():
    assert containment(shingle_hashes(_REPORT), shingle_hashes(_STORY)) < 0.1


def test_short_texts_are_not_compared_by_containment():
    line = "the harbour authority of Lindqvist Bay voted on Thursday"
    assert containment(shingle_hashes(line), shingle_hashes(_STORY)) == 1.0
    assert containment(shingle_hashes(line), shingle_hashes(_STORY), min_shingles=40) is None
    assert containment((), shingle_hashes(_STORY)) is None


def test_shingle_hashes_are_distinct_sorted_32_bit_and_feed_the_minhash():
    hashes = shingle_hashes(_STORY)
    assert list(hashes) == sorted(set(hashes)) and len(hashes) == len(shingles(_STORY))
    assert all(0 <= h < 2**32 for h in hashes)
    assert minhash_of(hashes) == minhash(_STORY)
    assert shingle_hashes("") == ()

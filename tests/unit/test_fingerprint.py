"""MinHash signatures estimate the Jaccard similarity of word 5-shingles."""

from __future__ import annotations

import random

from newswarehouse.enrichment.fingerprint import NUM_PERM, minhash, shingles

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

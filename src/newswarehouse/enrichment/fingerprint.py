"""MinHash fingerprints for near-duplicate detection (syndicated copies, light rewrites).

Only the per-document signature is computed here; which documents are
duplicates of which is decided in dbt (``int_articles_deduplicated``), where the
threshold is a project variable analysts can read and change.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

NUM_PERM = 64
SHINGLE_WORDS = 5
# Universal hashing h(x) = (a*x + b) mod p over Z_p with the Mersenne prime
# p = 2^31 - 1: x, a and b are below 2^31, so a*x + b < 2^63 is exact in uint64
# and each of the NUM_PERM functions is a genuinely different permutation.
_PRIME = np.uint64((1 << 31) - 1)
_rng = np.random.default_rng(20231124)  # fixed seed: signatures must be stable across runs and machines
_A = _rng.integers(1, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def minhash(text: str) -> tuple[int, ...]:
    """A NUM_PERM-long MinHash signature of the text's word 5-shingles (empty text -> ())."""
    sh = shingles(text)
    if not sh:
        return ()
    x = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little") for s in sh),
        dtype=np.uint64,
        count=len(sh),
    )
    sig = ((np.outer(_A, x % _PRIME) + _B[:, None]) % _PRIME).min(axis=1)
    return tuple(int(v) for v in sig)

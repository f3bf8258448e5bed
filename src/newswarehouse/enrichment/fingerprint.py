"""Fingerprints for near-duplicate detection (syndicated copies, light rewrites, trimmed copies).

Per document: the hashes of its word 5-shingles and a MinHash signature of them.
Which documents are duplicates of which is decided in dbt (``stg_articles``),
where the thresholds are project variables analysts can read and change:
MinHash estimates Jaccard similarity (two copies of about the same text), the
shingle hashes give the exact containment of the shorter text in the longer
(a copy trimmed or cut short on another site). ``containment`` below is the
reference definition that model computes in SQL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection

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


def shingle_hashes(text: str) -> tuple[int, ...]:
    """The distinct 32-bit hashes of the text's word 5-shingles, ascending (empty text -> ()).

    32 bits are enough: two different shingles of two ~500-shingle texts share a
    hash with probability ~6e-5, far below any containment threshold, and the
    stored list costs 4 bytes a word.
    """
    return tuple(
        sorted({int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little") for s in shingles(text)})
    )


def minhash_of(hashes: Collection[int]) -> tuple[int, ...]:
    """A NUM_PERM-long MinHash signature of a set of shingle hashes (empty -> ())."""
    if not hashes:
        return ()
    x = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    sig = ((np.outer(_A, x % _PRIME) + _B[:, None]) % _PRIME).min(axis=1)
    return tuple(int(v) for v in sig)


def minhash(text: str) -> tuple[int, ...]:
    """A NUM_PERM-long MinHash signature of the text's word 5-shingles (empty text -> ())."""
    return minhash_of(shingle_hashes(text))


def containment(a: Collection[int], b: Collection[int], min_shingles: int = 1) -> float | None:
    """Share of the shorter set's shingle hashes found in the longer one.

    None when the shorter has fewer than ``min_shingles``: a one-line text is
    "contained" in any article quoting that line, which says nothing about copying.
    """
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if len(shorter) < max(min_shingles, 1):
        return None
    return len(set(shorter) & set(longer)) / len(shorter)

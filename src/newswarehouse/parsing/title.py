"""The headline: the first headline-like line of the page head, preferring one the page repeats."""

from __future__ import annotations

from typing import Sequence

from newswarehouse.parsing.blocks import AUTHOR_NAME, BYLINE, DATE_LINE, GOOD
from newswarehouse.parsing.features import Features
from newswarehouse.parsing.rules import Rules


def is_headline_like(f: Features, cls: str, rules: Rules) -> bool:
    cfg = rules.section("title")
    if not cfg["min_words"] <= f.n_words <= cfg["max_words"] or f.n_chars > cfg["max_chars"]:
        return False
    if f.markup or f.media:
        return False
    # A headline doesn't end with a full stop (prose does); "?" and "!" are fine.
    if f.norm.rstrip("\"')]").endswith(".") and not f.norm.endswith("..."):
        return False
    words = f.norm.split()
    sections = sum(1 for w in words if w.strip(",.:|") in rules.section_words)
    if words and sections / len(words) > cfg["section_max_share"]:
        return False
    return True


def pick_title(
    feats: Sequence[Features], labels: Sequence[str | None], classes: Sequence[str], rules: Rules
) -> int | None:
    """Index of the headline unit, or None.

    Candidates come from the head of the page: unlabelled units before the
    first prose paragraph (a headline that happens to be GOOD-long is allowed
    if it is the very first candidate).
    """
    cfg = rules.section("title")
    n = len(feats)
    first_body = next((i for i in range(n) if labels[i] is None and classes[i] == GOOD), n)
    head = [i for i in range(n) if labels[i] is None and (i < first_body or i == first_body and not _has_candidates(feats, labels, classes, first_body, rules))]
    candidates = [i for i in head if is_headline_like(feats[i], classes[i], rules)]
    if not candidates:
        return None
    counts: dict[str, int] = {}
    for i in head:
        counts[feats[i].norm] = counts.get(feats[i].norm, 0) + 1
    meta_or_body = [i for i in range(n) if labels[i] in _META_LABELS or (labels[i] is None and classes[i] == GOOD)]
    cand_set = set(candidates)
    best, best_score = None, None
    for rank, i in enumerate(candidates):
        score = cfg["first_candidate"] if rank == 0 else 0
        if _run_length(i, cand_set, feats) >= cfg["list_run"]:
            score -= cfg["list_penalty"]
        if counts[feats[i].norm] > 1:
            score += cfg["repeated_in_head"]
        if any(0 < j - i <= cfg["near_distance"] for j in meta_or_body):
            score += cfg["near_body_or_meta"]
        if best_score is None or score > best_score:
            best, best_score = i, score
    return best


_META_LABELS = frozenset({BYLINE, DATE_LINE, AUTHOR_NAME})


def _run_length(i: int, cand_set: set[int], feats: Sequence[Features]) -> int:
    """Consecutive distinct headline-like lines around ``i`` (a repeated headline counts once)."""
    lo = i
    while lo - 1 in cand_set:
        lo -= 1
    hi = i
    while hi + 1 in cand_set:
        hi += 1
    return len({feats[k].norm for k in range(lo, hi + 1)})


def _has_candidates(feats, labels, classes, first_body: int, rules: Rules) -> bool:
    return any(labels[i] is None and is_headline_like(feats[i], classes[i], rules) for i in range(first_body))

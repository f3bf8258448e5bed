"""The headline and the masthead, both read from the head of the page (above the body)."""

from __future__ import annotations

from collections.abc import Sequence

from newswarehouse.parsing.blocks import AUTHOR_NAME, BYLINE, DATE_LINE, GOOD, MARKER
from newswarehouse.parsing.features import Features
from newswarehouse.parsing.furniture import organisation_line
from newswarehouse.parsing.metadata import bare_name
from newswarehouse.parsing.rules import Rules

_META_LABELS = frozenset({BYLINE, DATE_LINE, AUTHOR_NAME})
_NAME_CONNECTORS = frozenset({"the", "of", "and", "&", "for", "de", "la", "le", "du", "on", "in", "at", "a"})


def body_start(labels: Sequence[str | None], classes: Sequence[str], rules: Rules) -> int:
    """Index of the first prose line that has more prose close after it (else the first prose line)."""
    window = rules.section("title")["body_run_window"]
    prose = [i for i in range(len(labels)) if labels[i] is None and classes[i] == GOOD]
    for k, i in enumerate(prose[:-1]):
        if prose[k + 1] - i <= window:
            return i
    return prose[0] if prose else len(labels)


def is_headline_like(f: Features, rules: Rules) -> bool:
    cfg = rules.section("title")
    if not cfg["min_words"] <= f.n_words <= cfg["max_words"] or f.n_chars > cfg["max_chars"]:
        return False
    if f.markup or f.media or f.nav:
        return False
    # A headline doesn't end with a full stop (prose does); "?" and "!" are fine.
    if f.norm.rstrip("\"')]").endswith(".") and not f.norm.endswith("..."):
        return False
    words = f.norm.split()
    sections = sum(1 for w in words if w.strip(",.:|") in rules.section_words)
    return not (words and sections / len(words) > rules.section("title")["section_max_share"])


def pick_title(
    feats: Sequence[Features], labels: Sequence[str | None], classes: Sequence[str], texts: Sequence[str], rules: Rules
) -> int | None:
    """Index of the headline unit, or None (a page that opens straight into prose has none)."""
    cfg = rules.section("title")
    n = len(feats)
    start = body_start(labels, classes, rules)
    head = [i for i in range(start) if labels[i] is None or _kicker(i, feats, labels, rules)]
    # an organisation's name on its own ("Example Geological Survey") is a masthead or contact line, not a headline
    candidates = [i for i in head if is_headline_like(feats[i], rules) and not organisation_line(texts[i], rules)]
    if not candidates and start < n and is_headline_like(feats[start], rules):
        candidates = [start]  # a long headline that reads like prose ("Why ... ?")
    if not candidates:
        return None
    counts: dict[str, int] = {}
    for i in head:
        counts[feats[i].norm] = counts.get(feats[i].norm, 0) + 1
    cand_set = set(candidates)
    best, best_score = None, None
    for i in candidates:
        f = feats[i]
        score = 0
        if f.n_words >= cfg["long_words"]:
            score += cfg["long_bonus"]
        if f.n_words >= cfg["longer_words"]:
            score += cfg["longer_bonus"]
        if _shouted(f):
            score -= cfg["all_caps_penalty"]
        after = range(i + 1, min(n, i + 1 + cfg["near_distance"]))
        if any(labels[j] in _META_LABELS for j in after):
            score += cfg["near_meta"]
        if start in after:
            score += cfg["near_body"]
        if counts.get(f.norm, 0) > 1:
            score += cfg["repeated_in_head"]
        if labels[i] is not None:
            score -= cfg["kicker_penalty"]
        beside_meta = any(0 <= j < n and labels[j] in _META_LABELS for j in (i - 1, i + 1))
        if beside_meta and f.n_words <= cfg["name_only_max_words"] and bare_name(texts[i], rules):
            score -= cfg["name_only_penalty"]  # "Jane Doe" right above a date line is a byline without "By"
        if any(mark in texts[i] for mark in cfg["separator_marks"]):
            score -= cfg["separator_penalty"]
        run = _run_length(i, cand_set, feats)
        if run >= cfg["list_run"]:
            score -= cfg["list_penalty"]
        if any(0 <= j < n and feats[j].norm == f.norm for j in (i - 1, i + 1)):
            score -= cfg["adjacent_repeat_penalty"]
        elif i - 1 in cand_set and run < cfg["list_run"] and _reads_as_dek(f, feats[i - 1], rules) and _plain_headline(
            i - 1, feats, labels, texts, rules
        ):
            score -= cfg["dek_penalty"]
        if best_score is None or score > best_score:
            best, best_score = i, score
    return best


def _reads_as_dek(f: Features, above: Features, rules: Rules) -> bool:
    """Longer than the line above and worded like a sentence: a standfirst, not the (terse) headline."""
    return f.n_words > above.n_words and f.stop_density >= rules.section("title")["dek_min_stop_density"]


def _plain_headline(j: int, feats: Sequence[Features], labels: Sequence[str | None], texts: Sequence[str], rules: Rules) -> bool:
    """A headline-like line that is no label of another kind: not a kicker, breadcrumb, archive label or SHOUTED section."""
    cfg = rules.section("title")
    f = feats[j]
    return (
        labels[j] is None
        and not _shouted(f)
        and not any(mark in texts[j] for mark in cfg["separator_marks"])
        and not f.norm.startswith(tuple(cfg["label_openers"]))
    )


def _kicker(i: int, feats: Sequence[Features], labels: Sequence[str | None], rules: Rules) -> bool:
    f = feats[i]
    return labels[i] == MARKER and f.prefix_marker and f.n_words >= rules.section("title")["kicker_min_words"]


def pick_masthead(
    feats: Sequence[Features], labels: Sequence[str | None], title_index: int | None, texts: Sequence[str], rules: Rules
) -> tuple[int, str] | None:
    """(index, name) of the outlet name printed above the headline, if the page shows one.

    A short proper-name line ("The Daily Ledger", "LANTERN") in the head, not
    one item of a vertical menu. It counts when it opens the page, or when the
    page prints the name again lower down (a photo credit, "told X").
    """
    cfg = rules.section("masthead")
    stop = title_index if title_index is not None else min(len(feats), 12)
    for i in range(stop):
        if labels[i] is not None or not _name_like(texts[i], feats[i], rules, cfg["max_words"]):
            continue
        if _in_menu(i, feats, cfg["menu_item_words"]):
            continue
        if i < cfg["first_lines"] or _printed_again(texts[i], i, texts):
            return i, texts[i]
    return None


def _name_like(text: str, f: Features, rules: Rules, max_words: int) -> bool:
    toks = text.split()
    if not 1 <= len(toks) <= max_words or f.terminal or f.nav or f.markup or f.media:
        return False
    if any(c in text for c in "|·•/»>:"):
        return False  # "News|Politics" is a breadcrumb
    common = rules.section_words | rules.stopwords
    if all(t.lower().strip(".,:") in common for t in toks):
        return False
    if any(not (t[:1].isupper() or t.lower() in _NAME_CONNECTORS) for t in toks):
        return False
    if len(toks) == 1 and not _stylised(toks[0]):
        return False  # "Companies", "About": a menu word; one-word mastheads are styled ("LANTERN", "ByteLine")
    return toks[0][:1].isupper() and any(c.isalpha() for c in text)


def _stylised(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and (all(c.isupper() for c in letters) or any(c.isupper() for c in letters[1:]))


def _in_menu(i: int, feats: Sequence[Features], item_words: int) -> bool:
    """Both neighbours are one- or two-word lines: an item of a vertical menu."""
    neighbours = [feats[j] for j in (i - 1, i + 1) if 0 <= j < len(feats)]
    return len(neighbours) == 2 and all(0 < f.n_words <= item_words for f in neighbours)


def _printed_again(name: str, index: int, texts: Sequence[str]) -> bool:
    """The name appears inside another line, capitalised as a name ("told Iberia Today", "/Lantern)")."""
    forms = {name, name.title()}
    for k, text in enumerate(texts):
        if k == index:
            continue
        for form in forms:
            pos = text.find(form)
            while pos > 0:
                before, after = text[pos - 1], text[pos + len(form):pos + len(form) + 1]
                if not before.isalnum() and not after.isalnum():
                    return True
                pos = text.find(form, pos + 1)
    return False


def _shouted(f: Features) -> bool:
    return f.upper_share > 0.9


def _run_length(i: int, cand_set: set[int], feats: Sequence[Features]) -> int:
    """Consecutive distinct headline-like lines around ``i`` (a repeated headline counts once)."""
    lo = i
    while lo - 1 in cand_set:
        lo -= 1
    hi = i
    while hi + 1 in cand_set:
        hi += 1
    return len({feats[k].norm for k in range(lo, hi + 1)})

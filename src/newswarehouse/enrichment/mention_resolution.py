"""In-article resolution: which mentions of one article name the same thing.

Mentions are grouped (union-find, deterministic) by rules that hold in any
English news text; each group's fullest form becomes every member's
``resolved_text``:

* same comparison key (``Kim Jong-un`` = ``Kim Jong Un``);
* one gazetteer entry (``U.S.``, ``Washington`` -> ``United States``);
* a person's short form joins the full name it abbreviates: surname
  (``Sullivan``), family name written first (``Kim``), first and last name
  without the middle one, initials (``J. Sullivan``); the nearest preceding
  full name wins, else the first following one;
* an acronym joins its expansion, when the article defines it
  (``Democratic People's Republic of Korea (DPRK)``) or when it spells the
  initials of another name in the article (``UN`` after ``United Nations``);
* a shorter organisation name that ends a longer one (``Security Council``);
* a plural demonym joins its singular (``Ukrainians`` -> ``Ukrainian``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from newswarehouse.enrichment.mention_spans import Candidate, abbreviates
from newswarehouse.enrichment.mention_types import group_type
from newswarehouse.enrichment.mention_vocab import MentionRules, name_key, word_key

_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,8}$|^[A-Z][A-Z&.-]*[A-Z]\.?$")
_DEFINITION_AFTER = re.compile(r"^\s*\(\s*((?:[A-Z]\.?){2,8}|[A-Z][A-Za-z&.-]{1,10}[A-Z])\s*\)")


@dataclass(frozen=True)
class Resolved:
    resolved_text: str
    entity_type: str


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the earlier mention is the root: grouping never depends on visiting order
            self.parent[max(ra, rb)] = min(ra, rb)


def acronym_letters(text: str) -> str | None:
    """``U.N.`` -> ``UN``; None when ``text`` is not written like an acronym."""
    compact = text.strip()
    if not _ACRONYM.match(compact):
        return None
    letters = re.sub(r"[^A-Za-z]", "", compact).upper()
    return letters if 2 <= len(letters) <= 8 else None


def initials(text: str, rules: MentionRules) -> set[str]:
    """Initials of a name, without and with its function words."""
    words = [w for w in re.split(r"[\s\-–/]+", text) if w and w[0].isalpha()]
    content = "".join(w[0] for w in words if word_key(w) not in rules.function_words).upper()
    every = "".join(w[0] for w in words).upper()
    return {content, every} - {""}


def acronym_definitions(cands: Sequence[Candidate], body: str, rules: MentionRules) -> dict[str, int]:
    """Acronyms the article defines, "Full Name (FN)": acronym letters -> index of the full name."""
    out: dict[str, int] = {}
    for i, c in enumerate(cands):
        if c.label == "PERSON" or len(c.key(body).split()) < 2:
            continue
        m = _DEFINITION_AFTER.match(body[c.end : c.end + 24])
        if not m:
            continue
        letters = acronym_letters(m.group(1))
        if letters and letters in initials(c.text(body), rules):
            out.setdefault(letters, i)
    return out


def resolve(
    cands: Sequence[Candidate], body: str, rules: MentionRules, evidence: Sequence[tuple[str, int]]
) -> list[Resolved]:
    """One ``Resolved`` per candidate; ``evidence`` holds each one's (type, strength) for the group's type vote."""
    n = len(cands)
    uf = _UnionFind(n)
    keys = [c.key(body) for c in cands]
    words = [_name_words(k, rules) for k in keys]

    def join_all(groups: dict) -> None:
        for members in groups.values():
            for m in members[1:]:
                uf.union(members[0], m)

    same_key: dict[str, list[int]] = {}
    same_place: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        same_key.setdefault(keys[i], []).append(i)
        if c.gazetteer is not None:
            same_place.setdefault(f"{c.gazetteer.entity_type}:{name_key(c.gazetteer.canonical)}", []).append(i)
    join_all(same_key)
    join_all(same_place)

    defined = acronym_definitions(cands, body, rules)
    for i, c in enumerate(cands):
        letters = acronym_letters(c.text(body))
        if letters is None or c.label == "PERSON":
            continue
        if letters in defined:
            uf.union(i, defined[letters])
            continue
        if c.gazetteer is not None:
            continue
        spelled = [
            j
            for j, o in enumerate(cands)
            if j != i and o.label != "PERSON" and len(words[j]) >= 2 and letters in initials(o.text(body), rules)
        ]
        if spelled:
            uf.union(i, _nearest(i, spelled, cands))

    fulls = [i for i, c in enumerate(cands) if c.label == "PERSON" and len(words[i]) >= 2]
    for i, c in enumerate(cands):
        if c.label != "PERSON" or len(keys[i]) < rules.min_short_form_chars:
            continue
        scored: dict[int, list[int]] = {}
        for j in fulls:
            score = _short_form_score(words[i], words[j])
            if score:
                scored.setdefault(score, []).append(j)
        if scored:
            uf.union(i, _nearest(i, scored[max(scored)], cands))

    for i, c in enumerate(cands):
        if c.label == "PERSON" or c.gazetteer is not None:
            continue
        longer = [
            j
            for j, o in enumerate(cands)
            if o.label == c.label
            and len(words[j]) > len(words[i]) >= 2
            and words[j][-len(words[i]) :] == words[i]
        ]
        longer += [j for j, o in enumerate(cands) if o.label == c.label and abbreviates(words[i], words[j])]

        if longer:
            uf.union(i, _nearest(i, longer, cands))
        if c.label == "NORP" and keys[i].endswith("s"):
            singular = [j for j, o in enumerate(cands) if o.label == "NORP" and keys[j] == keys[i][:-1]]
            if singular:
                uf.union(i, singular[0])

    for i, c in enumerate(cands):
        # "Valdris" after "Valdris Logistics": a company or club without its designator
        if c.gazetteer is not None or (evidence[i][0] == "PERSON" and evidence[i][1] > 1):
            continue
        dropped = [
            j
            for j, o in enumerate(cands)
            if o.label == "ORG"
            and len(words[j]) > len(words[i])
            and words[j][: len(words[i])] == words[i]
            and all(w in rules.droppable for w in words[j][len(words[i]) :])
        ]
        if dropped:
            uf.union(i, _nearest(i, dropped, cands))

    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)
    out: list[Resolved | None] = [None] * n
    for members in groups.values():
        resolved = _representative(members, cands, keys, words, body, evidence)
        for m in members:
            out[m] = resolved
    return [r for r in out if r is not None]


def _name_words(key: str, rules: MentionRules) -> list[str]:
    parts = key.split()
    while len(parts) > 1 and parts[-1] in rules.name_suffixes:
        parts.pop()
    return parts


def _short_form_score(short: list[str], full: list[str]) -> int:
    """How well a person's short form fits a full name: 3 surname or initials, 2 first+last, 1 family name first."""
    if not short or len(short) >= len(full):
        return 3 if abbreviates(short, full) else 0
    if full[-len(short) :] == short:
        return 3
    if len(short) >= 2 and short[0] == full[0] and short[-1] == full[-1] and _is_subsequence(short, full):
        return 2
    if full[: len(short)] == short:
        return 1
    return 0


def _is_subsequence(short: list[str], full: list[str]) -> bool:
    it = iter(full)
    return all(any(w == f for f in it) for w in short)


def _nearest(i: int, options: list[int], cands: Sequence[Candidate]) -> int:
    """The closest preceding option, else the first following one."""
    before = [j for j in options if cands[j].start < cands[i].start]
    if before:
        return max(before, key=lambda j: cands[j].start)
    return min(options, key=lambda j: cands[j].start)


def _representative(
    members: list[int],
    cands: Sequence[Candidate],
    keys: list[str],
    words: list[list[str]],
    body: str,
    evidence: Sequence[tuple[str, int]],
) -> Resolved:
    places = Counter(cands[m].gazetteer for m in members if cands[m].gazetteer is not None)
    if places:
        # most frequent entry; ties go to the one seen first (Counter keeps insertion order)
        entry = places.most_common(1)[0][0]
        return Resolved(entry.canonical, entry.entity_type)
    key_counts = Counter(keys[m] for m in members)

    def fullness(m: int) -> tuple:
        text = cands[m].text(body)
        return (
            acronym_letters(text) is None,
            len(words[m]),
            key_counts[keys[m]],
            -cands[m].start,
        )

    best = max(members, key=fullness)
    return Resolved(" ".join(cands[best].text(body).split()), group_type(members, evidence, cands[best].label))

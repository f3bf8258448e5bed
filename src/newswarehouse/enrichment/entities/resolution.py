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
* a plural demonym joins its singular (``Ukrainians`` -> ``Ukrainian``);
* short forms without a droppable tail (``Kellan`` for ``Kellan Spaceport``,
  ``Brenner Tools`` for ``Brenner Tools & Rubber Co.``), a lone designator
  (``the Council``), ``<designator> of <name>`` -> ``<name>``, words strictly
  inside a longer organisation name, a clipped state (``Calif.``), a leading
  year (``2031 Harvest Games``);
* a second name in brackets, between long dashes or in quotes right after a
  name (``Army East (Ninth Army)``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newswarehouse.enrichment.entities.index import nearest
from newswarehouse.enrichment.entities.spans import Candidate, abbreviates
from newswarehouse.enrichment.entities.type_evidence import group_type
from newswarehouse.enrichment.entities.vocab import MentionRules, name_key, word_key

_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,8}$|^[A-Z][A-Z&.-]*[A-Z]\.?$")
# gap + NUL + what follows the second name: brackets, a pair of long dashes, quote marks
_APPOSITION = re.compile(r"^(?:\s*\(\s*\0\s*\)|\s+[—–]\s+\0\s+[—–]|\s*[“\"]\0[,.]?[”\"])")
_CLIPPED = re.compile(r"^[A-Z][a-z]{1,4}\.$")
_YEAR = re.compile(r"^(?:1[89]|2[01])\d\d (?=\S)")
_DOTTED = re.compile(r"^(?:[A-Z]\.){2,}$")
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
    """Initials of a name, without and with its function words; a dotted abbreviation gives all its letters.

    Also those of the name without a leading place ("U.S. Environmental Protection
    Agency" -> EPA), of what follows its first "of" ("Department of Health and
    Human Services" -> HHS) and of what precedes its last "and": acronyms often leave
    them out.
    """
    words = [w for w in re.split(r"[\s\-–/]+", text) if w and w[0].isalpha()]
    out = _initials_of(words, rules)
    if len(words) >= 3 and (_DOTTED.match(words[0]) or name_key(words[0]) in rules.gazetteer):
        out |= _initials_of(words[1:], rules)
    keys = [word_key(w) for w in words]
    if "of" in keys and 0 < keys.index("of") < len(words) - 2:
        out |= _initials_of(words[keys.index("of") + 1 :], rules)
    # a coordinated tail acronyms often leave out: "Centers for Disease Control and Prevention" -> CDC
    last_and = max((i for i, k in enumerate(keys) if k in ("and", "&")), default=0)
    if last_and >= 3:
        out |= {i for i in _initials_of(words[:last_and], rules) if len(i) >= 3}
    return out


def _initials_of(words: list[str], rules: MentionRules) -> set[str]:
    def first(w: str) -> str:
        return re.sub(r"[^A-Za-z]", "", w) if _DOTTED.match(w) else w[0]

    content = "".join(first(w) for w in words if word_key(w) not in rules.function_words).upper()
    every = "".join(first(w) for w in words).upper()
    return {content, every} - {""}


def acronym_definitions(cands: Sequence[Candidate], body: str, rules: MentionRules) -> dict[str, int]:
    """Acronyms the article defines, "Full Name (FN)": acronym letters -> index of the (first) full name."""
    return {letters: defs[0] for letters, defs in acronym_definers(cands, body, rules).items()}


def acronym_definers(cands: Sequence[Candidate], body: str, rules: MentionRules) -> dict[str, list[int]]:
    """Acronym letters -> indices of every full name defining it, in order (first definition first)."""
    out: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        if c.label == "PERSON" or len(c.key(body).split()) < 2:
            continue
        m = _DEFINITION_AFTER.match(body[c.end : c.end + 24])
        if not m:
            continue
        letters = acronym_letters(m.group(1))
        if letters and letters in initials(c.text(body), rules):
            out.setdefault(letters, []).append(i)
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
        # an event or body with its year is the same name ("2031 Harvest Games" = "Harvest Games")
        same_key.setdefault(_YEAR.sub("", keys[i]) if c.label != "PERSON" else keys[i], []).append(i)
        if c.gazetteer is not None:
            same_place.setdefault(f"{c.gazetteer.entity_type}:{name_key(c.gazetteer.canonical)}", []).append(i)
    join_all(same_key)
    join_all(same_place)

    # Each rule below finds its partners through an index of the mentions (by
    # initials, suffix, prefix...) and the nearest one by bisection: no mention is
    # compared with every other. Index lists hold mention indices in body order.
    defined = acronym_definitions(cands, body, rules)
    spelling: dict[str, list[int]] = {}
    for j, o in enumerate(cands):
        if o.label != "PERSON" and len(words[j]) >= 2:
            for letters in initials(o.text(body), rules):
                spelling.setdefault(letters, []).append(j)
    for i, c in enumerate(cands):
        letters = acronym_letters(c.text(body))
        if letters is None or c.label == "PERSON":
            continue
        if letters in defined:
            uf.union(i, defined[letters])
            continue
        if c.gazetteer is not None:
            continue
        _join_nearest(uf, i, [spelling.get(letters, [])])

    people = _NameIndex(i for i, c in enumerate(cands) if c.label == "PERSON" and len(words[i]) >= 2)
    people.build(words)
    for i, c in enumerate(cands):
        if c.label != "PERSON" or len(keys[i]) < rules.min_short_form_chars:
            continue
        _join_nearest(uf, i, people.fullest_matches(words[i]))

    by_label: dict[str, _NameIndex] = {}
    for j, o in enumerate(cands):
        if o.label not in by_label:
            by_label[o.label] = _NameIndex()
        by_label[o.label].members.append(j)
    for index in by_label.values():
        index.build(words)
    first_norp: dict[str, int] = {}
    for j, o in enumerate(cands):
        if o.label == "NORP":
            first_norp.setdefault(keys[j], j)
    for i, c in enumerate(cands):
        if c.label == "PERSON" or c.gazetteer is not None:
            continue
        same = by_label[c.label]
        longer = same.abbreviated_by(words[i])
        if len(words[i]) >= 2:
            longer.append(same.suffixes.get(tuple(words[i]), []))
        _join_nearest(uf, i, longer)
        if c.label == "NORP" and keys[i].endswith("s"):
            singular = first_norp.get(keys[i][:-1])
            if singular is not None:
                uf.union(i, singular)

    # ORG names by what is left once trailing droppable words go ("Valdris Logistics" -> "valdris")
    cores: dict[tuple[str, ...], list[int]] = {}
    for j, o in enumerate(cands):
        if o.label == "ORG":
            k = len(words[j]) - 1
            while k >= 0 and words[j][k] in rules.droppable:
                cores.setdefault(tuple(words[j][:k]), []).append(j)
                k -= 1
    for j, o in enumerate(cands):
        if o.label == "PERSON" or o.gazetteer is not None:
            continue
        for core in _short_cores(o.text(body), words[j], o.label, rules):
            cores.setdefault(core, []).append(j)
    # "Church of Vantology" -> "Vantology": a body named "<designator> of <name>"; never a place
    # ("University of Chicago" is not "Chicago": the short form must not be typed as a place)
    of_names: dict[tuple[str, ...], list[int]] = {}
    for j, o in enumerate(cands):
        w = words[j]
        if o.label == "ORG" and len(w) >= 3 and w[1] == "of" and rules.designators.get(w[0]) == "ORG":
            of_names.setdefault(tuple(w[2:]), []).append(j)
    for i, c in enumerate(cands):
        if c.label not in ("GPE", "PERSON") and c.gazetteer is None and tuple(words[i]) in of_names:
            _join_nearest(uf, i, [of_names[tuple(words[i])]])
    for members in cores.values():
        members.sort()
    for i, c in enumerate(cands):
        # "Valdris" after "Valdris Logistics": a company or club without its designator
        if c.gazetteer is not None or (evidence[i][0] == "PERSON" and evidence[i][1] > 1):
            continue
        _join_nearest(uf, i, [[j for j in cores.get(tuple(words[i]), []) if j != i]])

    # a place cut short with a full stop ("Calif." for California, "Ga." for Georgia)
    places: dict[str, list[int]] = {}
    for j, o in enumerate(cands):
        if o.label == "GPE" and len(words[j]) == 1 and len(keys[j]) >= 4:
            places.setdefault(keys[j][0], []).append(j)
    for i, c in enumerate(cands):
        text = c.text(body)
        if c.label != "PERSON" and _CLIPPED.match(text) and len(keys[i]) >= 2:
            clipped = list(keys[i])
            _join_nearest(
                uf, i, [[j for j in places.get(clipped[0], []) if j != i and _is_subsequence(clipped, list(keys[j]))]]
            )

    # a lone designator word names the nearest body it heads ("the Council", "the Church")
    heads: dict[str, list[int]] = {}
    for j, o in enumerate(cands):
        if o.label in ("ORG", "LOC", "FAC", "EVENT") and len(words[j]) >= 2:
            for head in {words[j][-1], *_heads_before_of(words[j])}:
                heads.setdefault(head, []).append(j)
    for i, c in enumerate(cands):
        if (
            len(words[i]) == 1
            and words[i][0] in rules.designators
            and words[i][0] not in rules.standalone_bodies
            and c.gazetteer is None
        ):
            _join_nearest(uf, i, [heads.get(words[i][0], [])])

    # two or more inner words of a longer organisation name ("Tamil Tigers" in "Liberation
    # Tamil Tigers of Eelam"), when nothing stronger than spaCy's guess types the short form
    inner: dict[tuple[str, ...], list[int]] = {}
    for j, o in enumerate(cands):
        w = words[j]
        if o.label == "ORG" and 3 <= len(w) <= 8 and o.gazetteer is None:
            # strictly inside: a leading part is often a body of its own ("White House" in
            # "White House National Security Council"), a trailing one is a suffix rule's job
            for a in range(1, len(w)):
                for b in range(a + 2, len(w)):
                    inner.setdefault(tuple(w[a:b]), []).append(j)
    for i, c in enumerate(cands):
        if len(words[i]) >= 2 and c.gazetteer is None and evidence[i][1] <= 1 and tuple(words[i]) in inner:
            _join_nearest(uf, i, [[j for j in inner[tuple(words[i])] if j != i]])

    # a second name set off right after the first: "Army North (Fifth Army)",
    # "Crown Relations — Te Arawhiti —", a unit's nickname '2nd Squadron “Sabre,”'
    for i in range(n - 1):
        a, b = cands[i], cands[i + 1]
        gap, after = body[a.end : b.start], body[b.end : b.end + 3]
        if not _APPOSITION.match(gap + "\0" + after):
            continue
        if (a.label == "PERSON") != (b.label == "PERSON") or (a.gazetteer is None) != (b.gazetteer is None):
            continue
        if acronym_letters(b.text(body)) is None:
            uf.union(i, i + 1)

    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)
    out: list[Resolved | None] = [None] * n
    for members in groups.values():
        resolved = _representative(members, cands, keys, words, body, evidence)
        for m in members:
            out[m] = resolved
    return [r for r in out if r is not None]


def _short_cores(text: str, words: list[str], label: str, rules: MentionRules) -> set[tuple[str, ...]]:
    """Shorter forms of a place or outlet name: without a trailing droppable phrase
    ("Kellan Spaceport" -> "kellan"), or, for a company, without its "& ... Co." tail
    ("Brenner Tools & Rubber Co." -> "brenner tools")."""
    out = set()
    for phrase in rules.droppable_phrases:
        n = len(phrase)
        # the core must be a name: "Army News Service" is not "the Army"
        if len(words) > n and tuple(words[-n:]) == phrase and not set(words[:-n]) <= rules.designators.keys():
            out.add(tuple(words[:-n]))
    if label == "ORG" and words and words[-1] in rules.droppable:
        m = re.search(r"\s(?:&|and)\s", text)
        if m is not None:
            left = name_key(text[: m.start()]).split()
            if left and len(left) < len(words):
                out.add(tuple(left))
    return out


def _heads_before_of(words: list[str]) -> list[str]:
    """The word before the first "of"/"for" ("church" in "Church of ...")."""
    for k, w in enumerate(words[1:], start=1):
        if w in ("of", "for"):
            return [words[k - 1]]
    return []


def _name_words(key: str, rules: MentionRules) -> list[str]:
    parts = key.split()
    while len(parts) > 1 and parts[-1] in rules.name_suffixes:
        parts.pop()
    return parts


def _short_form_score(short: list[str], full: list[str]) -> int:
    """How well a person's short form fits a full name: 3 surname or initials, 2 first+last, 1 family name first.

    ``_NameIndex.fullest_matches`` finds the best-scoring names by lookups; this is its specification.
    """
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


class _NameIndex:
    """Mentions (indices in body order) filed by the word tuples a shorter form of their name could match."""

    def __init__(self, members: Iterable[int] = ()) -> None:
        self.members = list(members)
        self.by_words: dict[tuple[str, ...], list[int]] = {}
        self.suffixes: dict[tuple[str, ...], list[int]] = {}  # proper suffixes
        self.prefixes: dict[tuple[str, ...], list[int]] = {}  # proper prefixes
        self.by_initials: dict[tuple[int, tuple[str, ...]], list[tuple[str, ...]]] = {}
        self.by_ends: dict[tuple[str, str], list[tuple[str, ...]]] = {}  # (first word, last word)

    def build(self, words: Sequence[list[str]]) -> None:
        for j in self.members:
            name = tuple(words[j])
            if name not in self.by_words:
                self.by_words[name] = []
                self.by_initials.setdefault((len(name), tuple(w[0] for w in name)), []).append(name)
                if name:
                    self.by_ends.setdefault((name[0], name[-1]), []).append(name)
            self.by_words[name].append(j)
            for n in range(1, len(name)):
                self.suffixes.setdefault(name[-n:], []).append(j)
                self.prefixes.setdefault(name[:n], []).append(j)

    def abbreviated_by(self, short: list[str]) -> list[list[int]]:
        """Mentions whose name ``short`` abbreviates word for word (``abbreviates``), one list per name."""
        names = self.by_initials.get((len(short), tuple(w[0] for w in short)), [])
        return [self.by_words[n] for n in names if abbreviates(short, list(n))]

    def fullest_matches(self, short: list[str]) -> list[list[int]]:
        """The mentions with the best positive ``_short_form_score(short, name)``, as lists in body order."""
        if not short:
            return []
        best = self.abbreviated_by(short)
        if tuple(short) in self.suffixes:
            best.append(self.suffixes[tuple(short)])
        if best:
            return best
        if len(short) >= 2:
            best = [
                self.by_words[n]
                for n in self.by_ends.get((short[0], short[-1]), [])
                if len(n) > len(short) and _is_subsequence(short, list(n))
            ]
            if best:
                return best
        return [self.prefixes[tuple(short)]] if tuple(short) in self.prefixes else []


def _join_nearest(uf: _UnionFind, i: int, options: Iterable[Sequence[int]]) -> None:
    """Join ``i`` with the closest preceding option, else the first following one (if any)."""
    j = nearest(i, options)
    if j is not None:
        uf.union(i, j)


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
    # "(Anton) Velikov" is written with brackets; the name is "Anton Velikov"
    text = " ".join(cands[best].text(body).replace("(", " ").replace(")", " ").split())
    return Resolved(text, group_type(members, evidence, cands[best].label))

"""Candidate mention spans: spaCy's entities, trimmed, re-typed and repaired.

spaCy's small English model gets most names right but makes a handful of
systematic mistakes in news text; each rule here fixes one of them from the
vocabularies in ``data/`` rather than from names:

* determiners, honorifics, possessives and role titles inside a span
  ("the Kremlin", "Mr. Kim", "North Korea's", "President Vladimir Putin");
* role words tagged as organisations ("Defense" in "Defense Minister ...");
* country, capital and demonym names with the wrong type (gazetteer);
* "<person> administration" (an ORG) and "the <demonym> peninsula" (a LOC);
* Title-Case Headlines, where capitalised common words become names: an
  entity there is kept only when the rest of the article (or the gazetteer)
  confirms it, and a span gluing known names is split into them;
* an outlet's own dateline credit ("(Agency) - ...") is not a mention.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from newswarehouse.enrichment.entities.vocab import (
    GazetteerEntry,
    MentionRules,
    name_key,
    word_key,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# used with ``match(body, line_start, end)``: anchored at the line start without slicing the line
_DATELINE_BEFORE = re.compile(r"[A-Z][A-Z .,'’-]*(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*\(\s*$|\(\s*$")
_DATELINE_AFTER = re.compile(r"^\s*\)\s*[-–—]")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_SCORE = re.compile(r"\s+\d+\s*[-–]\s*\d+$")
_YEAR_TOKEN = re.compile(r"^(?:1[89]|20)\d\d$")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
_NUMBERLESS = frozenset({"PERSON", "GPE", "NORP", "LOC"})


class KnownNames(Protocol):
    def get(self, surface: str) -> str | None: ...


@dataclass
class Candidate:
    """A mention in the making; ``start``/``end`` index ``doc.text``."""

    start: int
    end: int
    label: str
    title: str | None = None
    headline: bool = False
    gazetteer: GazetteerEntry | None = None
    origin: str = "spacy"  # spacy, honorific, acronym, repeat, split

    def text(self, body: str) -> str:
        return body[self.start : self.end]

    def key(self, body: str) -> str:
        return name_key(body[self.start : self.end])


class TokenIndex:
    """Character offset -> spaCy token (or line start), for rules that look at neighbouring words."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        # ``Doc.text`` joins every token on each access: read it once
        self.text = doc.text
        # one pass over the tokens (each access builds a Token object): offsets and texts
        self.starts: list[int] = []
        self.texts: list[str] = []
        for t in doc:
            self.starts.append(t.idx)
            self.texts.append(t.text)
        self._newlines = [m.start() for m in re.finditer("\n", self.text)]

    def line_start(self, char: int) -> int:
        """Offset of the first character of the line holding ``char``."""
        i = bisect.bisect_left(self._newlines, char)
        return self._newlines[i - 1] + 1 if i > 0 else 0

    def at(self, char: int) -> int | None:
        """Index of the token containing ``char``."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i < 0:
            return None
        tok = self.doc[i]
        return i if char < tok.idx + len(tok.text) else None

    def tokens(self, start: int, end: int) -> list[Token]:
        lo = bisect.bisect_left(self.starts, start)
        if lo > 0 and self.doc[lo - 1].idx + len(self.doc[lo - 1].text) > start:
            lo -= 1
        hi = bisect.bisect_left(self.starts, end)
        return [t for t in self.doc[lo:hi] if not t.is_space]

    def next_token(self, end: int) -> Token | None:
        i = bisect.bisect_left(self.starts, end)
        while i < len(self.doc) and self.doc[i].is_space and "\n" not in self.doc[i].text:
            i += 1
        if i >= len(self.doc) or "\n" in self.doc[i].text or "\n" in self.text[end : self.doc[i].idx]:
            return None
        return self.doc[i]

    def previous_token(self, start: int) -> Token | None:
        i = bisect.bisect_left(self.starts, start) - 1
        if i < 0 or self.doc[i].is_space or "\n" in self.text[self.doc[i].idx : start]:
            return None
        return self.doc[i]


def _is_punct(text: str, rules: MentionRules) -> bool:
    return bool(text) and all(c in rules.edge_punctuation or c.isspace() for c in text)


def title_prefix_length(words: list[str], rules: MentionRules) -> int:
    """How many of ``words`` (from the left) form a role title: a known phrase, or modifiers ending in a head."""
    keys = [word_key(w) for w in words]
    for phrase in rules.title_phrases:
        if tuple(keys[: len(phrase)]) == phrase:
            return len(phrase)
    length = 0
    for i, key in enumerate(keys):
        if key in rules.title_heads:
            length = i + 1
        elif key not in rules.title_modifiers:
            break
    return length


# ---------------------------------------------------------------- raw spans


def spacy_candidates(doc: Doc, rules: MentionRules) -> list[Candidate]:
    """spaCy's kept entities, cut at line breaks and caption separators ("Name/Agency")."""
    out: list[Candidate] = []
    text = doc.text
    for ent in doc.ents:
        if ent.label_ not in rules.kept_types:
            continue
        pieces = [(ent.start_char, ent.end_char)]
        for sep in ["\n", *rules.split_characters, *rules.split_strings]:
            split: list[tuple[int, int]] = []
            for s, e in pieces:
                cursor = s
                for m in re.finditer(re.escape(sep), text[s:e]):
                    split.append((cursor, s + m.start()))
                    cursor = s + m.end()
                split.append((cursor, e))
            pieces = split
        out.extend(Candidate(s, e, ent.label_) for s, e in pieces if e > s)
    return out


def trim(cand: Candidate, body: str, tokens: TokenIndex, rules: MentionRules) -> Candidate | None:
    """Cut determiners, honorifics, role titles (PERSON only), possessives and edge punctuation."""
    toks = tokens.tokens(cand.start, cand.end)
    words = [t.text for t in toks]
    i, j = 0, len(toks)
    while i < j:
        key = word_key(words[i])
        if _is_punct(words[i], rules) or key in rules.determiners or key in rules.honorifics:
            i += 1
            continue
        if cand.label == "PERSON":
            n = title_prefix_length(words[i:j], rules)
            # "Pope Francis", "Prince Harry": a regnal title is part of the name
            regnal = n == 1 and key in rules.name_titles
            if n and not regnal and i + n < j and words[i + n][:1].isupper():
                i += n
                continue
        break
    while j > i and (
        words[j - 1] in rules.possessives
        or _is_punct(words[j - 1], rules)
        # an age glued to a name ("Smith 54")
        or (cand.label in _NUMBERLESS and words[j - 1].isdigit())
        # a common noun after the name ("Xinhua news agency"), unless it is part of it
        or (
            words[j - 1].isalpha()
            and words[j - 1].islower()
            and bool(toks[j - 2].whitespace_)  # not glued by a hyphen ("Jong-un")
            and word_key(words[j - 1]) not in rules.geo_heads
            and word_key(words[j - 1]) not in rules.person_org_heads
            and any(w[:1].isupper() for w in words[i : j - 1])
        )
    ):
        j -= 1
    if j <= i:
        return None
    start = max(toks[i].idx, cand.start)
    end = min(toks[j - 1].idx + len(toks[j - 1].text), cand.end)
    # a match score glued to a team ("Harlington Athletic 2-1")
    score = _SCORE.search(body[start:end])
    if score and score.start() > 0:
        end = start + score.start()
    for pos in rules.possessives:
        seg = body[start:end]
        if seg.endswith(pos) and len(seg) > len(pos):
            # a bare apostrophe is a possessive only after a plural "s" ("Koreans'")
            if len(pos) == 1 and not seg[:-1].endswith("s"):
                continue
            end -= len(pos)
            break
    while start < end and body[start] in rules.edge_punctuation:
        start += 1
    while end > start and (body[end - 1] in rules.edge_punctuation or body[end - 1].isspace()):
        end -= 1
    if end <= start:
        return None
    return Candidate(start, end, cand.label, origin=cand.origin)


def split_role(cand: Candidate, tokens: TokenIndex, rules: MentionRules) -> Candidate:
    """A role spaCy glued to a name it tagged as something else.

    "Superintendent of Rock Creek Park" -> the place; "Region Administrator Deb
    Szaro" -> the person after the role head (two or three capitalised words).
    """
    if cand.label == "PERSON":
        return cand
    toks = tokens.tokens(cand.start, cand.end)
    keys = [word_key(t.text) for t in toks]
    if " ".join(keys) in rules.title_phrase_keys:
        return cand
    n = title_prefix_length([t.text for t in toks], rules)
    if n and n + 2 < len(toks) and keys[n] == "of":
        k = n + 1 + (keys[n + 1] == "the")
        if len(toks) - k >= 2 and toks[k].text[:1].isupper():
            return Candidate(toks[k].idx, cand.end, cand.label, origin=cand.origin)
    # "Agency Region Administrator" + "Tamsin Orlo": the role ends the span, the name follows
    if len(toks) >= 2 and keys[-1] in rules.title_heads:
        k = len(toks)
        while k > 0 and rules.is_title_word(toks[k - 1].text):
            k -= 1
        nxt = tokens.next_token(cand.end)
        named_next = nxt is not None and nxt.text[:1].isupper()
        if 0 < k < len(toks) and named_next and keys[k - 1] not in rules.function_words:
            return Candidate(cand.start, toks[k - 1].idx + len(toks[k - 1].text), cand.label, origin=cand.origin)
    for k in range(len(toks) - 3, -1, -1):
        rest = toks[k + 1 :]
        if keys[k] in rules.title_heads and 2 <= len(rest) <= 3 and all(
            t.text[:1].isupper() and t.text.replace(".", "").isalpha()
            and word_key(t.text) not in rules.designators and not rules.is_title_word(t.text)
            for t in rest
        ):
            return Candidate(rest[0].idx, cand.end, "PERSON", origin=cand.origin)
    return cand


def extend_by_context(cand: Candidate, tokens: TokenIndex, rules: MentionRules) -> Candidate:
    """"<person> administration" is an ORG; "the <demonym/place> peninsula" is a LOC;
    a person's name goes on over lower-case particles ("Ursula von" + "der Leyen")."""
    if cand.label == "PERSON":
        cand = _extend_over_particles(cand, tokens, rules)
        prev = tokens.previous_token(cand.start)
        if prev is not None and prev.text[:1].isupper() and word_key(prev.text) in rules.name_titles:
            cand = Candidate(prev.idx, cand.end, cand.label, origin=cand.origin)
    cand = _extend_to_gazetteer(cand, tokens, rules)
    event = _event_around(cand, tokens, rules)
    if event is not None:
        return event
    if cand.label == "ORG":
        # a unit's ordinal tagged apart ("7th" + "Mission Support Group")
        prev = tokens.previous_token(cand.start)
        if prev is not None and _ORDINAL.match(prev.text):
            cand = Candidate(prev.idx, cand.end, cand.label, origin=cand.origin)
    nxt = tokens.next_token(cand.end)
    if nxt is None:
        return cand
    key = word_key(nxt.text)
    if cand.label == "PERSON" and key in rules.person_org_heads:
        return Candidate(cand.start, nxt.idx + len(nxt.text), "ORG", origin=cand.origin)
    if cand.label in ("NORP", "GPE") and key in rules.geo_heads and nxt.dep_ != "compound":
        prev = tokens.previous_token(cand.start)
        after = tokens.next_token(nxt.idx + len(nxt.text))
        if prev is not None and word_key(prev.text) == "the" and (after is None or word_key(after.text) != "of"):
            return Candidate(cand.start, nxt.idx + len(nxt.text), "LOC", origin=cand.origin)
    return cand


def _extend_to_gazetteer(cand: Candidate, tokens: TokenIndex, rules: MentionRules) -> Candidate:
    """"Central African" + "Republic": the next capitalised words complete a gazetteer name."""
    end = cand.end
    for _ in range(2):
        nxt = tokens.next_token(end)
        if nxt is None or not nxt.text[:1].isupper():
            return cand
        end = nxt.idx + len(nxt.text)
        if name_key(tokens.text[cand.start : end]) in rules.gazetteer:
            return Candidate(cand.start, end, "GPE", origin=cand.origin)
    return cand


def _event_around(cand: Candidate, tokens: TokenIndex, rules: MentionRules) -> Candidate | None:
    """"the 1984 Orrin Hill earthquake": a place between a year (or "the") and an event noun is an event."""
    if cand.label not in ("GPE", "LOC", "ORG", "FAC"):
        return None
    nxt = tokens.next_token(cand.end)
    if nxt is None or not nxt.text.islower() or word_key(nxt.text) not in rules.event_nouns:
        return None
    prev = tokens.previous_token(cand.start)
    if prev is not None and _YEAR_TOKEN.match(prev.text):
        return Candidate(prev.idx, nxt.idx + len(nxt.text), "EVENT", origin=cand.origin)
    if prev is not None and word_key(prev.text) == "the":
        return Candidate(cand.start, nxt.idx + len(nxt.text), "EVENT", origin=cand.origin)
    return None


def _extend_over_particles(cand: Candidate, tokens: TokenIndex, rules: MentionRules) -> Candidate:
    toks = tokens.tokens(cand.start, cand.end)
    # spaCy may already have eaten the particle ("Ursula von") or stopped before it ("Erik")
    if toks and toks[-1].text.islower() and toks[-1].text in rules.surname_particles:
        end = toks[-1].idx
        pending = True
    else:
        end = cand.end
        pending = False
    cursor = end if pending else cand.end
    probe = toks[-1] if pending else tokens.next_token(cursor)
    saw_particle = pending
    while probe is not None:
        if probe.text.islower() and probe.text in rules.surname_particles:
            saw_particle = True
        elif saw_particle and probe.text[:1].isupper() and probe.text.isalpha():
            return Candidate(cand.start, probe.idx + len(probe.text), cand.label, origin=cand.origin)
        else:
            break
        probe = tokens.next_token(probe.idx + len(probe.text))
    return cand


def split_leading_possessive(cand: Candidate, body: str, tokens: TokenIndex, rules: MentionRules) -> list[Candidate]:
    """"Norway's Ministry of Trade" is two names: the country and its ministry."""
    text = cand.text(body)
    m = re.search(r"['’]s\s+(?=[A-Z])", text)
    if m is None:
        return [cand]
    owner = text[: m.start()]
    if rules.gazetteer.get(name_key(owner)) is not None:
        label = "GPE"
    elif re.fullmatch(r"[A-Z]{2,8}", owner) and cand.label == "ORG":
        label = "ORG"  # "NASA's Velmont Institute": the agency and its institute
    else:
        return [cand]
    first = Candidate(cand.start, cand.start + m.start(), label, origin=cand.origin)
    rest = trim(Candidate(cand.start + m.end(), cand.end, cand.label, origin=cand.origin), body, tokens, rules)
    return [first] + ([rest] if rest is not None else [])


def split_trailing_place(cand: Candidate, body: str, rules: MentionRules) -> list[Candidate]:
    """"Alum Vale California": a town glued to its state or country without the comma."""
    text = cand.text(body)
    if cand.label not in ("GPE", "LOC", "FAC") or "," in text or rules.gazetteer.get(name_key(text)) is not None:
        return [cand]
    words = list(re.finditer(r"\S+", text))
    for k in range(1, len(words)):
        tail = text[words[k].start() :]
        entry = rules.gazetteer.get(name_key(tail))
        if entry is None or entry.kind not in ("country", "region"):
            continue
        head = text[: words[k - 1].end()]
        # a town of two or more capitalised words; never "Nazi Germany", "Northern Ireland"
        head_words = [w.group() for w in words[:k]]
        if (
            len(head_words) < 2
            or word_key(head_words[0]) in rules.compass_words
            or not all(w[:1].isupper() for w in head_words)
        ):
            return [cand]
        return [
            Candidate(cand.start, cand.start + len(head), "GPE", origin=cand.origin),
            Candidate(cand.start + words[k].start(), cand.end, "GPE", origin=cand.origin),
        ]
    return [cand]


def extend_possessive_name(cand: Candidate, body: str, rules: MentionRules) -> Candidate:
    """"Cook County State" + "'s Attorney's Office": a possessive chain of capitalised words ending in a designator."""
    m = re.match(r"(?:['’]s(?:\s+[A-Z][\w-]*)+)+", body[cand.end : cand.end + 80])
    if m is None:
        return cand
    last = word_key(m.group(0).split()[-1])
    if rules.designators.get(last) != "ORG":
        return cand
    return Candidate(cand.start, cand.end + m.end(), "ORG", origin=cand.origin)


def is_dateline_credit(cand: Candidate, body: str, tokens: TokenIndex) -> bool:
    """The outlet credit of a dateline, "(Agency) - ..." or "CITY (Agency) - ...", at a line start."""
    line_start = tokens.line_start(cand.start)
    return bool(_DATELINE_BEFORE.match(body, line_start, cand.start)) and bool(
        _DATELINE_AFTER.match(body[cand.end : cand.end + 8])
    )


def gazetteer_entry(key: str, rules: MentionRules) -> GazetteerEntry | None:
    """Exact gazetteer match, or one with initials for whole words ("N Korea", "S. Africa")."""
    entry = rules.gazetteer.get(key)
    if entry is not None:
        return entry
    parts = key.split()
    if len(parts) < 2 or not any(len(p) == 1 for p in parts) or all(len(p) == 1 for p in parts):
        return None
    for other, candidate_entry in rules.gazetteer.items():
        if candidate_entry.kind == "country" and abbreviates(parts, other.split()):
            return candidate_entry
    return None


def abbreviates(short: list[str], full: list[str]) -> bool:
    """``short`` spells ``full`` word for word, some words cut to their initial."""
    if len(short) != len(full) or short == full:
        return False
    return all(s == f or (len(s) == 1 and f.startswith(s)) for s, f in zip(short, full))


def title_before(cand: Candidate, tokens: TokenIndex, rules: MentionRules) -> str | None:
    """The role written right before a name: "National Security Advisor", "Russian President"."""
    span = title_span(cand, tokens, rules)
    return tokens.text[span[0] : span[1]] if span is not None else None


def title_span(cand: Candidate, tokens: TokenIndex, rules: MentionRules) -> tuple[int, int] | None:
    """Character range of the role written right before a name, or None."""
    doc = tokens.doc
    first = tokens.at(cand.start)
    if first is None or first == 0:
        return None
    j = first - 1
    if doc[j].is_space or "\n" in tokens.text[doc[j].idx : cand.start]:
        return None
    k: int | None = None
    # the keys of the words before the name, once, as far back as the longest phrase reaches
    longest = len(rules.title_phrases[0]) if rules.title_phrases else 0  # longest first
    keys = tuple(word_key(doc[x].text) for x in range(max(j - longest + 1, 0), j + 1))
    for phrase in rules.title_phrases:
        if len(phrase) <= len(keys) and keys[len(keys) - len(phrase) :] == phrase:
            k = j - len(phrase) + 1
            break
    if k is None:
        if word_key(doc[j].text) not in rules.title_heads:
            return None
        k = j
    while k > 0 and not doc[k].is_sent_start and _extends_title(doc, k - 1, rules):
        k -= 1
    return doc[k].idx, doc[j].idx + len(doc[j].text)


def _extends_title(doc: Doc, i: int, rules: MentionRules) -> bool:
    """May token ``i`` open the title that follows it ("Russian", "White House", "Russia's", "former")?"""
    t = doc[i]
    if t.is_space or "\n" in t.whitespace_:
        return False
    key = word_key(t.text)
    if key in rules.determiners or key in rules.honorifics:
        return False
    if key in rules.title_modifiers or key in rules.title_heads:
        return True
    if t.text in rules.possessives:
        return i >= 1 and doc[i - 1].text[:1].isupper()
    return t.text[:1].isupper() and (t.pos_ == "PROPN" or t.ent_type_ in rules.kept_types)


def is_role_only(cand: Candidate, body: str, tokens: TokenIndex, rules: MentionRules) -> bool:
    """A span made only of role words right before a role head ("Defense" in "Defense Minister")."""
    words = _WORD.findall(body[cand.start : cand.end])
    if not words or not all(rules.is_title_word(w) for w in words):
        return False
    nxt = tokens.next_token(cand.end)
    return nxt is not None and rules.is_title_word(nxt.text)


# ---------------------------------------------------------------- headlines


def headline_ranges(body: str, rules: MentionRules) -> list[tuple[int, int]]:
    """Character ranges of lines written as Title-Case Headings (not sentences)."""
    out = []
    cursor = 0
    for line in body.split("\n"):
        start, cursor = cursor, cursor + len(line) + 1
        words = _WORD.findall(line)
        if not words or len(words) > rules.headline_max_words or _SENTENCE_END.search(line):
            continue
        content = [w for w in words if word_key(w) not in rules.function_words]
        if len(content) < rules.headline_min_content_words:
            continue
        capitalised = sum(1 for w in content if w[:1].isupper())
        if capitalised / len(content) >= rules.headline_capitalised_share:
            out.append((start, start + len(line)))
    return out


def in_ranges(pos: int, ranges: list[tuple[int, int]], starts: list[int] | None = None) -> bool:
    """Is ``pos`` inside one of the sorted, disjoint ``ranges``? ``starts``: their starts, computed once."""
    i = bisect.bisect_right(starts if starts is not None else [r[0] for r in ranges], pos) - 1
    return i >= 0 and pos < ranges[i][1]


def known_subspans(
    cand: Candidate, body: str, tokens: TokenIndex, known: KnownNames, rules: MentionRules
) -> list[Candidate]:
    """The longest known names inside ``cand``, left to right (their type from ``known.get(surface)``)."""
    toks = [t for t in tokens.tokens(cand.start, cand.end) if not _is_punct(t.text, rules)]
    out: list[Candidate] = []
    i = 0
    while i < len(toks):
        for j in range(len(toks), i, -1):
            start, end = toks[i].idx, toks[j - 1].idx + len(toks[j - 1].text)
            end = min(end, cand.end)
            label = known.get(body[start:end])
            if label is not None:
                piece = trim(Candidate(start, end, label, origin="split"), body, tokens, rules)
                if piece is not None:
                    out.append(piece)
                i = j
                break
        else:
            i += 1
    return out


def covered(start: int, end: int, spans: Iterable[Candidate]) -> bool:
    return any(c.start < end and start < c.end for c in spans)

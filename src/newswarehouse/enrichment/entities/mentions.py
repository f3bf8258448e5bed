"""Named-entity mentions from the body, trimmed and resolved within the article.

Steps (each rule's vocabulary lives in ``data/``):

1. spaCy's entities of the kept types, cut at line breaks, caption separators
   and spaced dashes, trimmed of determiners, honorifics, possessives, titles
   and glued words (``spans``, ``noise``); spans that are no name (lone
   generic nouns, ranks, time zones, diseases, titles of works, serial labels,
   a word cut off at the page end) dropped;
2. span repairs: pieces spaCy split merged back ("Court of Appeals" + "for the
   Third Circuit", "U.S." + "Census Bureau", "Washington" + "D.C.", an acronym's
   expansion, a bracketed first name), glued ones split ("Town State");
3. type repairs: gazetteer countries/capitals/demonyms/states, designators
   (first and last words), "<person> administration", "the <demonym>
   peninsula", role words tagged as ORG, dateline credits dropped;
4. Title-Case Headline entities kept only when the rest of the article
   confirms them (split into the known names they glue together);
5. names spaCy missed where the article itself proves them: after an honorific
   ("Mr Kim"), later occurrences of an acronym (defined or spelling a name of
   the article), a full name or a surname, capitalised runs ending in a designator;
6. in-article resolution (``resolution``) -> ``resolved_text``; FAC is
   reported as LOC (``reported_as``).

Every offset indexes ``doc.text`` (== body_text); a mention never spans a line.
Time is linear in the length of the body: rules look occurrences and partners
up in indexes (``mention_index``), never scan the body or the other mentions
once per mention (``tests/unit/test_mentions_scaling.py``).
"""

from __future__ import annotations

import bisect
import copy
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from newswarehouse.enrichment.entities.index import (
    HYPHENATED_RUN,
    Coverage,
    RunIndex,
    SpanSet,
)
from newswarehouse.enrichment.entities.noise import is_noise, is_work_title, unglue
from newswarehouse.enrichment.entities.resolution import (
    acronym_definers,
    acronym_definitions,
    acronym_letters,
    initials,
    resolve,
)
from newswarehouse.enrichment.entities.spans import (
    Candidate,
    TokenIndex,
    extend_by_context,
    extend_possessive_name,
    gazetteer_entry,
    headline_ranges,
    in_ranges,
    is_dateline_credit,
    is_role_only,
    known_subspans,
    spacy_candidates,
    split_leading_possessive,
    split_role,
    split_trailing_place,
    title_before,
    title_prefix_length,
    title_span,
    trim,
)
from newswarehouse.enrichment.entities.type_evidence import (
    CONTEXT,
    SPACY,
    designator_type,
    evidence,
)
from newswarehouse.enrichment.entities.vocab import (
    MentionRules,
    load_rules,
    name_key,
    word_key,
)
from newswarehouse.enrichment.records import Mention, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

KEPT_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT")
_WORDS = re.compile(r"[^\W\d_][\w'’.-]*")
# a capitalised word or an ordinal ("5th") inside a name
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.&-]*|\d+(?:st|nd|rd|th))$")
_AFTER_BRACKETED_NAME = re.compile(r"\)\s+[A-Z][\w'’-]+")
_BRACKETED = re.compile(r"\(\s*([A-Z][A-Z&.]{1,9}s?)\s*\)")
_EXPANSION_WORD = re.compile(r"[^\W\d_][\w'’.&-]*|&")
_GAZETTEER_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT"})
# "CHICAGO -", "SEVILLE —", "AMSTERDAM, April 11 (" at the start of the body
_DATELINE_PLACE = re.compile(
    r"([A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]+){0,3})(?:,\s*[A-Z][A-Za-z.]+)*?"
    r"(?=\s*\(|\s+[-–—]\s|,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b)"
)


def extract_mentions(doc: Doc, sentences: Sequence[Sentence]) -> list[Mention]:
    rules = load_rules()
    tokens = TokenIndex(doc)
    body = tokens.text

    cands = _repaired_spacy_spans(doc, body, tokens, rules)
    cands = _confirm_headlines(cands, body, tokens, rules)
    typed = _type_by_evidence(cands, body, tokens, rules)
    _retype_surnames(cands, body, rules)
    cands = _dedupe(cands + _missed_names(cands, doc, body, tokens, RunIndex(body), rules))
    for c in cands:
        if c.label == "PERSON" and c.title is None:
            c.title = title_before(c, tokens, rules)
    strength = {id(c): s for c, s in typed}
    evidence_of = [(c.label, strength.get(id(c), SPACY)) for c in cands]

    resolved = resolve(cands, body, rules, evidence_of)
    starts = [s.char_start for s in sentences]
    out: list[Mention] = []
    for c, r in zip(cands, resolved):
        sentence_index = max(bisect.bisect_right(starts, c.start) - 1, 0)
        out.append(
            Mention(
                mention_index=len(out),
                sentence_index=sentence_index,
                char_start=c.start,
                char_end=c.end,
                surface_text=body[c.start : c.end],
                entity_type=rules.reported_as.get(r.entity_type, r.entity_type),
                resolved_text=r.resolved_text,
                title=c.title,
            )
        )
    return out


def _repaired_spacy_spans(doc: Doc, body: str, tokens: TokenIndex, rules: MentionRules) -> list[Candidate]:
    cands: list[Candidate] = []
    common_words = _CommonWords(doc, body, tokens, rules)
    for raw in spacy_candidates(doc, rules):
        c = trim(split_role(raw, tokens, rules), body, tokens, rules)
        if c is None:
            continue
        c = extend_possessive_name(extend_by_context(c, tokens, rules), body, rules)
        pieces = [p for q in split_leading_possessive(c, body, tokens, rules) for p in split_trailing_place(q, body, rules)]
        for whole in pieces:
            piece = unglue(whole, body, rules)
            if piece is None or is_noise(piece, body, rules) or is_work_title(piece, body, tokens, rules):
                continue
            text = piece.text(body)
            # a name has a capital or a digit: spaCy sometimes tags common nouns ("politburo")
            if not any(ch.isupper() or ch.isdigit() for ch in text) or is_dateline_credit(piece, body, tokens):
                continue
            if common_words.is_capitalised_common_word(piece):
                continue
            cands.append(piece)
    cands = _dedupe(cands)
    cands = _with_dateline_place(cands, body, rules)
    cands = _merge_coordinated_names(cands, body, rules)
    cands = _merge_adjacent_groups(cands, body)
    cands = _bracketed_first_names(cands, body)
    cands = _merge_gazetteer_pairs(cands, body, rules)
    cands = _merge_country_bodies(cands, body, rules)
    cands = _with_defined_expansions(cands, body, rules)
    cands = _merge_body_of(cands, body, rules)
    full_names = [c.key(body).split() for c in cands if c.label == "PERSON" and len(c.key(body).split()) > 1]
    person_words = {w for parts in full_names for w in parts}
    surnames = {parts[-1] for parts in full_names}
    for c in cands:
        _apply_gazetteer(c, body, rules, person_words, surnames)
    cands = _compass_words(cands, body, rules)
    titles = []
    for c in cands:
        if c.label == "PERSON":
            c.title = title_before(c, tokens, rules)
            span = title_span(c, tokens, rules)
            if span is not None:
                titles.append(span)
    in_titles = Coverage(titles)
    return [
        c
        for c in cands
        if c.gazetteer is not None
        or not (
            is_role_only(c, body, tokens, rules)
            or _inside_title(c, body, in_titles, rules)
            # a role word alone ("Superintendent"), unless it is a person's surname here ("King")
            or (c.key(body) in rules.title_heads and c.key(body) not in surnames)
        )
    ]


def _inside_title(c: Candidate, body: str, titles: Coverage, rules: MentionRules) -> bool:
    """Role words tagged as a name inside a person's title ("State" in "Secretary of State X")."""
    words = _WORDS.findall(c.text(body))
    return (
        bool(words)
        and all(rules.is_title_word(w) or w.lower() in ("of", "the") for w in words)
        and titles.covers(c.start, c.end)
    )


class _CommonWords:
    """Capitalised words that open sentences but are common words; each word's occurrences are examined once."""

    _OPENERS = "\"“‘'([—–-"

    def __init__(self, doc: Doc, body: str, tokens: TokenIndex, rules: MentionRules) -> None:
        self.doc, self.body, self.tokens, self.rules = doc, body, tokens, rules
        self._words: RunIndex | None = None  # built on first use
        self._common: dict[str, bool] = {}

    def is_capitalised_common_word(self, c: Candidate) -> bool:
        """A one-word "name" opening a sentence or quote that the article also writes in lower case ("Consent ...")."""
        text = c.text(self.body)
        if " " in text or not text[:1].isupper() or not text[1:].islower() or name_key(text) in self.rules.gazetteer:
            return False
        first = self.tokens.at(c.start)
        if first is None:
            return False
        prev = self.tokens.previous_token(c.start)
        opens = self.doc[first].is_sent_start or prev is None or prev.text in self._OPENERS
        if not opens:
            return False
        if text not in self._common:
            self._common[text] = self._written_as_common_word(text)
        return self._common[text]

    def _written_as_common_word(self, text: str) -> bool:
        """In lower case somewhere, and never with its capital inside a sentence."""
        if self._words is None:
            self._words = RunIndex(self.body, HYPHENATED_RUN)
        words = self._words
        lower = text.lower()
        lower_pattern = re.compile(r"(?<![\w-])" + re.escape(lower) + r"(?![\w-])")
        if next(words.finditer(lower_pattern, [words.first_run(lower)]), None) is None:
            return False
        # written with a capital inside a sentence too ("... said Apple"): a name after all
        pattern = re.compile(r"(?<![\w-])" + re.escape(text) + r"(?![\w-])")
        for m in words.finditer(pattern, [words.first_run(text)]):
            i = self.tokens.at(m.start())
            before = self.tokens.previous_token(m.start())
            mid_sentence = i is not None and not self.doc[i].is_sent_start
            if mid_sentence and before is not None and before.text not in self._OPENERS:
                return False
        return True


def _with_dateline_place(cands: list[Candidate], body: str, rules: MentionRules) -> list[Candidate]:
    """"CHICAGO - ...", "SEVILLE — ...", "AMSTERDAM, April 11 (Agency) - ...": the dateline names a place."""
    m = _DATELINE_PLACE.match(body.lstrip())
    if m is None:
        return cands
    start = len(body) - len(body.lstrip())
    place = Candidate(start + m.start(1), start + m.end(1), "GPE", origin="dateline")
    place.gazetteer = gazetteer_entry(place.key(body), rules)
    kept = [c for c in cands if not (c.start < place.end and place.start < c.end)]
    return _dedupe(kept + [place])


def _merge_coordinated_names(cands: list[Candidate], body: str, rules: MentionRules) -> list[Candidate]:
    """"Residential Landlord" + "and" + "Tenant Ordinance": one name when the second half ends in a designator."""
    out: list[Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        gap = body[prev.end : c.start] if prev is not None else ""
        if (
            prev is not None
            and gap in (" and ", " & ")
            # places are listed, not named, with "and" ("the Orlan Bay Area and Silicon Valley")
            and not (prev.label in ("GPE", "LOC") and c.label in ("GPE", "LOC"))
            and designator_type(c.text(body), rules) is not None
            and gazetteer_entry(prev.key(body), rules) is None
            and designator_type(prev.text(body), rules) is None
            and " " in prev.text(body)
        ):
            out[-1] = Candidate(prev.start, c.end, designator_type(c.text(body), rules) or c.label, origin="merge")
            continue
        out.append(c)
    return out


def _merge_body_of(cands: list[Candidate], body: str, rules: MentionRules) -> list[Candidate]:
    """"United States Court of Appeals" + "for the" + "Ninth Circuit": one body, split by spaCy;
    also an organisation + "of" + an unknown one-word place ("... Tigers" + "of" + "Eelam")."""
    out: list[Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        if (
            prev is not None
            and body[prev.end : c.start] in (" for the ", " for ")
            and c.label in ("ORG", "GPE", "LOC", "FAC")
            and designator_type(prev.text(body), rules) == "ORG"
            and designator_type(c.text(body), rules) is None
            and c.gazetteer is None
        ):
            out[-1] = Candidate(prev.start, c.end, "ORG", origin="merge")
            continue
        # "Liberation Tamil Tigers" + "of" + "Eelam": an unknown one-word "place" ending a body's name
        if (
            prev is not None
            and body[prev.end : c.start] == " of "
            and prev.label == "ORG"
            and " " in prev.text(body)
            and c.label in ("GPE", "LOC")
            and " " not in c.text(body)
            and rules.gazetteer.get(c.key(body)) is None
            and rules.gazetteer.get(prev.key(body)) is None
        ):
            out[-1] = Candidate(prev.start, c.end, "ORG", origin="merge")
            continue
        out.append(c)
    return out


def _with_defined_expansions(cands: list[Candidate], body: str, rules: MentionRules) -> list[Candidate]:
    """"British American Drama Academy (BADA)": the words an acronym spells are one name,
    whatever spaCy tagged of them ("British" alone, or nothing)."""
    added: list[Candidate] = []
    for m in _BRACKETED.finditer(body):
        letters = acronym_letters(m.group(1))
        if letters is None:
            continue
        line_start = body.rfind("\n", 0, m.start()) + 1
        words = list(_EXPANSION_WORD.finditer(body, max(line_start, m.start() - 160), m.start()))
        for n in range(len(letters), min(len(letters) + 4, len(words)) + 1):
            span = words[-n:]
            if not span[0].group()[:1].isupper() or not all(
                w.group()[:1].isupper() or word_key(w.group()) in rules.function_words for w in span
            ):
                continue
            if body[span[-1].end() : m.start()].strip():
                break
            text = body[span[0].start() : span[-1].end()]
            if letters in initials(text, rules):
                added.append(Candidate(span[0].start(), span[-1].end(), designator_type(text, rules) or "ORG",
                                       origin="acronym"))
                break
    if not added:
        return cands
    inside = Coverage([(a.start, a.end) for a in added])
    kept = [c for c in cands if not inside.covers(c.start, c.end)]
    return _dedupe(kept + [a for a in added if not any(c.start < a.end and a.start < c.end for c in kept)])


def _merge_gazetteer_pairs(cands: list[Candidate], body: str, rules: MentionRules) -> list[Candidate]:
    """"Washington" + ", " + "D.C.": two spans the gazetteer knows as one name."""
    out: list[Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        if (
            prev is not None
            and body[prev.end : c.start] in (", ", " ")
            and name_key(body[prev.start : c.end]) in rules.gazetteer
        ):
            merged = Candidate(prev.start, c.end, "GPE", origin="merge")
            merged.gazetteer = rules.gazetteer[name_key(body[prev.start : c.end])]
            out[-1] = merged
            continue
        out.append(c)
    return out


def _merge_country_bodies(cands: list[Candidate], body: str, rules: MentionRules) -> list[Candidate]:
    """"U.S." + "Census Bureau" tagged apart: a country's name in front of its body is part of it."""
    out: list[Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        entry = rules.gazetteer.get(prev.key(body)) if prev is not None else None
        if (
            prev is not None
            and entry is not None
            and entry.kind == "country"
            and body[prev.end : c.start] == " "
            and c.label == "ORG"
            and rules.gazetteer.get(c.key(body)) is None
            and designator_type(c.text(body), rules) == "ORG"
        ):
            out[-1] = Candidate(prev.start, c.end, "ORG", origin="merge")
            continue
        out.append(c)
    return out


def _compass_words(cands: list[Candidate], body: str, rules: MentionRules) -> list[Candidate]:
    """A compass word alone is the one country of the article named with it ("the North" for
    North Korea); with none or several, it is a direction ("Northeast of the lake") and goes."""
    by_word: dict[str, set] = {}
    for c in cands:
        if c.gazetteer is not None and c.gazetteer.kind == "country":
            first = word_key(c.gazetteer.canonical.split()[0])
            if first in rules.compass_words:
                by_word.setdefault(first, set()).add(c.gazetteer)
    out = []
    for c in cands:
        key = c.key(body)
        if key in rules.compass_words:
            entries = by_word.get(key, set())
            if len(entries) != 1:
                continue
            c.gazetteer = next(iter(entries))
            c.label = "GPE"
        out.append(c)
    return out


def _bracketed_first_names(cands: list[Candidate], body: str) -> list[Candidate]:
    """"(Anton) Velikov": a first name in brackets and the surname after it are one person."""
    out: list[Candidate] = []
    skip_until = -1
    for c in cands:
        if c.start < skip_until:
            continue
        after = _AFTER_BRACKETED_NAME.match(body, c.end)
        if c.label == "PERSON" and c.start > 0 and body[c.start - 1] == "(" and after is not None:
            out.append(Candidate(c.start - 1, after.end(), "PERSON", origin="merge"))
            skip_until = after.end()
            continue
        out.append(c)
    return out


def _merge_adjacent_groups(cands: list[Candidate], body: str) -> list[Candidate]:
    """"African" + "American" tagged apart: one group name ("African American")."""
    out: list[Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        if prev is not None and prev.label == c.label == "NORP" and body[prev.end : c.start] == " ":
            out[-1] = Candidate(prev.start, c.end, "NORP", origin="merge")
            continue
        out.append(c)
    return out


def _type_by_evidence(
    cands: list[Candidate], body: str, tokens: TokenIndex, rules: MentionRules
) -> list[tuple[Candidate, int]]:
    """Re-type each mention by its best evidence; first words of a public body are a place ("Glenmoray Council")."""
    out = []
    places = set()
    for c in cands:
        words = c.key(body).split()
        for body_words in rules.place_bodies:
            n = len(body_words)
            if c.label == "ORG" and len(words) > n and tuple(words[-n:]) == body_words:
                places.add(" ".join(words[:-n]))
    for c in cands:
        label, strength = evidence(c, body, tokens, rules)
        if strength <= SPACY and c.key(body) in places:
            label, strength = "GPE", CONTEXT
        c.label = label
        out.append((c, strength))
    return out


def _apply_gazetteer(
    c: Candidate, body: str, rules: MentionRules, person_words: set[str], surnames: set[str]
) -> None:
    if c.label not in _GAZETTEER_TYPES:
        return
    key = c.key(body)
    entry = gazetteer_entry(key, rules)
    if entry is None:
        return
    if entry.kind != "demonym":
        # in an article about Denzel Washington, a bare "Washington" is the person
        if key in surnames and acronym_letters(c.text(body)) is None:
            c.label = "PERSON"
            return
        if c.label == "PERSON" and key in person_words:
            return
    c.gazetteer = entry
    c.label = entry.entity_type


class _KnownNames:
    """Names the article confirms outside its headlines, with their type; the gazetteer; surnames."""

    def __init__(self, cands: Sequence[Candidate], body: str, rules: MentionRules, with_short_forms: bool) -> None:
        votes: dict[str, Counter] = {}
        for c in cands:
            votes.setdefault(c.key(body), Counter())[c.label] += 1
        self.counts = {k: sum(v.values()) for k, v in votes.items()}
        self.labels = {k: v.most_common(1)[0][0] for k, v in votes.items()}
        self.rules = rules
        self._cands = cands
        # an acronym the article defines has the type of its first definition ("Full Name (FN)")
        self._acronyms = {name_key(letters): defs for letters, defs in acronym_definers(cands, body, rules).items()}
        self._excluded: Candidate | None = None
        self._excluded_key: str | None = None
        # a person's first or last word, as written ("Kim", "Sullivan"; never "UN" for "Un")
        self.short_forms: set[str] = set()
        if with_short_forms:
            for c in cands:
                words = c.text(body).split()
                if c.label == "PERSON" and len(words) >= 2:
                    self.short_forms |= {w for w in (words[0], words[-1]) if len(w) >= rules.min_short_form_chars}

    def without(self, c: Candidate, key: str) -> _KnownNames:
        """These names as if ``c``, the only mention with ``key``, were not in the article (no rebuild)."""
        if self.counts.get(key) != 1:
            raise ValueError(f"{key!r} is not named exactly once")
        other = copy.copy(self)
        other._excluded, other._excluded_key = c, key
        return other

    def _label(self, key: str) -> str | None:
        if key in self.labels and key != self._excluded_key:
            return self.labels[key]
        for i in self._acronyms.get(key, ()):
            if self._cands[i] is not self._excluded:
                return self._cands[i].label
        return None

    def get(self, surface: str) -> str | None:
        key = name_key(surface)
        label = self._label(key)
        if label is not None:
            return label
        if surface.strip() in self.short_forms:
            return "PERSON"
        entry = self.rules.gazetteer.get(key)
        return entry.entity_type if entry is not None else None


def _confirm_headlines(cands: list[Candidate], body: str, tokens: TokenIndex, rules: MentionRules) -> list[Candidate]:
    """Keep Title-Case Headline entities the body confirms; split glued names everywhere."""
    ranges = headline_ranges(body, rules)
    starts = [r[0] for r in ranges]
    for c in cands:
        c.headline = in_ranges(c.start, ranges, starts)
    prose = [c for c in cands if not c.headline]
    known = _KnownNames(prose, body, rules, with_short_forms=True)
    full_names = _KnownNames(prose, body, rules, with_short_forms=False)
    out: list[Candidate] = []
    for c in cands:
        key = c.key(body)
        if c.headline:
            label = known.get(c.text(body))
            if label is not None:
                if c.gazetteer is None:
                    c.label = label
                out.append(c)
                continue
            out.extend(_typed(p, body, rules) for p in known_subspans(c, body, tokens, known, rules))
            continue
        if len(key.split()) >= 3 and full_names.counts.get(key, 0) == 1 and c.gazetteer is None:
            others = full_names.without(c, key)
            pieces = known_subspans(c, body, tokens, others, rules)
            if len(pieces) >= 2 and sum(len(p.key(body).split()) for p in pieces) == len(key.split()):
                out.extend(_typed(p, body, rules) for p in pieces)
                continue
        out.append(c)
    return _dedupe(out)


def _typed(c: Candidate, body: str, rules: MentionRules) -> Candidate:
    entry = gazetteer_entry(c.key(body), rules)
    if entry is not None:
        c.gazetteer = entry
        c.label = entry.entity_type
    return c


def _retype_surnames(cands: list[Candidate], body: str, rules: MentionRules) -> None:
    """A one-word ORG/NORP/... that is the surname of a person in the article is that person ("Kirby")."""
    fulls = [c.key(body).split() for c in cands if c.label == "PERSON" and len(c.key(body).split()) >= 2]
    # every proper suffix of a full name: one lookup per mention instead of a scan of the names
    surnames = {tuple(f[-n:]) for f in fulls for n in range(1, len(f))}
    first_names = {f[0] for f in fulls if len(f[0]) >= 3}
    for c in cands:
        text = c.text(body)
        if c.label == "PERSON" or c.gazetteer is not None or acronym_letters(text) is not None:
            continue
        words = c.key(body).split()
        if tuple(words) in surnames:
            c.label = "PERSON"
            continue
        # a first name alone, tagged as something other than a place ("Kaja" after "Kaja Ballo")
        if len(words) == 1 and c.label not in ("GPE", "LOC") and words[0] in first_names:
            c.label = "PERSON"
            continue
        # "Justice Kalder" tagged as an ORG in an article about Mira Kalder
        n = title_prefix_length(text.split(), rules)
        if 0 < n < len(words) and tuple(words[n:]) in surnames:
            cut = re.match(r"(?:\S+\s+){" + str(n) + "}", text)
            if cut is not None:
                c.title = text[: cut.end()].strip()
                c.start += cut.end()
                c.label = "PERSON"


def _missed_names(
    cands: list[Candidate], doc: Doc, body: str, tokens: TokenIndex, words: RunIndex, rules: MentionRules
) -> list[Candidate]:
    """Names spaCy left untagged where the article proves them (honorific, acronym, repeat, surname).

    Occurrences are found through ``words`` (where each word starts), never by
    scanning the body once per name.
    """
    found: list[Candidate] = []
    taken: SpanSet[Candidate] = SpanSet(cands)

    def add(start: int, end: int, label: str, origin: str, replace_inner: bool = False) -> None:
        if end <= start or "\n" in body[start:end]:
            return
        clash = taken.overlapping(start, end)
        # a longer form of the same person may swallow the part spaCy found ("Ten" + "Hag")
        inner = replace_inner and all(
            (c.label == "PERSON" or origin == "designator")
            and start <= c.start
            and c.end <= end
            and (c.start, c.end) != (start, end)
            for c in clash
        )
        if clash and not inner:
            return
        c = Candidate(start, end, label, origin=origin)
        if is_work_title(c, body, tokens, rules):
            return
        found.append(c)
        taken.add(c)

    texts, starts = tokens.texts, tokens.starts
    for i, text in enumerate(texts):
        if not text[:1].isupper() or word_key(text) not in rules.honorifics:
            continue
        j = i + 1
        if j < len(doc) and doc[j].text == ".":
            j += 1
        k = j
        while k < len(doc) and k - j < 3 and doc[k].text[:1].isupper() and doc[k].pos_ == "PROPN":
            k += 1
        if k > j:
            add(doc[j].idx, doc[k - 1].idx + len(doc[k - 1].text), "PERSON", "honorific")

    for letters, i in acronym_definitions(cands, body, rules).items():
        pattern = re.compile(r"(?<![\w.])" + r"\.?".join(letters) + r"\.?(?![\w])")
        # "U.N." starts with the word "U", "UN" with "UN"
        for m in words.finditer(pattern, [letters[:n] for n in range(1, len(letters) + 1)]):
            add(m.start(), m.end(), cands[i].label, "acronym")

    # an acronym spelling the initials of a name the article uses, without brackets ("the CDC")
    spelled: dict[str, int] = {}
    for i, c in enumerate(cands):
        if c.label != "PERSON" and not c.headline and len(c.key(body).split()) >= 2:
            for letters in initials(c.text(body), rules):
                if len(letters) >= 3:
                    spelled.setdefault(letters, i)
    if spelled:
        for text, start in zip(texts, starts):
            letters = acronym_letters(text) if text[:1].isupper() and text[-1:].isupper() else None
            if letters is not None and letters in spelled and name_key(text) not in rules.gazetteer:
                add(start, start + len(text), cands[spelled[letters]].label, "acronym")

    # capitalised words ending in a designator, which spaCy often leaves untagged in
    # military and agency writing ("Dunmore Air Force Base", "5th Mission Support Group")
    ranges = headline_ranges(body, rules)
    range_starts = [r[0] for r in ranges]
    run: list[int] = []
    for i, text in enumerate(texts):
        if _NAME_WORD.match(text) and word_key(text) not in rules.determiners:
            run.append(i)
            if body[starts[i] + len(text) : starts[i] + len(text) + 1] != "\n":
                continue
        if run:
            _add_designated_run(run, doc, tokens, rules, add, ranges, range_starts)
            run = []
    _add_designated_run(run, doc, tokens, rules, add, ranges, range_starts)

    repeated = {
        c.text(body): c.label
        for c in cands
        if not c.headline and len(c.key(body).split()) >= 2 and c.label in ("PERSON", "ORG")
    }
    for text, label in sorted(repeated.items()):
        pattern = re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")
        for m in words.finditer(pattern, [words.first_run(text)]):
            add(m.start(), m.end(), label, "repeat")

    surnames = {
        _surname(c.text(body).split(), rules)
        for c in cands
        if c.label == "PERSON" and len(c.key(body).split()) >= 2 and not c.headline
    }
    for surname in sorted(surnames):
        key = name_key(surname)
        if len(key) < rules.min_short_form_chars or key in rules.gazetteer or rules.is_title_word(surname):
            continue
        # a particle may open a sentence with a capital ("Ten Hag", "Von der Leyen")
        parts = surname.split()
        pattern = r"\s+".join(
            f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" if w in rules.surname_particles else re.escape(w)
            for w in parts
        )
        first = parts[0]
        cased = first[0].upper() + first[0] if first in rules.surname_particles else first[0]
        openings = [words.first_run(ch + first[1:]) for ch in cased]
        for m in words.finditer(re.compile(r"(?<!\w)" + pattern + r"(?!\w)"), openings):
            idx = tokens.at(m.start())
            if idx is not None and doc[idx].idx == m.start() and (doc[idx].pos_ == "PROPN" or " " in surname):
                add(m.start(), m.end(), "PERSON", "repeat", replace_inner=True)
    return found


def _add_designated_run(
    run: list[int],
    doc: Doc,
    tokens: TokenIndex,
    rules: MentionRules,
    add: Callable[..., None],
    ranges: list[tuple[int, int]],
    range_starts: list[int],
) -> None:
    """Add the longest name in ``run`` (token indices) that ends in a designator."""
    texts, starts = tokens.texts, tokens.starts
    while run and word_key(texts[run[-1]]) not in rules.designators:
        run = run[:-1]
    if len(run) < 2:
        return
    # a capitalised sentence opener tells nothing ("Rival Nordstrand Freight fell"); spaCy
    # itself tags most names that open a sentence
    if doc[run[0]].is_sent_start:
        run = run[1:]
    if len(run) < 2 or all(word_key(texts[i]) in rules.designators for i in run):
        return
    if not any(ch.islower() for i in run for ch in texts[i]):  # an all-caps banner
        return
    if in_ranges(starts[run[0]], ranges, range_starts):
        return
    label = rules.designators[word_key(texts[run[-1]])]
    if label in ("ORG", "LOC", "FAC", "GPE"):
        # the whole name replaces the pieces spaCy found inside it ("U.S." + "Census Bureau")
        add(starts[run[0]], starts[run[-1]] + len(texts[run[-1]]), label, "designator", True)


def _surname(words: list[str], rules: MentionRules) -> str:
    """The family name with its particles: "Erik ten Hag" -> "ten Hag"; else the last word."""
    for i in range(1, len(words) - 1):
        if words[i] in rules.surname_particles:
            return " ".join(words[i:])
    return words[-1]


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """Body order; of two overlapping spans the earlier (then longer) one stays."""
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (c.start, -(c.end - c.start))):
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out

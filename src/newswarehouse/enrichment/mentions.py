"""Named-entity mentions from the body, trimmed and resolved within the article.

Steps (each rule's vocabulary lives in ``data/``):

1. spaCy's entities of the kept types, cut at line breaks and caption
   separators, trimmed of determiners, honorifics, possessives and titles
   (``mention_spans``);
2. type repairs: gazetteer countries/capitals/demonyms, "<person>
   administration", "the <demonym> peninsula", role words tagged as ORG,
   dateline credits dropped;
3. Title-Case Headline entities kept only when the rest of the article
   confirms them (split into the known names they glue together);
4. names spaCy missed where the article itself proves them: after an honorific
   ("Mr Kim"), later occurrences of a defined acronym, a full name or a surname;
5. in-article resolution (``mention_resolution``) -> ``resolved_text``.

Every offset indexes ``doc.text`` (== body_text); a mention never spans a line.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newswarehouse.enrichment.mention_resolution import (
    acronym_definitions,
    acronym_letters,
    resolve,
)
from newswarehouse.enrichment.mention_spans import (
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
    title_before,
    title_span,
    trim,
)
from newswarehouse.enrichment.mention_types import (
    CONTEXT,
    SPACY,
    designator_type,
    evidence,
)
from newswarehouse.enrichment.mention_vocab import (
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
_GAZETTEER_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT"})
# "CHICAGO -", "SEVILLE —", "AMSTERDAM, April 11 (" at the start of the body
_DATELINE_PLACE = re.compile(
    r"([A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]+){0,3})(?:,\s*[A-Z][A-Za-z.]+)*?"
    r"(?=\s*\(|\s+[-–—]\s|,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b)"
)


def extract_mentions(doc: Doc, sentences: Sequence[Sentence]) -> list[Mention]:
    rules = load_rules()
    body = doc.text
    tokens = TokenIndex(doc)

    cands = _repaired_spacy_spans(doc, body, tokens, rules)
    cands = _confirm_headlines(cands, body, tokens, rules)
    typed = _type_by_evidence(cands, body, tokens, rules)
    _retype_surnames(cands, body, rules)
    cands = _dedupe(cands + _missed_names(cands, doc, body, tokens, rules))
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
                entity_type=r.entity_type,
                resolved_text=r.resolved_text,
                title=c.title,
            )
        )
    return out


def _repaired_spacy_spans(doc: Doc, body: str, tokens: TokenIndex, rules: MentionRules) -> list[Candidate]:
    cands: list[Candidate] = []
    for raw in spacy_candidates(doc, rules):
        c = trim(raw, body, tokens, rules)
        if c is None:
            continue
        c = extend_possessive_name(extend_by_context(c, tokens, rules), body, rules)
        for piece in split_leading_possessive(c, body, tokens, rules):
            text = piece.text(body)
            # a name has a capital or a digit: spaCy sometimes tags common nouns ("politburo")
            if not any(ch.isupper() or ch.isdigit() for ch in text) or is_dateline_credit(piece, body):
                continue
            if _is_capitalised_common_word(piece, doc, body, tokens, rules):
                continue
            cands.append(piece)
    cands = _dedupe(cands)
    cands = _with_dateline_place(cands, body, rules)
    cands = _merge_coordinated_names(cands, body, rules)
    full_names = [c.key(body).split() for c in cands if c.label == "PERSON" and len(c.key(body).split()) > 1]
    person_words = {w for parts in full_names for w in parts}
    surnames = {parts[-1] for parts in full_names}
    for c in cands:
        _apply_gazetteer(c, body, rules, person_words, surnames)
    titles = []
    for c in cands:
        if c.label == "PERSON":
            c.title = title_before(c, tokens, rules)
            span = title_span(c, tokens, rules)
            if span is not None:
                titles.append(span)
    return [
        c
        for c in cands
        if c.gazetteer is not None
        or not (is_role_only(c, body, tokens, rules) or _inside_title(c, body, titles, rules))
    ]


def _inside_title(c: Candidate, body: str, titles: list[tuple[int, int]], rules: MentionRules) -> bool:
    """Role words tagged as a name inside a person's title ("State" in "Secretary of State X")."""
    words = _WORDS.findall(c.text(body))
    return (
        bool(words)
        and all(rules.is_title_word(w) or w.lower() in ("of", "the") for w in words)
        and any(s <= c.start and c.end <= e for s, e in titles)
    )


def _is_capitalised_common_word(c: Candidate, doc: Doc, body: str, tokens: TokenIndex, rules: MentionRules) -> bool:
    """A one-word "name" opening a sentence or quote that the article also writes in lower case ("Consent is ...")."""
    text = c.text(body)
    if " " in text or not text[:1].isupper() or not text[1:].islower() or name_key(text) in rules.gazetteer:
        return False
    first = tokens.at(c.start)
    if first is None:
        return False
    prev = tokens.previous_token(c.start)
    opens = doc[first].is_sent_start or prev is None or prev.text in "\"“‘'([—–-"
    if not opens or re.search(r"(?<![\w-])" + re.escape(text.lower()) + r"(?![\w-])", body) is None:
        return False
    # written with a capital inside a sentence too ("... said Apple"): a name after all
    for m in re.finditer(r"(?<![\w-])" + re.escape(text) + r"(?![\w-])", body):
        i = tokens.at(m.start())
        before = tokens.previous_token(m.start())
        if i is not None and not doc[i].is_sent_start and before is not None and before.text not in "\"“‘'([—–-":
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
            and designator_type(c.text(body), rules) is not None
            and gazetteer_entry(prev.key(body), rules) is None
            and designator_type(prev.text(body), rules) is None
            and " " in prev.text(body)
        ):
            out[-1] = Candidate(prev.start, c.end, designator_type(c.text(body), rules) or c.label, origin="merge")
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
        # a person's first or last word, as written ("Kim", "Sullivan"; never "UN" for "Un")
        self.short_forms: set[str] = set()
        if with_short_forms:
            for c in cands:
                words = c.text(body).split()
                if c.label == "PERSON" and len(words) >= 2:
                    self.short_forms |= {w for w in (words[0], words[-1]) if len(w) >= rules.min_short_form_chars}
        for letters, i in acronym_definitions(cands, body, rules).items():
            self.labels.setdefault(name_key(letters), cands[i].label)

    def get(self, surface: str) -> str | None:
        key = name_key(surface)
        label = self.labels.get(key)
        if label is not None:
            return label
        if surface.strip() in self.short_forms:
            return "PERSON"
        entry = self.rules.gazetteer.get(key)
        return entry.entity_type if entry is not None else None


def _confirm_headlines(cands: list[Candidate], body: str, tokens: TokenIndex, rules: MentionRules) -> list[Candidate]:
    """Keep Title-Case Headline entities the body confirms; split glued names everywhere."""
    ranges = headline_ranges(body, rules)
    for c in cands:
        c.headline = in_ranges(c.start, ranges)
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
            others = _KnownNames([o for o in prose if o is not c], body, rules, with_short_forms=False)
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
    for c in cands:
        text = c.text(body)
        if c.label == "PERSON" or c.gazetteer is not None or acronym_letters(text) is not None:
            continue
        parts = c.key(body).split()
        if any(len(f) > len(parts) and f[-len(parts) :] == parts for f in fulls):
            c.label = "PERSON"


def _missed_names(
    cands: list[Candidate], doc: Doc, body: str, tokens: TokenIndex, rules: MentionRules
) -> list[Candidate]:
    """Names spaCy left untagged where the article proves them (honorific, acronym, repeat, surname)."""
    found: list[Candidate] = []
    taken = list(cands)

    def add(start: int, end: int, label: str, origin: str, replace_inner: bool = False) -> None:
        if end <= start or "\n" in body[start:end]:
            return
        clash = [c for c in taken if c.start < end and start < c.end]
        # a longer form of the same person may swallow the part spaCy found ("Ten" + "Hag")
        inner = replace_inner and all(
            c.label == "PERSON" and start <= c.start and c.end <= end and (c.start, c.end) != (start, end)
            for c in clash
        )
        if clash and not inner:
            return
        c = Candidate(start, end, label, origin=origin)
        found.append(c)
        taken.append(c)

    for i, tok in enumerate(doc):
        if word_key(tok.text) not in rules.honorifics or not tok.text[:1].isupper():
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
        for m in re.finditer(r"(?<![\w.])" + r"\.?".join(letters) + r"\.?(?![\w])", body):
            add(m.start(), m.end(), cands[i].label, "acronym")

    repeated = {
        c.text(body): c.label
        for c in cands
        if not c.headline and len(c.key(body).split()) >= 2 and c.label in ("PERSON", "ORG")
    }
    for text, label in sorted(repeated.items()):
        for m in re.finditer(r"(?<!\w)" + re.escape(text) + r"(?!\w)", body):
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
        pattern = r"\s+".join(
            f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" if w in rules.surname_particles else re.escape(w)
            for w in surname.split()
        )
        for m in re.finditer(r"(?<!\w)" + pattern + r"(?!\w)", body):
            idx = tokens.at(m.start())
            if idx is not None and doc[idx].idx == m.start() and (doc[idx].pos_ == "PROPN" or " " in surname):
                add(m.start(), m.end(), "PERSON", "repeat", replace_inner=True)
    return found


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

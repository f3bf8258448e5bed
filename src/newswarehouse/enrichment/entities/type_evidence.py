"""Evidence for a mention's entity type, stronger than spaCy's guess for unfamiliar names.

Each piece of evidence has a strength; the strongest wins for the mention, and
the group of mentions naming one entity is typed by a weighted vote
(``group_type``). Vocabularies: ``[designators]`` and ``[descriptors]`` in
``data/mention_rules.toml``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newswarehouse.enrichment.entities.spans import Candidate, TokenIndex
from newswarehouse.enrichment.entities.vocab import MentionRules, name_key, word_key

if TYPE_CHECKING:
    from spacy.tokens import Token

# strengths, from spaCy's own label (1) to the gazetteer (5)
SPACY, WEAK, CONTEXT, DESIGNATOR, GAZETTEER = 1, 2, 3, 4, 5
_WEIGHT = {SPACY: 1, WEAK: 3, CONTEXT: 10, DESIGNATOR: 30, GAZETTEER: 100}
_FOLLOWERS = re.compile(r"^[A-Z][a-z]+ists$")
_COUNTRY_AFTER = re.compile(r",\s+([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3})")
_AGE = re.compile(r"^,\s*(?:aged\s+)?\d{1,3}\s*,")
_WORDS = re.compile(r"[^\W_][\w'’.&-]*")


def designator_type(text: str, rules: MentionRules) -> str | None:
    """Type fixed by a name's own words: its last word, or its first before "of"/"for"."""
    words = [word_key(w) for w in _WORDS.findall(text)]
    if len(words) < 2:
        return None
    label = rules.designators.get(words[-1])
    if label is None and len(words) >= 3:
        # the head before the first "of"/"for": "University of ...", "U.S. District Court for the ..."
        head = next((i for i, w in enumerate(words) if w in ("of", "for")), 0)
        if head >= 1:
            label = rules.designators.get(words[head - 1])
    if label is None:
        for n in (2, 1):
            label = rules.leading_designators.get(tuple(words[:n])) if len(words) > n else None
            if label is not None:
                break
    return label


def evidence(cand: Candidate, body: str, tokens: TokenIndex, rules: MentionRules) -> tuple[str, int]:
    """(type, strength) of the best evidence about ``cand`` (its spaCy label at worst)."""
    if cand.gazetteer is not None:
        return cand.gazetteer.entity_type, GAZETTEER
    text = cand.text(body)
    label = rules.known_names.get(name_key(text))
    if label is not None:
        return label, DESIGNATOR
    label = designator_type(text, rules)
    if label is not None:
        last = word_key(_WORDS.findall(text)[-1])
        if not (cand.label == "PERSON" and last in rules.surname_like):
            return label, DESIGNATOR
    label = _descriptor_type(cand, body, tokens, rules)
    if label is not None:
        return label, CONTEXT
    # followers of a creed or school are a group, not a person ("Scientologists", "Marxists")
    if cand.label == "PERSON" and _FOLLOWERS.match(text):
        return "NORP", CONTEXT
    if _AGE.match(body[cand.end : cand.end + 14]):
        return "PERSON", CONTEXT
    if any(body.startswith(sfx, cand.end) for sfx in rules.place_suffixes):
        return "GPE", WEAK
    if cand.label != "PERSON" or " " not in text.strip():
        # "Kestport, New Zealand": a town, then its country
        country = _COUNTRY_AFTER.match(body, cand.end, cand.end + 40)
        entry = rules.gazetteer.get(name_key(country.group(1))) if country is not None else None
        if entry is not None and entry.kind == "country":
            return "GPE", CONTEXT
        # "23 kilometers southeast of Varna"
        prev = tokens.previous_token(cand.start)
        before = tokens.previous_token(prev.idx) if prev is not None and prev.text == "of" else None
        if before is not None and word_key(before.text) in rules.compass_words:
            return "GPE", CONTEXT
    if cand.label == "PERSON" and " " not in text.strip():
        prev = tokens.previous_token(cand.start)
        nxt = tokens.next_token(cand.end)
        possessive = nxt is not None and nxt.text in rules.possessives
        if prev is not None and word_key(prev.text) in rules.locative_prepositions and not possessive:
            return "GPE", WEAK
    return cand.label, SPACY


def _descriptor_type(cand: Candidate, body: str, tokens: TokenIndex, rules: MentionRules) -> str | None:
    """The noun the text puts next to a name: "the critic X", "the town of X", "X, a nonprofit", "the mayor, X"."""
    prev = tokens.previous_token(cand.start)
    # a noun, not an adjective: "the critic X", but not "the official X news agency"
    if prev is not None and prev.text.islower() and prev.pos_ == "NOUN":
        label = rules.descriptors.get(word_key(prev.text))
        if label is not None:
            return label
        if word_key(prev.text) == "of":
            noun = tokens.previous_token(prev.idx)
            if noun is not None and noun.text.islower() and rules.descriptors.get(word_key(noun.text)) in ("GPE", "LOC"):
                return rules.descriptors[word_key(noun.text)]
    # a part of a town named by the noun after it: "the Wynwood neighborhood" (not "the Chicago area")
    nxt = tokens.next_token(cand.end)
    if nxt is not None and nxt.text.islower() and prev is not None and word_key(prev.text) == "the":
        label = rules.place_parts.get(word_key(nxt.text))
        if label is not None:
            return label
    span = tokens.tokens(cand.start, cand.end)
    inside = {t.i for t in span}
    comma_after = body[cand.end : cand.end + 2].lstrip().startswith(",")
    # "The mayor, X" first: spaCy attaches stray appositives to names more often than to nouns
    for t in span:
        if t.head.i in inside:
            continue
        if t.dep_ == "appos" and t.head.i < t.i:
            label = _noun_type(t.head, rules)
            if label is not None:
                return label
        # "the Althingi, Iceland's parliament": parsed as a modifier, written as an appositive
        if t.dep_ in ("nmod", "compound") and t.head.i > t.i and comma_after:
            label = _noun_type(t.head, rules)
            if label is not None:
                return label
    for t in span:
        for child in t.children:
            if child.dep_ == "appos" and child.i not in inside and child.i > t.i:
                label = _noun_type(child, rules)
                if label is not None:
                    return label
    return None


def _noun_type(tok: Token, rules: MentionRules) -> str | None:
    """A common noun's type from the descriptor vocabulary (proper nouns tell nothing here)."""
    if tok.pos_ not in ("NOUN",) or not tok.text.islower():
        return None
    return rules.descriptors.get(word_key(tok.text)) or rules.descriptors.get(word_key(tok.lemma_))


def group_type(members: Sequence[int], typed: Sequence[tuple[str, int]], fallback: str) -> str:
    """Weighted vote of the members' evidence; ties go to ``fallback`` (the representative's type)."""
    votes: Counter = Counter()
    for m in members:
        label, strength = typed[m]
        votes[label] += _WEIGHT[strength]
    best = max(votes.values())
    winners = [label for label, v in votes.items() if v == best]
    return fallback if fallback in winners else min(winners)

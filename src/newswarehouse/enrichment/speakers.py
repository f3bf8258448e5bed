"""Speakers: the phrase as written, its role, and the entity mention it refers to.

Resolution is per article and sequential (statements in body order): a
pronoun or a definite description ("the official") refers back to the
speakers already seen, roles established once ("spokesperson John Kirby")
carry over to later "Kirby"/"he" statements by the same person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newswarehouse.enrichment.quotes import ALL_MARKS
from newswarehouse.enrichment.records import Mention
from newswarehouse.enrichment.statement_rules import StatementRules
from newswarehouse.enrichment.textindex import DocIndex

if TYPE_CHECKING:
    from spacy.tokens import Token

_PHRASE_DROP_DEPS = ("relcl",)
_ROLE_SKIP_DEPS = ("det", "predet", "punct", "cc", "preconj")
_ROLE_SKIP_WORDS = ("both", "either", "neither", "all")


@dataclass(frozen=True)
class Resolved:
    speaker_text: str | None
    speaker_role: str | None
    mention_index: int | None
    entity_type: str | None


@dataclass
class _Seen:
    para: int
    char: int
    mention_index: int | None
    entity_type: str | None
    role: str | None
    nested: bool = False


def phrase_span(head: "Token", index: DocIndex) -> tuple[int, int]:
    """Characters of the speaker phrase: the subject's subtree without relative clauses."""
    toks = list(head.subtree)
    cut = min((c.left_edge.i for c in head.children if c.dep_ in _PHRASE_DROP_DEPS), default=None)
    if cut is not None:
        toks = [t for t in toks if t.i < cut]
    toks = [t for t in toks if not t.is_space]
    while toks and (toks[-1].is_punct or toks[-1].text in ALL_MARKS):
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].text in ALL_MARKS):
        toks.pop(0)
    if not toks:
        return head.idx, head.idx + len(head.text)
    return index.span_of(toks[0], toks[-1])


def speaker_kind(head: "Token", index: DocIndex, rules: StatementRules) -> str | None:
    """How a subject can speak: pronoun / entity / source / unnamed, or None if it cannot."""
    low = head.lower_
    if head.pos_ == "PRON":
        if low in rules.person_pronouns | rules.thing_pronouns | rules.group_pronouns:
            return "pronoun"
        return None
    m = index.mention_of_token(head)
    if m is not None and m.entity_type in rules.speaker_entity_types:
        return "entity"
    if head.lemma_.lower() in rules.source_class or low in rules.source_class:
        return "source"
    if head.pos_ == "NUM" and any(c.dep_ == "det" for c in head.children):
        return "unnamed"  # "the two said"
    if head.pos_ == "PROPN" and m is None:
        return "unnamed"
    return None


class SpeakerResolver:
    def __init__(self, index: DocIndex, rules: StatementRules) -> None:
        self.index = index
        self.rules = rules
        self.seen: list[_Seen] = []
        self.roles: dict[str, str] = {}

    # public -------------------------------------------------------------
    def resolve(self, head: "Token", phrase: tuple[int, int], coordinated: bool) -> Resolved:
        text = self.index.text[phrase[0] : phrase[1]]
        kind = speaker_kind(head, self.index, self.rules)
        mention: Mention | None = None
        role: str | None = None
        if kind == "pronoun":
            mention = self._antecedent(head)
        elif kind == "entity":
            mention = self._full_name(self.index.mention_of_token(head))
            role = self._role_from_phrase(head, mention)
        elif kind == "source":
            mention, role = self._source(head)
        if mention is not None:
            key = self._key(mention)
            if role:
                self.roles.setdefault(key, role)
            else:
                role = self.roles.get(key)
        return Resolved(text, role, mention.mention_index if mention else None, mention.entity_type if mention else None)

    def remember(self, char: int, resolved: Resolved, nested: bool = False) -> None:
        self.seen.append(
            _Seen(self.index.paragraph_index(char), char, resolved.mention_index, resolved.entity_type, resolved.speaker_role, nested)
        )

    def last_speaker(self, char: int, max_paragraphs: int) -> Resolved | None:
        para = self.index.paragraph_index(char)
        for s in reversed(self.seen):
            if s.char > char or s.nested:
                continue
            if para - s.para > max_paragraphs:
                return None
            return Resolved(None, s.role, s.mention_index, s.entity_type)
        return None

    # resolution ---------------------------------------------------------
    @staticmethod
    def _key(m: Mention) -> str:
        return " ".join(m.resolved_text.lower().split())

    def _full_name(self, m: Mention | None) -> Mention | None:
        """A bare surname the mention step left unresolved -> the earlier full name ending with it."""
        if m is None or m.entity_type != "PERSON" or " " in m.surface_text.strip():
            return m
        if m.resolved_text != m.surface_text:
            return m
        last = m.surface_text.lower()
        for earlier in self.index.mentions_before(m.char_start):
            if earlier.entity_type == "PERSON" and earlier.resolved_text.lower().split()[-1:] == [last] and " " in earlier.resolved_text:
                return earlier
        return m

    def _within(self, s: _Seen, para: int) -> bool:
        return para - s.para <= self.rules.antecedent_paragraphs

    def _antecedent(self, pron: "Token") -> Mention | None:
        low = pron.lower_
        para = self.index.paragraph_index(pron.idx)
        if low in self.rules.person_pronouns:
            wanted = {"PERSON"}
        elif low in self.rules.thing_pronouns:
            wanted = self.rules.speaker_entity_types - {"PERSON"}
        else:
            wanted = self.rules.speaker_entity_types - {"PERSON"}
        last_seen = next((s for s in reversed(self.seen) if s.char <= pron.idx), None)
        # A person made the subject of a sentence after the last speaker is the likelier antecedent.
        since = last_seen.char if last_seen is not None else -1
        subject = self._recent_subject(pron, wanted, since, para)
        if subject is not None:
            return self._full_name(subject) if subject.entity_type == "PERSON" else subject
        for s in reversed(self.seen):
            if s.char > pron.idx or not self._within(s, para):
                continue
            if s.entity_type in wanted and s.mention_index is not None:
                return self.index.by_index.get(s.mention_index)
        if low in self.rules.group_pronouns:
            return None  # "they" with no speaking group: too vague to guess
        for m in self.index.mentions_before(pron.idx):
            if para - self.index.paragraph_index(m.char_start) > self.rules.antecedent_paragraphs:
                break
            if m.entity_type in wanted:
                return self._full_name(m)
        return None

    def _recent_subject(self, pron: "Token", wanted: set[str] | frozenset[str], since: int, para: int) -> Mention | None:
        doc = self.index.doc
        for m in self.index.mentions_before(pron.idx):
            if m.char_start <= since:
                return None
            if para - self.index.paragraph_index(m.char_start) > self.rules.antecedent_paragraphs:
                return None
            if m.entity_type not in wanted:
                continue
            tok = doc[self.index.token_index_at(m.char_end - 1)]
            # climb compounds to the phrase head
            while tok.dep_ in ("compound", "flat") and tok.head is not tok:
                tok = tok.head
            if tok.dep_ in ("nsubj", "nsubjpass"):
                return m
        return None

    def _source(self, head: "Token") -> tuple[Mention | None, str | None]:
        cls = self.rules.source_class.get(head.lemma_.lower()) or self.rules.source_class.get(head.lower_)
        if cls == "person":
            for c in head.children:
                if c.dep_ == "appos":
                    m = self._person_in(c)
                    if m is not None:
                        return self._full_name(m), self._role_text(head, exclude=c)
            if head.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ == "the" for c in head.children):
                para = self.index.paragraph_index(head.idx)
                for s in reversed(self.seen):
                    if s.char > head.idx or not self._within(s, para):
                        continue
                    if s.entity_type == "PERSON" and s.mention_index is not None:
                        return self.index.by_index.get(s.mention_index), None
                    break
            return self._via_preposition(head), None
        if cls == "document":
            for c in head.children:
                if c.dep_ == "poss":
                    m = self.index.mention_of_token(c)
                    if m is not None and m.entity_type in self.rules.speaker_entity_types:
                        return self._full_name(m), None
            return self._via_preposition(head), None
        return None, None

    def _via_preposition(self, head: "Token") -> Mention | None:
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in self.rules.source_prepositions:
                for o in c.children:
                    if o.dep_ == "pobj":
                        m = self.index.mention_of_token(o)
                        if m is not None and m.entity_type in self.rules.speaker_entity_types:
                            return m
        return None

    def _person_in(self, tok: "Token") -> Mention | None:
        m = self.index.mention_of_token(tok)
        return m if m is not None and m.entity_type == "PERSON" else None

    # roles --------------------------------------------------------------
    def _role_from_phrase(self, head: "Token", mention: Mention | None) -> str | None:
        own = self.index.mention_of_token(head)
        if own is not None and own.title:
            return own.title
        for c in head.children:
            if c.dep_ == "appos":
                if own is not None and own.entity_type == "PERSON" and self.index.mention_of_token(c) is None:
                    return self._clean_role(c.left_edge.i, c.right_edge.i)
        if own is None:
            return None
        # Words before the name inside the phrase: "Russian President Vladimir Putin".
        left = head.left_edge.i
        first_tok_of_name = self.index.token_index_at(own.char_start)
        if first_tok_of_name <= left:
            return None
        return self._clean_role(left, first_tok_of_name - 1)

    def _role_text(self, head: "Token", exclude: "Token") -> str | None:
        lo, hi = exclude.left_edge.i, exclude.right_edge.i
        toks = [t for t in head.subtree if not (lo <= t.i <= hi) and t.dep_ != "relcl"]
        if not toks:
            return None
        return self._clean_role(toks[0].i, max(t.i for t in toks if t.i < lo or t.i > hi))

    def _clean_role(self, first: int, last: int) -> str | None:
        doc = self.index.doc
        while first <= last and (doc[first].dep_ in _ROLE_SKIP_DEPS or doc[first].lower_ in _ROLE_SKIP_WORDS or doc[first].is_space):
            first += 1
        while last >= first and (doc[last].is_punct or doc[last].is_space or doc[last].text in ALL_MARKS):
            last -= 1
        if last < first:
            return None
        words = [t for t in doc[first : last + 1] if not t.is_punct]
        if all(t.lower_.rstrip(".") in self.rules.honorifics for t in words):
            return None
        # Keep a role only if it says something besides other names ("Russia's").
        if all(self.index.mention_of_token(t) is not None or t.tag_ == "POS" for t in words):
            return None
        if words and words[0].lower_.rstrip(".") in self.rules.honorifics:
            return None
        return self.index.text[doc[first].idx : doc[last].idx + len(doc[last].text)]

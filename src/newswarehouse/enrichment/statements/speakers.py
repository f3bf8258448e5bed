"""Speakers: the phrase as written, its role, and the entity mention it refers to.

Resolution is per article and sequential (statements in body order): a
pronoun or a definite description ("the official", "the Swede") refers back
to the speakers already seen; roles established once ("spokesperson John
Kirby") carry over to later "Kirby"/"he" statements by the same person.
The NER's entity types are treated as a hint only: a name with a person's
role, an honorific or a he/she pronoun pointing at it counts as a person.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newswarehouse.enrichment.records import Mention
from newswarehouse.enrichment.statements.quotes import ALL_MARKS
from newswarehouse.enrichment.statements.rules import StatementRules
from newswarehouse.enrichment.statements.textindex import DocIndex

if TYPE_CHECKING:
    from spacy.tokens import Token

_ROLE_SKIP_DEPS = ("det", "predet", "punct", "cc", "preconj")
_ROLE_SKIP_WORDS = ("both", "either", "neither", "all")
_PARTITIVES = ("one", "some", "many", "several", "most", "two", "three", "few", "each")
_MALE_HONORIFICS = ("mr", "messrs", "sir")
_FEMALE_HONORIFICS = ("mrs", "ms", "miss", "mme", "dame")


@dataclass(frozen=True)
class Resolved:
    speaker_text: str | None
    speaker_role: str | None
    mention_index: int | None
    entity_type: str | None
    person: bool | None = None  # a person (True), a body (False), unknown (None)
    document: bool = False  # a text speaking ("the statement said"): "it" may stand for it


@dataclass
class _Seen:
    para: int
    char: int
    mention_index: int | None
    entity_type: str | None
    role: str | None
    person: bool | None
    nested: bool = False
    group: int = -1  # statements of one draft (coordinated speakers) share a group
    document: bool = False


def _relcl_cut(head: Token) -> int | None:
    """First token of the earliest relative clause inside the phrase (dropped from it)."""
    starts = [t.left_edge.i for t in head.subtree if t.dep_ == "relcl" and t.i > head.i]
    return min(starts) if starts else None


def phrase_span(head: Token, index: DocIndex, limit: int | None = None) -> tuple[int, int]:
    """Characters of the speaker phrase: the subject's subtree without relative clauses."""
    toks = [t for t in head.subtree if not t.is_space]
    cut = _relcl_cut(head)
    if cut is not None:
        toks = [t for t in toks if t.i < cut]
    if limit is not None:
        toks = [t for t in toks if t.i <= limit]
    text = index.text

    def dangling(t: Token, at_end: bool) -> bool:
        if t.text in ALL_MARKS:
            return True
        if not t.is_punct:
            return False
        span = text[toks[0].idx : toks[-1].idx + len(toks[-1].text)]
        if at_end and t.text == ")":
            return span.count("(") < span.count(")")
        if not at_end and t.text == "(":
            return span.count("(") > span.count(")")
        return True

    while toks and dangling(toks[-1], True):
        toks.pop()
    while toks and dangling(toks[0], False):
        toks.pop(0)
    if not toks:
        return head.idx, head.idx + len(head.text)
    return index.span_of(toks[0], toks[-1])


def speaker_kind(head: Token, index: DocIndex, rules: StatementRules) -> str | None:
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
    if head.pos_ == "NOUN" and head.tag_ == "NN" and _names_earlier_organisation(head, index):
        return "source"  # "the forum" after "the Glenmoray Youth Forum"
    if head.pos_ in ("NOUN", "NUM") and any(
        c.dep_ == "appos" and (cm := index.mention_of_token(c)) is not None and cm.entity_type == "PERSON"
        for c in head.children
    ):
        return "source"  # "the supervisor, Jane Doe, testified", "one of them, Jane Doe, told": a named person
    if head.pos_ == "NUM" and any(c.dep_ == "det" for c in head.children):
        return "unnamed"  # "the two said"
    if head.lower_ in _PARTITIVES and any(
        c.dep_ == "prep" and c.lower_ == "of" and any(
            o.dep_ == "pobj" and (o.tag_ == "NNS" or rules.source_class.get(o.lemma_.lower()) == "person") for o in c.children
        )
        for c in head.children
    ):
        return "source"  # "one of her nominators explained": unnamed people
    if head.pos_ == "PROPN":
        return "unnamed"  # a name the NER missed or typed as something that cannot speak
    return None


def _names_earlier_organisation(head: Token, index: DocIndex) -> bool:
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in head.children):
        return False
    return any(m.entity_type in ("ORG", "FAC") for m in index.named_before(head.lemma_, head.idx))


class SpeakerResolver:
    def __init__(self, index: DocIndex, rules: StatementRules) -> None:
        self.index = index
        self.rules = rules
        self.seen: list[_Seen] = []
        self.spans: list[tuple[int, int]] = []  # statement texts resolved so far
        self.roles: dict[str, str] = {}
        self.persons: set[str] = self._person_keys()  # mention keys with evidence of being a person
        self.gender: dict[str, str] = {}
        self._unknown_subject = False
        self._current: tuple[int, int] = (0, 0)

    def _person_keys(self) -> set[str]:
        """Names the text itself shows to be people: "X, 34, ...", "X, who ...", "Mr. X"."""
        keys: set[str] = set()
        doc = self.index.doc
        for m in self.index.mentions:
            if m.entity_type == "PERSON":
                continue
            head = self._phrase_head(m)
            for c in head.children:
                if c.i < head.i:
                    if c.lower_.rstrip(".") in _MALE_HONORIFICS + _FEMALE_HONORIFICS:
                        keys.add(self._key(m))
                    continue
                if (c.dep_ in ("appos", "amod", "npadvmod") and c.like_num) or (
                    c.dep_ == "relcl" and any(g.dep_ == "nsubj" and g.lower_ == "who" for g in c.children)
                ):
                    keys.add(self._key(m))
            prev = doc[self.index.token_index_at(m.char_start) - 1] if m.char_start > 0 else None
            if prev is not None and prev.lower_.rstrip(".") in _MALE_HONORIFICS + _FEMALE_HONORIFICS:
                keys.add(self._key(m))
        return keys

    # public -------------------------------------------------------------
    def resolve(self, head: Token, phrase: tuple[int, int], statement: tuple[int, int] = (0, 0)) -> list[Resolved]:
        """One speaker per referent: "the two countries" may stand for two.

        ``statement``: the characters of the statement itself, whose own
        subjects ("The company expects ..., it said") are not antecedents.
        """
        self._current = statement
        text = self.index.text[phrase[0] : phrase[1]]
        kind = speaker_kind(head, self.index, self.rules)
        if kind == "pronoun":
            group = self._group_antecedent(head) if head.lower_ in self.rules.group_pronouns else []
            if group:
                return [self._finish(text, m, None, self._is_person_mention(m) or None) for m in group]
            mention, person = self._antecedent(head)
            return [self._finish(text, mention, None, person)]
        if kind == "entity":
            own = self.index.mention_of_token(head)
            if own is not None and self._is_title_word(own.surface_text.lower()) and self._appositive_name(head) is not None:
                return self._source(text, head)  # "Librarian of Congress Jane Doe": the NER took the title for a name
            if own is not None and self._is_definite_description(head, own):
                return [self._last_person(text, head)]
            if own is not None and self._generic_media(own):
                return [Resolved(text, None, None, None, False)]  # "state TV said": nobody in particular
            mention = self._full_name(own)
            if mention is own and own is not None and any(c.dep_ == "det" and c.lower_ == "the" for c in head.children):
                mention = self._longer_body_name(own)
            role = self._role_from_phrase(head, own)
            self._note_honorific(head, mention)
            person = self._person_evidence(mention, role)
            return [self._finish(text, mention, role, person)]
        if kind == "unnamed" and head.pos_ == "PROPN":
            earlier = self._by_surname(head)
            if earlier is not None:
                self._note_honorific(head, earlier)
                return [self._finish(text, earlier, None, self._person_evidence(earlier, None))]
            issuer = self._organisation_modifier(head)
            if issuer is not None:
                # "Air Force Instruction 1-1 states": a document named after the body that issued it
                return [self._finish(text, issuer, None, False)]
        pair = self._pair(head)
        if pair:
            return [self._finish(text, m, None, m.entity_type == "PERSON") for m in pair]
        if kind == "source":
            return self._source(text, head)
        # A name the NER missed is most likely a person's: "he"/"she" may point at it.
        return [Resolved(text, None, None, None, True if head.pos_ == "PROPN" else None)]

    def remember(
        self,
        span: tuple[int, int],
        resolved: Resolved,
        nested: bool = False,
        group: int = -1,
        pieces: tuple[tuple[int, int], ...] = (),
    ) -> None:
        # a joined split quotation: its frame (the speaker) is not statement text
        self.spans.extend(pieces or (span,))
        self.seen.append(
            _Seen(
                self.index.paragraph_index(span[0]),
                span[0],
                resolved.mention_index,
                resolved.entity_type,
                resolved.speaker_role,
                resolved.person,
                nested,
                group,
                resolved.document,
            )
        )

    def relayed_person(self, at: Token, text: str) -> Resolved | None:
        """ "Velikov refused. “We will not sign,” the Daily Sun reported.": the person the
        outlet quotes -- the person subject just before, else the last person quoted nearby."""
        para = self.index.paragraph_index(at.idx)
        last = self._last_seen_before(at.idx)
        m = self._recent_subject(at, last.char if last is not None else -1, para, person=True, gender=None)
        if m is None and last is not None and last.person and last.mention_index is not None and para - last.para <= 1:
            m = self.index.by_index.get(last.mention_index)
        if m is None:
            return None
        return self._finish(text, self._full_name(m), None, True)

    def last_speaker(self, char: int, max_paragraphs: int) -> Resolved | None:
        para = self.index.paragraph_index(char)
        for s in reversed(self.seen):
            if s.char > char or s.nested:
                continue
            if para - s.para > max_paragraphs:
                return None
            return Resolved(None, s.role, s.mention_index, s.entity_type, s.person)
        return None

    # helpers ------------------------------------------------------------
    @staticmethod
    def _key(m: Mention) -> str:
        return " ".join(m.resolved_text.lower().split())

    def _finish(self, text: str, mention: Mention | None, role: str | None, person: bool | None) -> Resolved:
        if mention is not None:
            key = self._key(mention)
            if role:
                self.roles.setdefault(key, role)
            else:
                role = self.roles.get(key)
            if person:
                self.persons.add(key)
        return Resolved(text, role, mention.mention_index if mention else None, mention.entity_type if mention else None, person)

    def _is_person_mention(self, m: Mention) -> bool:
        return m.entity_type == "PERSON" or self._key(m) in self.persons

    def _person_evidence(self, m: Mention | None, role: str | None) -> bool | None:
        if m is None:
            return None
        if self._is_person_mention(m):
            return True
        if role and any(w.lower() in self._person_nouns() for w in role.replace(",", " ").split()):
            return True
        if m.entity_type in ("ORG", "GPE", "NORP", "FAC"):
            return False
        return None

    def _person_nouns(self) -> set[str]:
        return {k for k, v in self.rules.source_class.items() if v == "person"}

    def _note_honorific(self, head: Token, m: Mention | None) -> None:
        if m is None:
            return
        doc = self.index.doc
        for t in doc[head.left_edge.i : head.i + 1]:
            low = t.lower_.rstrip(".")
            if low in _MALE_HONORIFICS:
                self.gender.setdefault(self._key(m), "m")
                self.persons.add(self._key(m))
            elif low in _FEMALE_HONORIFICS:
                self.gender.setdefault(self._key(m), "f")
                self.persons.add(self._key(m))

    def _within(self, para_of: int, para: int) -> bool:
        return para - para_of <= self.rules.antecedent_paragraphs

    def _full_name(self, m: Mention | None) -> Mention | None:
        """A bare surname the mention step left unresolved -> the earlier full name ending with it."""
        if m is None or m.resolved_text != m.surface_text:
            return m
        words_here = m.surface_text.lower().split()
        if len(words_here) > 1 and not all(self._is_title_word(w) for w in words_here[:-1]):
            return m  # a full name of its own; "Justice Doe" is a title and a surname
        last = words_here[-1]
        for earlier in self.index.named_before(last, m.char_start):
            words = earlier.resolved_text.lower().split()
            if len(words) > 1 and words[-1] == last and earlier.entity_type in self.rules.speaker_entity_types:
                return earlier
        return m

    def _generic_media(self, m: Mention) -> bool:
        words = [w.strip(".,").lower() for w in m.surface_text.split()]
        media = self.rules.generic_media
        return any(w in media for w in words) and all(w in media or w in self.rules.generic_modifiers for w in words)

    def _generic_employer(self, head: Token) -> Mention | None:
        """ "company executives said", "ministry officials said": the body named before."""
        if head.lemma_.lower() not in self.rules.member_nouns:
            return None  # "business owners" are nobody's staff
        for c in head.children:
            if c.dep_ == "compound" and c.i < head.i and self.rules.source_class.get(c.lemma_.lower()) == "organisation":
                described = self._described(c, person=False)
                if described is not None:
                    return described
                para = self.index.paragraph_index(c.idx)
                for m in self.index.mentions_before(c.idx):
                    if para - self.index.paragraph_index(m.char_start) > 1:
                        break
                    if m.entity_type == "ORG" and not self._is_person_mention(m):
                        return m
        return None

    def _longer_body_name(self, m: Mention) -> Mention:
        """ "the Church" after "the Church of Scientology": the earlier name it shortens."""
        word = m.surface_text.strip()
        if m.entity_type != "ORG" or " " in word:
            return m
        for earlier in self.index.named_before(word.lower(), m.char_start):
            if earlier.entity_type == "ORG" and earlier.resolved_text.lower().startswith(word.lower() + " "):
                return earlier
        return m

    def _is_title_word(self, word: str) -> bool:
        w = word.rstrip(".")
        return (
            self.rules.source_class.get(w) == "person"
            or w in self.rules.honorifics
            or w in self.rules.title_abbreviations
        )

    def _by_surname(self, head: Token) -> Mention | None:
        """A name the NER missed ("Robles said") -> the earlier full name ending with it."""
        low = head.lower_
        for earlier in self.index.named_before(low, head.idx):
            words = earlier.resolved_text.lower().split()
            if len(words) > 1 and words[-1] == low and earlier.entity_type in self.rules.speaker_entity_types:
                return earlier
        return None

    # pronouns and descriptions ------------------------------------------
    def _antecedent(self, pron: Token) -> tuple[Mention | None, bool | None]:
        low = pron.lower_
        para = self.index.paragraph_index(pron.idx)
        if low in self.rules.person_pronouns:
            gender = "f" if low in ("she", "her") else "m"
            m = self._person_antecedent(pron, para, gender)
            if m is not None:
                self.gender.setdefault(self._key(m), gender)
                self.persons.add(self._key(m))
            return m, True
        body = self._body_antecedent(pron, para, recent_paragraphs=1 if low in self.rules.group_pronouns else None)
        return body, False

    def _group_antecedent(self, pron: Token) -> list[Mention]:
        """ "they" after coordinated speakers ("X and Y said ... They added") stands for all of them."""
        para = self.index.paragraph_index(pron.idx)
        last = next((s for s in reversed(self.seen) if s.char <= pron.idx and not s.nested), None)
        if last is not None and para - last.para <= 1 and last.group >= 0:
            members = [s for s in self.seen if s.group == last.group and s.mention_index is not None]
            found: list[Mention] = []
            for s in members:
                m = self.index.by_index.get(s.mention_index)
                if m is not None and all(self._key(m) != self._key(f) for f in found):
                    found.append(m)
            if len(found) > 1:
                return found
        since = last.char if last is not None else -1
        for i in range(pron.i - 1, -1, -1):
            tok = self.index.doc[i]
            if tok.idx <= since or para - self.index.paragraph_index(tok.idx) > 1:
                break
            if tok.dep_ != "nsubj" or not self._main_verb(tok.head) or any(a <= tok.idx < b for a, b in self.spans):
                continue
            heads = [tok] + [c for c in tok.subtree if c.dep_ == "conj"]
            found = [m for m in (self.index.mention_of_token(h) for h in heads) if m is not None]
            if len(found) > 1 and all(m.entity_type in self.rules.speaker_entity_types for m in found):
                return [self._full_name(m) or m for m in found]
            return []
        return []

    def _main_verb(self, v: Token) -> bool:
        """The root of its sentence, also when the parse hung it on the sentence before."""
        return v.dep_ == "ROOT" or self.index.sentence_index(v.head.idx) != self.index.sentence_index(v.idx)

    def _gender_ok(self, m: Mention, gender: str) -> bool:
        return self.gender.get(self._key(m), gender) == gender

    def _last_seen_before(self, char: int) -> _Seen | None:
        return next((s for s in reversed(self.seen) if s.char <= char), None)

    def _person_antecedent(self, pron: Token, para: int, gender: str) -> Mention | None:
        last = self._last_seen_before(pron.idx)
        since = last.char if last is not None else -1
        subject = self._recent_subject(pron, since, para, person=True, gender=gender)
        if subject is not None:
            return self._full_name(subject)
        if self._unknown_subject:
            return None
        for s in reversed(self.seen):
            if s.char > pron.idx or s.nested or not self._within(s.para, para):
                continue
            if not s.person:
                continue
            m = self.index.by_index.get(s.mention_index) if s.mention_index is not None else None
            if m is None:
                return None  # the last person quoted is unnamed: so is "he"
            if self._gender_ok(m, gender):
                return m
        for m in self.index.mentions_before(pron.idx):
            if not self._within(self.index.paragraph_index(m.char_start), para):
                break
            if self._is_person_mention(m) and self._gender_ok(m, gender):
                return self._full_name(m)
        return None

    def _body_antecedent(self, pron: Token, para: int, recent_paragraphs: int | None) -> Mention | None:
        last = self._last_seen_before(pron.idx)
        since = last.char if last is not None else -1
        subject = self._recent_subject(pron, since, para, person=False, gender=None)
        if subject is not None:
            return subject
        window = recent_paragraphs if recent_paragraphs is not None else self.rules.antecedent_paragraphs
        for s in reversed(self.seen):
            if s.char > pron.idx or s.nested or para - s.para > window:
                continue
            if s.document and pron.lower_ in self.rules.thing_pronouns and para - s.para <= 1:
                # "..., according to a statement. It also said ...": the text again
                return self.index.by_index.get(s.mention_index) if s.mention_index is not None else None
            if s.person is False:
                return self.index.by_index.get(s.mention_index) if s.mention_index is not None else None
        if recent_paragraphs is not None:
            return None  # "they" with no speaking group: too vague to guess
        # "it said": the organisation or country named last, outside reported clauses.
        for m in self.index.mentions_before(pron.idx):
            if para - self.index.paragraph_index(m.char_start) > 1:
                break
            if m.entity_type not in ("ORG", "GPE") or self._is_person_mention(m):
                continue
            if any(a <= m.char_start < b for a, b in self.spans):
                continue
            return m
        return None

    def _recent_subject(
        self, pron: Token, since: int, para: int, person: bool, gender: str | None
    ) -> Mention | None:
        """The subject of a main clause after the last statement: the likelier antecedent.

        Returns None both when there is none and when it is a name the mention
        step did not recognise (then nobody else should be guessed either);
        ``self._unknown_subject`` tells the two apart.
        """
        self._unknown_subject = False
        doc = self.index.doc
        for i in range(pron.i - 1, -1, -1):
            tok = doc[i]
            if tok.idx <= since or not self._within(self.index.paragraph_index(tok.idx), para):
                return None
            if tok.dep_ != "nsubj" or not self._main_verb(tok.head) or tok.head.i > pron.i:
                continue
            if any(a <= tok.idx < b for a, b in self.spans):
                continue  # a subject inside a reported clause is not who speaks next
            if tok.pos_ == "PRON":
                continue
            m = self.index.mention_of_token(tok)
            if m is None:
                appos = next((c for c in tok.children if c.dep_ == "appos"), None)
                m = self.index.mention_of_token(appos) if appos is not None else None
            if m is None and tok.pos_ == "PROPN":
                m = self._by_surname(tok)
                if m is None:
                    if person:
                        self._unknown_subject = True
                        return None
                    continue
            if m is None or m.entity_type not in self.rules.speaker_entity_types:
                continue
            if person != self._is_person_mention(m):
                continue
            if gender is not None and not self._gender_ok(m, gender):
                continue
            return m
        return None

    def _phrase_head(self, m: Mention) -> Token:
        tok = self.index.doc[self.index.token_index_at(m.char_end - 1)]
        hops = 0
        while tok.dep_ in ("compound", "flat", "appos") and tok.head is not tok and hops < 4:
            tok = tok.head
            hops += 1
        return tok

    @staticmethod
    def _is_definite_description(head: Token, m: Mention) -> bool:
        """ "the Swede", "the Brazilian": a nationality standing for a person named before."""
        return (
            m.entity_type == "NORP"
            and head.tag_ in ("NN", "NNP")
            and any(c.dep_ == "det" and c.lower_ == "the" for c in head.children)
        )

    def _last_person(self, text: str, head: Token) -> Resolved:
        para = self.index.paragraph_index(head.idx)
        for s in reversed(self.seen):
            if s.char > head.idx or s.nested or not self._within(s.para, para):
                continue
            if s.person and s.mention_index is not None:
                m = self.index.by_index.get(s.mention_index)
                return self._finish(text, m, None, True)
            break
        return Resolved(text, None, None, None, True)

    def _pair(self, head: Token) -> list[Mention]:
        """ "the two (countries)", "both": the last coordinated pair of speakers named before."""
        low = head.lower_
        two = low in ("two", "both") or any(c.dep_ == "nummod" and c.lower_ == "two" for c in head.children)
        if not two or (low != "both" and not any(c.dep_ == "det" for c in head.children)):
            return []
        cls = self.rules.source_class.get(head.lemma_.lower())
        para = self.index.paragraph_index(head.idx)
        for m in self.index.mentions_before(head.idx):
            if para - self.index.paragraph_index(m.char_start) > 1:
                return []
            if m.entity_type not in self.rules.speaker_entity_types:
                continue
            if cls == "person" and not self._is_person_mention(m):
                continue
            if cls == "organisation" and self._is_person_mention(m):
                continue
            tok = self.index.doc[self.index.token_index_at(m.char_end - 1)]
            while tok.dep_ in ("compound", "flat") and tok.head is not tok:
                tok = tok.head
            if tok.dep_ != "conj":
                continue
            other = self.index.mention_of_token(tok.head)
            if other is not None and other.entity_type in self.rules.speaker_entity_types and other.mention_index != m.mention_index:
                return [self._full_name(other) or other, self._full_name(m) or m]
        return []

    # common-noun speakers -----------------------------------------------
    def _source(self, text: str, head: Token) -> list[Resolved]:
        cls = self.rules.source_class.get(head.lemma_.lower()) or self.rules.source_class.get(head.lower_)
        named = self._appositive_names(head)
        if named and cls in ("person", "organisation", None):
            out = []
            for tok, m in named:
                role = None
                if cls != "organisation":
                    role = self._role_without(head, tok) or self._role_from_phrase(tok, m)
                person = True if cls != "organisation" else self._person_evidence(m, None)
                self._note_honorific(tok, m)
                out.append(self._finish(text, self._full_name(m), role, person))
            return out
        definite = any(c.dep_ == "det" and c.lower_ == "the" for c in head.children) or any(
            c.dep_ == "poss" and c.pos_ == "PRON" for c in head.children
        )
        if cls == "person":
            organisation = self._organisation_modifier(head)
            if head.tag_ in ("NN", "NNP") and (definite or organisation is not None):
                # "the official", "the President", "the agency's humanitarian chief"
                described = self._described(head, person=True)
                if described is not None:
                    return [self._finish(text, described, None, True)]
                last = self._last_person(text, head)
                if last.mention_index is not None:
                    return [last]
                # only a described post ("the agency's humanitarian chief"), not a bare
                # "the official", is taken to be the person the next sentence names
                described_post = any(c.dep_ in ("poss", "compound", "amod") and c.i < head.i for c in head.children)
                named = self._named_next(head) if described_post else None
                if named is not None:
                    return [self._finish(text, named, None, True)]
                if organisation is not None:
                    return [self._finish(text, organisation, None, False)]
                return [last]
            m = self._via_preposition(head) or organisation or self._generic_employer(head)
            return [self._finish(text, m, None, m is None or self._is_person_mention(m))]
        if cls == "document":
            return [replace(r, document=True) for r in self._document(text, head)]
        if cls == "group":
            return [Resolved(text, None, None, None, None)]
        # an organisation, named in the lexicon or by an earlier name ("the forum")
        if head.tag_ == "NN" and definite:
            described = self._described(head, person=False) or self._named_by_modifier(head)
            if described is not None:
                return [self._finish(text, described, None, False)]
        return [Resolved(text, None, None, None, False)]

    def _named_by_modifier(self, head: Token) -> Mention | None:
        """ "the U.N. refugee agency" near "UNHCR", "the Norvik agency" near "Norvik Water
        Agency": an organisation a few sentences away whose name carries the description's
        proper modifier (its letters opening an acronym, or the word itself)."""
        keys = []
        for c in head.children:
            if c.i < head.i and c.pos_ == "PROPN" and c.dep_ in ("compound", "nmod", "amod"):
                letters = "".join(ch for ch in c.text if ch.isalpha())
                if len(letters) >= 2:
                    keys.append(letters)
        if not keys:
            return None
        here = self.index.sentence_index(head.idx)
        best: tuple[int, Mention] | None = None
        for m in self.index.mentions:
            if m.entity_type != "ORG" or self._is_person_mention(m):
                continue
            if m.char_end > head.left_edge.idx and m.char_start < head.idx + len(head.text):
                continue  # the modifier itself ("U.N.") is not the body described
            gap = abs(self.index.sentence_index(m.char_start) - here)
            if gap > 3:
                continue
            name = m.resolved_text
            compact = "".join(ch for ch in name if ch.isalpha())
            words = {w.strip(".,").lower() for w in name.split()}
            carries = any(
                (k.isupper() and compact.isupper() and compact.startswith(k) and compact != k) or k.lower() in words
                for k in keys
            )
            if carries and (best is None or gap < best[0]):
                best = (gap, m)
        return best[1] if best else None

    def _document(self, text: str, head: Token) -> list[Resolved]:
        for c in head.children:
            if c.dep_ == "poss" and c.pos_ == "PRON" and c.lower_ in ("its", "their"):
                m = self._body_antecedent(c, self.index.paragraph_index(c.idx), None)
                return [self._finish(text, m, None, False)]
            if c.dep_ == "poss":
                m = self.index.mention_of_token(c)
                if m is not None and m.entity_type in self.rules.speaker_entity_types:
                    m = self._full_name(m)
                    return [self._finish(text, m, None, self._person_evidence(m, None))]
        m = self._via_preposition(head) or self._organisation_modifier(head)  # "a Pentagon report"
        return [self._finish(text, m, None, self._person_evidence(m, None))]

    def _appositive_names(self, head: Token) -> list[tuple[Token, Mention]]:
        """ "the ambassador, Jane Doe," / "researchers Jane Doe and John Roe": the names in apposition."""
        first = self._appositive_name(head)
        if first is None:
            return []
        out = [first]
        for c in first[0].subtree:
            if c.dep_ == "conj" and c.head.i == first[0].i:
                m = self.index.mention_of_token(c)
                if m is not None and m.entity_type in self.rules.speaker_entity_types and m is not first[1]:
                    out.append((c, m))
        return out

    def _described(self, head: Token, person: bool) -> Mention | None:
        """ "the department", "the judge": the entity named before with that word in its name or role.

        Falls back, for organisations, to the last organisation quoted ("the
        company said" after "Acme said").
        """
        noun = head.lemma_.lower()
        para = self.index.paragraph_index(head.idx)
        # nearest earlier entity with the word in its name (anywhere before) or in its role (nearby)
        candidates = [m for m in self.index.named_before(noun, head.idx)][:1]
        for m in self.index.mentions_before(head.idx):
            if not self._within(self.index.paragraph_index(m.char_start), para):
                break
            if noun in self._role_words(m):
                candidates.append(m)
                break
        for m in sorted(candidates, key=lambda m: -m.char_start):
            if m.entity_type not in self.rules.speaker_entity_types or self._is_person_mention(m) != person:
                continue
            return self._full_name(m) if person else m
        for s in reversed(self.seen):
            if s.char > head.idx or s.nested or not self._within(s.para, para):
                continue
            if s.mention_index is None or bool(s.person) != person:
                continue
            m = self.index.by_index.get(s.mention_index)
            if m is None:
                continue
            if noun in (s.role or "").lower().split() or (not person and m.entity_type == "ORG" and self._may_be_called(m, noun)):
                return m
        return None

    def _may_be_called(self, m: Mention, noun: str) -> bool:
        """ "the company" may stand for "Acme", not for the "World Health Organization":
        a name with a body noun of its own must carry the one used."""
        own = {w.strip(".,").lower() for w in m.resolved_text.split()}
        kinds = {w for w in own if self.rules.source_class.get(w) == "organisation"}
        return not kinds or noun in kinds

    def _role_words(self, m: Mention) -> set[str]:
        """Lemmas of the words naming m's role where it is introduced ("Circuit Judge X", "X, a judge,")."""
        doc = self.index.doc
        head = self._phrase_head(m)
        words = {t.lemma_.lower() for t in doc[head.left_edge.i : self.index.token_index_at(m.char_start)]}
        for c in head.children:
            if c.dep_ == "appos":
                words |= {t.lemma_.lower() for t in c.subtree}
        if head.dep_ == "appos":
            words |= {t.lemma_.lower() for t in doc[head.head.left_edge.i : head.head.i + 1]}
        if m.title:
            words |= {w.lower() for w in m.title.split()}
        return words

    def _appositive_name(self, head: Token) -> tuple[Token, Mention] | None:
        """ "the ambassador, Jane Doe," / "the chair of the judges, Jane Doe,": the name in apposition."""
        cut = _relcl_cut(head)
        for t in head.subtree:
            if cut is not None and t.i >= cut:
                break
            if t.dep_ == "appos" and t.i > head.i:
                m = self.index.mention_of_token(t)
                if m is not None and m.entity_type in self.rules.speaker_entity_types:
                    return t, m
        return None

    def _via_preposition(self, head: Token, depth: int = 0) -> Mention | None:
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in self.rules.source_prepositions:
                for o in c.children:
                    if o.dep_ == "pobj":
                        m = self.index.mention_of_token(o)
                        if m is not None and m.entity_type in self.rules.speaker_entity_types:
                            return m
                        # "an analysis by scientists at the institute": through the people to their body
                        if m is None and depth < 1 and self.rules.source_class.get(o.lemma_.lower()) == "person":
                            inner = self._via_preposition(o, depth + 1)
                            if inner is not None:
                                return inner
        return None

    def _organisation_modifier(self, head: Token) -> Mention | None:
        """ "a Treasury spokesperson", "the agency's chief", "Norvik executives": the body they speak for."""
        for c in head.children:
            if c.dep_ in ("compound", "poss", "nmod") and c.i < head.i:
                m = self.index.mention_of_token(c)
                if m is not None and m.entity_type == "ORG" and not self._is_person_mention(m):
                    return m
        return None

    def _named_next(self, head: Token) -> Mention | None:
        """ "The agency's chief painted a bleak picture ... \n Jane Doe told reporters": a
        description opening the story, named as the subject of the next sentence."""
        doc = self.index.doc
        here = self.index.sentence_index(head.idx)
        para = self.index.paragraph_index(head.idx)
        for t in doc[head.i + 1 :]:
            at = self.index.sentence_index(t.idx)
            if at > here + 1 or self.index.paragraph_index(t.idx) > para + 1:
                return None
            if at == here + 1 and t.dep_ == "nsubj" and self._main_verb(t.head):
                m = self.index.mention_of_token(t)
                return self._full_name(m) if m is not None and m.entity_type == "PERSON" else None
        return None

    # roles --------------------------------------------------------------
    def _role_from_phrase(self, head: Token, own: Mention | None) -> str | None:
        if own is None:
            return None
        if own.title and self._valid_role_text(own.title):
            return own.title
        for c in head.children:
            if c.dep_ == "appos" and c.i > head.i and self.index.mention_of_token(c) is None:
                cut = _relcl_cut(c)
                last = c.right_edge.i if cut is None else cut - 1
                role = self._clean_role(c.left_edge.i, last)
                if role:
                    return role
        # Words before the name inside the phrase: "Russian President Vladimir Putin".
        left = head.left_edge.i
        name_start = self.index.token_index_at(own.char_start)
        if name_start <= left:
            return None
        last = name_start - 1
        doc = self.index.doc
        person_nouns = self._person_nouns()
        # First names the NER left out of the mention ("Chief Executive Jane Doe-Smith").
        while last >= left and doc[last].pos_ == "PROPN" and doc[last].lower_ not in person_nouns and self.index.mention_of_token(doc[last]) is None:
            last -= 1
        return self._clean_role(left, last)

    def _role_without(self, head: Token, name: Token) -> str | None:
        lo, hi = name.left_edge.i, name.right_edge.i
        cut = _relcl_cut(head)
        toks = [t for t in head.subtree if not (lo <= t.i <= hi) and (cut is None or t.i < cut)]
        before = [t for t in toks if t.i < lo]
        if not before:
            return None
        return self._clean_role(before[0].i, before[-1].i)

    def _valid_role_text(self, text: str) -> bool:
        words = [w.strip(".,").lower() for w in text.split()]
        return any(w.isalpha() for w in words) and not all(w in self.rules.honorifics for w in words)

    def _clean_role(self, first: int, last: int) -> str | None:
        doc = self.index.doc
        while first <= last and (
            doc[first].dep_ in _ROLE_SKIP_DEPS
            or doc[first].lower_ in _ROLE_SKIP_WORDS
            or doc[first].is_space
            or (doc[first].dep_ == "poss" and doc[first].pos_ == "PRON")  # "its chair"
        ):
            first += 1
        while last >= first and (doc[last].is_punct or doc[last].is_space or doc[last].text in ALL_MARKS):
            last -= 1
        if last < first:
            return None
        words = [t for t in doc[first : last + 1] if not t.is_punct]
        if all(t.lower_.rstrip(".") in self.rules.honorifics for t in words):
            return None
        if words and words[0].lower_.rstrip(".") in self.rules.honorifics:
            return None
        if not any(t.is_alpha and t.pos_ in ("NOUN", "PROPN") for t in words):
            return None  # "68" (an age), "former"
        # Keep a role only if it says something besides other names ("Russia's").
        if all(self.index.mention_of_token(t) is not None or t.tag_ == "POS" for t in words):
            return None
        return self.index.text[doc[first].idx : doc[last].idx + len(doc[last].text)]

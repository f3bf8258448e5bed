"""Speech cues in the dependency parse, their subjects and the clauses they report.

Works on spaCy's parse rather than word patterns: the speaker is the subject
of the cue verb (inherited through coordination and participles: "X met Y,
warning that ..."), the statement is its clausal complement (``ccomp``,
``xcomp``), or, for cues that take one, its object ("denied any wrongdoing").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newswarehouse.enrichment.statements.cues import CueLexicon
from newswarehouse.enrichment.statements.rules import StatementRules

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

VERB_POS = ("VERB",)
CLAUSE_POS = ("VERB", "AUX")
_SUBJECT_DEPS = ("nsubj",)
_PASSIVE_DEPS = ("nsubjpass", "auxpass", "csubjpass")
_RELATIVE_WORDS = ("who", "that", "which", "whom")
# Dependency labels whose subtree is a cue's content when it follows the cue.
_CONTENT_AFTER_OBJECT = ("xcomp", "ccomp", "oprd")


@dataclass(frozen=True)
class CueHit:
    token: int  # head token: the verb, the noun, or "according"
    tokens: tuple[int, ...]  # every token of the cue
    lemma: str  # the cue as listed in the seed: "say", "point to", "according to"
    cue_class: str
    text_start: int  # cue as written, for cue_verb
    text_end: int
    kind: str  # verb | prep | object | according | noun
    second: int | None = None  # the preposition/object token of a multiword cue


@dataclass(frozen=True)
class Content:
    first: int  # token range of the reported words (inclusive)
    last: int
    nominal: bool  # a noun phrase rather than a clause
    aside: bool = False  # the cue and speaker sit inside it, set off by commas


def find_cues(doc: Doc, lex: CueLexicon) -> list[CueHit]:
    hits: list[CueHit] = []
    for t in doc:
        if t.is_space or t.is_punct:
            continue
        hit = _multiword(doc, t, lex) or _single(t, lex)
        if hit is not None:
            hits.append(hit)
    return hits


def _matches(tok: Token, word: str) -> bool:
    return tok.lower_ == word or tok.lemma_.lower() == word


def _multiword(doc: Doc, t: Token, lex: CueLexicon) -> CueHit | None:
    keys = {t.lower_, t.lemma_.lower()}
    for key in keys:
        for words, lemma, cls in lex.multi.get(key, ()):
            rest = words[1:]
            matched = _match_sequence(doc, t, rest) or _match_children(t, rest)
            if not matched:
                continue
            second = doc[matched[0]]
            if t.lower_ == "according":
                kind = "according"
            elif t.pos_ not in VERB_POS:
                continue
            elif second.pos_ in ("NOUN", "PROPN"):
                kind = "object"
            elif second.dep_ == "prt" or second.pos_ == "ADJ":
                # "pointed out that ...", "laid out a plan", "made clear that ...":
                # the words after the pair are the verb's own complements
                kind = "verb"
            else:
                kind = "prep"
            last = doc[matched[-1]]
            contiguous = matched == list(range(t.i + 1, t.i + 1 + len(matched)))
            end_tok = last if kind in ("prep", "according") and contiguous else t
            return CueHit(
                token=t.i,
                tokens=(t.i, *matched),
                lemma=lemma,
                cue_class=cls,
                text_start=t.idx,
                text_end=end_tok.idx + len(end_tok.text),
                kind=kind,
                second=second.i,
            )
    return None


def _match_sequence(doc: Doc, t: Token, rest: tuple[str, ...]) -> list[int]:
    out = []
    for k, word in enumerate(rest, start=1):
        j = t.i + k
        if j >= len(doc) or not _matches(doc[j], word):
            return []
        out.append(j)
    return out


def _match_children(t: Token, rest: tuple[str, ...]) -> list[int]:
    out = []
    cur = t
    for word in rest:
        nxt = next((c for c in cur.children if _matches(c, word) and c.i > t.i), None)
        if nxt is None:
            nxt = next((c for c in t.children if _matches(c, word) and c.i > t.i), None)
        if nxt is None:
            return []
        out.append(nxt.i)
        cur = nxt
    return out


def _single(t: Token, lex: CueLexicon) -> CueHit | None:
    lemma = t.lemma_.lower()
    cls = lex.single.get(lemma)
    if cls is None:
        return None
    if t.pos_ in VERB_POS:
        kind = "verb"
    elif t.pos_ == "NOUN":
        kind = "noun"
    else:
        return None
    return CueHit(t.i, (t.i,), lemma, cls, t.idx, t.idx + len(t.text), kind)


# --- reportedness ------------------------------------------------------------


def is_reporting(v: Token, rules: StatementRules, modal_only: bool = False) -> bool:
    """False for negated, modal, passive or cancelled cues: "did not say", "would warn", "was told", "refused to blame"."""
    if v.dep_ == "xcomp" and (v.head.lemma_.lower() in rules.cancelling_heads or not is_reporting(v.head, rules, modal_only=True)):
        return False
    if _after_cancelling_preposition(v, rules):
        return False
    for c in v.children:
        if c.dep_ == "neg":
            return False
        if c.dep_ == "aux" and c.lower_ in rules.modals:
            return False
        if c.dep_ in _PASSIVE_DEPS and not modal_only:
            return False
    return True


def as_agent(doc: Doc, v: Token) -> tuple[Token, Content] | None:
    """ "The strike will end Friday, as reported by the Sun": the agent said the host clause."""
    if v.tag_ != "VBN" or v.dep_ not in ("advcl", "acl", "ccomp") or v.head.pos_ not in CLAUSE_POS:
        return None
    if not any(c.lower_ == "as" and c.dep_ in ("mark", "advmod", "prep") for c in v.children):
        return None
    agent = next((c for c in v.children if c.dep_ == "agent"), None)
    speaker = next((o for o in agent.children if o.dep_ == "pobj"), None) if agent is not None else None
    if speaker is None:
        return None
    host = v.head
    lo, hi = host.left_edge.i, host.right_edge.i
    if v.left_edge.i > host.i:
        hi = v.left_edge.i - 1
    else:
        lo = v.right_edge.i + 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return (speaker, Content(lo, hi, nominal=False)) if hi > lo else None


def other_than_clause(v: Token) -> Content | None:
    """ "would not say more, other than that talks would resume": the exception was said."""
    for c in v.children:
        if c.lower_ == "other":
            for cl in c.children:
                marks = {m.lower_ for m in cl.children if m.dep_ == "mark"}
                if cl.pos_ in CLAUSE_POS and {"than", "that"} <= marks:
                    first = next(m.i for m in cl.children if m.lower_ == "that") + 1
                    return Content(first, cl.right_edge.i, nominal=False)
    return None


def _after_cancelling_preposition(v: Token, rules: StatementRules) -> bool:
    """ "instead of (simply) laying out plans", "without saying": no speech act took place."""
    doc = v.doc
    j = v.i - 1
    while j >= 0 and doc[j].dep_ == "advmod" and doc[j].head.i == v.i:
        j -= 1
    before = [t.lower_ for t in doc[max(0, j - 1) : j + 1]]
    return any(" ".join(before[k:]) in rules.cancelling_prepositions for k in range(len(before)))


def subject_of(v: Token, depth: int = 0) -> Token | None:
    """The active subject of a verb, inherited through coordination and participles."""
    if depth > 6:
        return None
    subjects = [c for c in v.children if c.dep_ in _SUBJECT_DEPS]
    if len(subjects) > 1:
        # "NAIROBI (VOA) — The ministry says": a dateline or caption the parse made a
        # second subject; the one nearest before the verb is the speaker
        before = [c for c in subjects if c.i < v.i]
        subjects = [before[-1]] if before else subjects[:1]
    for c in v.children:
        if c.dep_ in _SUBJECT_DEPS:
            c = subjects[0]
            if c.lower_ in _RELATIVE_WORDS and v.dep_ == "relcl":
                return v.head
            return c
        if c.dep_ in _PASSIVE_DEPS:
            return None
    head = v.head
    if head is v:
        return None
    if v.dep_ == "pcomp" and head.lower_ == "as" and head.head.pos_ in CLAUSE_POS:
        # "the paper quoted Jane Doe as saying ...": the one quoted speaks
        quoted = next((c for c in head.head.children if c.dep_ == "dobj"), None)
        if quoted is not None:
            return quoted
    if v.dep_ == "conj" and head.pos_ in CLAUSE_POS:
        return subject_of(head, depth + 1)
    if v.dep_ == "xcomp" and head.pos_ in CLAUSE_POS:
        return subject_of(head, depth + 1)
    if v.dep_ == "advcl" and v.tag_ == "VBG" and head.pos_ in CLAUSE_POS:
        return subject_of(head, depth + 1)
    if v.dep_ == "pcomp" and v.tag_ == "VBG" and head.pos_ == "ADP" and head.head.pos_ in CLAUSE_POS:
        return subject_of(head.head, depth + 1)
    return None


def subject_candidates(v: Token, evidential: frozenset[str] = frozenset()) -> list[Token]:
    """Possible speakers of a cue, likeliest first.

    A participle hanging off a reported clause ("officials emphasize that X
    remains open, stressing that ...") may belong to the clause's subject or,
    when that cannot speak, to the subject of the cue that reports the clause --
    unless it is evidential ("exports fell, indicating that ..."): then what the
    clause describes is the evidence, and nobody said it.
    """
    out = []
    first = subject_of(v)
    if v.dep_ == "conj" and v.head.dep_ == "ccomp" and not any(c.dep_ in _SUBJECT_DEPS for c in v.children):
        # "X said the guidance implied Y and questioned Z": X questioned.
        upper = subject_of(v.head.head)
        if upper is not None:
            out.append(upper)
    if first is not None:
        out.append(first)
    if v.dep_ == "advcl" and v.tag_ == "VBG" and v.lemma_.lower() not in evidential:
        h = v.head
        hops = 0
        while h.dep_ == "ccomp" and h.head is not h and hops < 3:
            up = subject_of(h.head)
            if up is not None:
                out.append(up)
            h = h.head
            hops += 1
    return out


_JOINING_ADVERBS = ("along", "together")


def coordinated(head: Token) -> list[Token]:
    """The head and its conjuncts: "both X and Y" -> [X, Y]; "X along with Y" -> [X, Y]."""
    out = [head]
    stack = [head]
    for c in head.children:
        if c.dep_ in ("prep", "advmod") and c.lower_ in _JOINING_ADVERBS:
            for w in c.children:
                if w.lower_ == "with":
                    objs = [o for o in w.children if o.dep_ == "pobj" and o.pos_ in ("PROPN", "NOUN")]
                    out.extend(objs)
                    stack.extend(objs)
    while stack:
        cur = stack.pop()
        for c in cur.children:
            if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN", "PRON"):
                out.append(c)
                stack.append(c)
    return sorted(out, key=lambda t: t.i)


# --- content -----------------------------------------------------------------


def content_of(
    hit: CueHit, doc: Doc, subject: Token | None, rules: StatementRules, cue_tokens: frozenset[int] = frozenset()
) -> Content | None:
    v = doc[hit.token]
    if hit.kind == "according":
        return _according_content(doc, hit, cue_tokens)
    if hit.kind == "noun":
        return _noun_content(v)
    if hit.kind == "prep":
        return _prep_content(doc, v, doc[hit.second] if hit.second is not None else None, rules)
    if hit.kind == "object":
        obj = doc[hit.second] if hit.second is not None else None
        if obj is None:
            return None
        return _with_object_preps(v, obj.left_edge.i, obj.right_edge.i, rules, nominal=True)
    content = _verb_content(doc, v, subject, hit, rules)
    if content is not None and cue_tokens:
        content = _cut_trailing_participle(doc, content, v, cue_tokens)
    return content


def _cut_trailing_participle(doc: Doc, content: Content, v: Token, cue_tokens: frozenset[int]) -> Content:
    """ "X said Y, adding that Z" / "X said Y and noted Z": Z is a statement of its own."""
    for i in range(content.first + 1, content.last + 1):
        t = doc[i]
        if i not in cue_tokens or t.head.i == v.i or t.right_edge.i < content.last - 1:
            continue
        participle = t.dep_ == "advcl" and t.tag_ == "VBG"
        coordinated_cue = (
            t.dep_ == "conj"
            and not any(c.dep_ in _SUBJECT_DEPS + _PASSIVE_DEPS for c in t.children)
            and any(c.dep_ == "cc" and c.lower_ in ("and", "but") for c in t.head.children if c.i < t.i)
            and any(c.dep_ in ("ccomp", "xcomp", "prep") or (c.dep_ == "dobj" and len(list(c.subtree)) >= 3) for c in t.children)
        )
        if participle or coordinated_cue:
            last = t.left_edge.i - 1
            while last > content.first and (doc[last].dep_ == "cc" or doc[last].is_punct or doc[last].is_space):
                last -= 1
            if last > content.first:
                return Content(content.first, last, content.nominal)
    return content


def _verb_content(doc: Doc, v: Token, subject: Token | None, hit: CueHit, rules: StatementRules) -> Content | None:
    children = list(v.children)
    ccomps = [c for c in children if c.dep_ == "ccomp"]
    after = [c for c in ccomps if c.i > v.i]
    before = [c for c in ccomps if c.i < v.i]
    postposed = bool(before) or (v.dep_ in ("parataxis", "conj") and v.head.i < v.i and v.head.pos_ in CLAUSE_POS)
    if after and postposed and any(t.text == "," for t in doc[v.i + 1 : after[0].left_edge.i]):
        after = []  # "Y, X said, after which Z": Y is what X said
    if before and any(t.text in (";", ":") for t in doc[before[0].right_edge.i + 1 : v.i]):
        before = []  # "A; by May, X had advised B": A is another sentence, not what X said
    if after and hit.cue_class in rules.finite_clause_only_classes and after[0].pos_ not in CLAUSE_POS:
        return None  # "found it difficult to ...": a small clause, not a finding
    if after:
        c = after[0]
        last = c.right_edge.i
        # "said X but that Y": a second that-clause coordinated to the cue itself.
        for conj in children:
            if conj.dep_ == "conj" and conj.i > last and (
                any(m.dep_ == "mark" for m in conj.children) or _continues_clause(v, c, conj)
            ):
                last = max(last, conj.right_edge.i)
        # "which the firm says is used by ...": the relative pronoun before the cue is not said.
        first = max(c.left_edge.i, v.i + 1)
        if not _has_subject(c):
            # "told analysts that volumes had fallen" misparsed with "volumes" as the
            # cue's object: the clause starts after the last "that" before it.
            that = [t.i for t in doc[v.i + 1 : first] if t.lower_ == "that"]
            if that:
                first = that[-1] + 1
            elif hit.lemma not in _ADDRESSEE_CUES and not _is_infinitive(c):
                # "warned the outbreak could spread": the clause's subject parsed as the object
                lost = [d for d in children if d.dep_ == "dobj" and v.i < d.i < first]
                if lost:
                    first = lost[0].left_edge.i
        # "urged X to do": X may hang off the cue as an object before the clause.
        objs = [d for d in children if d.dep_ in ("dobj",) and v.i < d.i < first and c.pos_ in CLAUSE_POS and _is_infinitive(c)]
        if objs:
            first = objs[0].left_edge.i
        return Content(first, last, nominal=False)
    if not before and not after:
        # "BERLIN — The economy shrank, the office said": the parse took the preposed
        # main clause for an adverbial one; with no conjunction of its own it is the report
        before = [
            c
            for c in children
            if c.dep_ == "advcl"
            and c.i < v.i
            and c.pos_ in CLAUSE_POS
            and _has_subject(c)
            and not any(m.dep_ in ("mark", "advmod") and m.i < c.i for m in c.children)
            and c.right_edge.i + 1 < len(doc)
            and doc[c.right_edge.i + 1].text == ","
        ]
    if before:
        return _preposed(doc, before[0].left_edge.i, v, subject)
    clause = _that_clause_in_prep(v)
    if clause is not None:
        return Content(clause.left_edge.i, clause.right_edge.i, nominal=False)
    if hit.cue_class in rules.finite_clause_only_classes:
        return None
    xcomps = [c for c in children if c.dep_ == "xcomp" and c.i > v.i and c.pos_ in CLAUSE_POS]
    if xcomps:
        x = xcomps[0]
        first = x.left_edge.i
        objs = [d for d in children if d.dep_ in ("dobj",) and v.i < d.i < x.i]
        if objs:
            first = objs[0].left_edge.i
        return Content(first, x.right_edge.i, nominal=False)
    # "X will Y, officials said": the reported clause is the head the cue hangs off.
    own_subject = next((c for c in children if c.dep_ in _SUBJECT_DEPS), None)
    if (
        own_subject is not None
        and v.dep_ == "advcl"
        and v.head.i > v.i
        and v.head.pos_ in CLAUSE_POS
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in children)
        and not any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in children)
    ):
        # "As one of her nominators explained, her life shows ...": the clause it introduces
        end = v.head.right_edge.i
        while end > v.head.i and (doc[end].is_punct or doc[end].is_space):
            end -= 1
        return Content(v.right_edge.i + 1, end, nominal=False)
    if own_subject is not None and _parenthetical(doc, v, own_subject):
        # "The bacteria, she added, were ...": the whole clause around the aside.
        return Content(v.head.left_edge.i, v.head.right_edge.i, nominal=False, aside=True)
    if (
        own_subject is not None
        and v.dep_ in ("conj", "parataxis", "advcl", "ccomp")
        and v.head.i < own_subject.left_edge.i
        and v.head.pos_ in CLAUSE_POS
        and not any(c.dep_ in ("dobj", "xcomp") and c.i > v.i for c in children)
    ):
        return _preposed(doc, v.head.left_edge.i, v, own_subject)
    after_det = v.i + 1 + (v.i + 1 < len(doc) and doc[v.i + 1].dep_ == "det")
    hidden = [d for d in children if d.dep_ == "dobj" and d.i == after_det]
    if hidden and hit.cue_class in rules.clausal_only_classes and hit.lemma not in _ADDRESSEE_CUES and _clause_in_object(hidden[0]):
        # "says the parasite that causes malaria is complex": the parse made the
        # clause's subject an object, its verb part of a relative clause
        return Content(hidden[0].left_edge.i, hidden[0].right_edge.i, nominal=False)
    if hit.cue_class not in rules.clausal_only_classes:
        objs = [d for d in children if d.dep_ in ("dobj",) and d.i > v.i]
        if objs:
            d = objs[0]
            content = _with_object_preps(v, d.left_edge.i, d.right_edge.i, rules, nominal=True)
            if hit.lemma in rules.nominal_needs_as and not any(
                c.dep_ == "prep" and c.lower_ == "as" for c in list(v.children) + list(d.children)
            ):
                return None  # "portrayed the king" is acting; "portrayed the plan as a trap" is a claim
            if hit.lemma in rules.nominal_needs_complement and not any(
                c.dep_ in _CONTENT_AFTER_OBJECT and c.i > d.i for c in v.children
            ):
                return None  # "called the police" is an act; "called the bill a disgrace" a statement
            return content
    # "entities it says have facilitated ...": a clause fragment right after the cue.
    nxt = v.i + 1
    if nxt < len(doc) and doc[nxt].pos_ in CLAUSE_POS and doc[nxt].dep_ != "aux" and not any(c.dep_ in ("dobj", "prep") for c in children if c.i > v.i):
        end = max(t.i for t in doc[nxt].subtree if t.i >= nxt)
        return Content(nxt, end, nominal=False)
    return None


_FINITE_TAGS = ("VBD", "VBZ", "VBP")


def _finite_tag(tok: Token) -> str | None:
    aux = [c.tag_ for c in tok.children if c.dep_ == "aux" and c.tag_ in _FINITE_TAGS]
    if aux:
        return aux[0]
    return tok.tag_ if tok.tag_ in _FINITE_TAGS else None


def _continues_clause(v: Token, clause: Token, conj: Token) -> bool:
    """ "they claim she was calm and showed no sign": a subjectless verb the parse
    coordinated with the cue although its tense is the reported clause's."""
    own = next((c for c in conj.children if c.dep_ in _SUBJECT_DEPS + _PASSIVE_DEPS), None)
    if own is not None:
        return _picks_up_clause_subject(v, clause, own)
    tense = _finite_tag(conj)
    return tense is not None and tense != _finite_tag(v) and tense == _finite_tag(clause)


_ADDRESSEE_CUES = ("tell", "inform", "brief", "ask", "answer", "question", "remind")


def _clause_in_object(obj: Token) -> bool:
    return any(
        r.dep_ == "relcl" and any(c.dep_ == "ccomp" and c.i > r.i and _has_subject(c) for c in r.children)
        for r in obj.children
    )


def _picks_up_clause_subject(v: Token, clause: Token, pron: Token) -> bool:
    """ "X says the refugees are safe, but they have nothing": "they" is the refugees,
    not X, so the coordinated clause is still what X says."""
    said = next((c for c in clause.children if c.dep_ in _SUBJECT_DEPS), None)
    speaker = next((c for c in v.children if c.dep_ in _SUBJECT_DEPS), None)
    if said is None or speaker is None or pron.pos_ != "PRON" or said.pos_ != "NOUN":
        return False
    plural = said.tag_ == "NNS"
    if pron.lower_ == "they":
        return plural and speaker.tag_ not in ("NNS", "NNPS") and speaker.lower_ not in ("they", "we")
    if pron.lower_ == "it":
        return not plural and speaker.pos_ in ("PROPN", "PRON") and speaker.lower_ != "it"
    return False


def _parenthetical(doc: Doc, v: Token, subject: Token) -> bool:
    """A cue set off by commas inside the clause it reports: ", she added,"."""
    if v.dep_ not in ("parataxis", "advcl", "ccomp", "conj") or v.head.pos_ not in CLAUSE_POS:
        return False
    own = [t.i for t in v.subtree if not t.is_punct]
    lo, hi = min(own), max(own)
    if not (v.head.left_edge.i < lo and v.head.i > hi):
        return False
    return lo > 0 and doc[lo - 1].text == "," and hi + 1 < len(doc) and doc[hi + 1].text == ","


def _that_clause_in_prep(v: Token) -> Token | None:
    """ "said in a statement that X": the clause misparsed as modifying "statement"."""
    for p in v.children:
        if p.dep_ != "prep" or p.i < v.i:
            continue
        for o in p.children:
            for c in o.children:
                if (
                    c.dep_ in ("acl", "relcl")
                    and c.pos_ in CLAUSE_POS
                    and _has_subject(c)
                    and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                ):
                    return c
    return None


def _has_subject(tok: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj", "csubjpass") for c in tok.children)


def _is_infinitive(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _preposed(doc: Doc, first: int, v: Token, subject: Token | None) -> Content | None:
    frame_start = min(v.i, subject.left_edge.i if subject is not None else v.i)
    last = frame_start - 1
    if last < first:
        return None
    sent_start = frame_start  # Token.sent walks the whole document: find the start locally
    while sent_start > 0 and not doc[sent_start].is_sent_start:
        sent_start -= 1
    return Content(max(first, sent_start), last, nominal=False)


def _with_object_preps(v: Token, first: int, last: int, rules: StatementRules, nominal: bool) -> Content:
    """Extend a nominal content with the cue's complements that follow it ("accused X of Y")."""
    for c in sorted(v.children, key=lambda t: t.i):
        if c.i <= last:
            continue
        if c.left_edge.i > last + 2:
            break
        if (c.dep_ == "prep" and c.lower_ in rules.object_prepositions) or c.dep_ in _CONTENT_AFTER_OBJECT:
            last = c.right_edge.i
            nominal = nominal and c.dep_ == "prep"
        elif c.dep_ in ("advmod", "npadvmod", "appos", "punct"):
            # "accused the referee, Jane Doe, of ...": an apposition misattached to the cue
            last = max(last, c.right_edge.i) if c.dep_ in ("npadvmod", "appos") else last
        else:
            break
    return Content(first, last, nominal=nominal)


def _prep_content(doc: Doc, v: Token, prep: Token | None, rules: StatementRules) -> Content | None:
    if prep is None:
        return None
    objs = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    if objs:
        first, last = objs[0].left_edge.i, objs[0].right_edge.i
    else:
        # A particle ("push back"): the content is the prepositional phrase after it.
        nxt = [c for c in v.children if c.dep_ == "prep" and c.i > prep.i]
        if not nxt:
            return None
        inner = [c for c in nxt[0].children if c.dep_ in ("pobj", "pcomp")]
        if not inner:
            return None
        first, last = inner[0].left_edge.i, inner[0].right_edge.i
    return _with_object_preps(v, first, last, rules, nominal=True)


def _according_content(doc: Doc, hit: CueHit, cue_tokens: frozenset[int] = frozenset()) -> Content | None:
    a = doc[hit.token]
    host = a.head
    hops = 0
    while host.pos_ not in CLAUSE_POS and host.head is not host and hops < 4:
        host = host.head
        hops += 1
    if host.i == a.i:
        return None
    # "A is so, but would B, according to X": the phrase closing the sentence covers it all
    while host.dep_ == "conj" and host.head.pos_ in CLAUSE_POS and a.i > host.i and a.right_edge.i >= host.right_edge.i - 1:
        host = host.head
    lo, hi = host.left_edge.i, host.right_edge.i
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    alo, ahi = a.left_edge.i, according_phrase_end(doc, hit)
    if alo <= lo:
        lo = ahi + 1
    elif ahi >= hi:
        hi = alo - 1
    # "According to X, A and Jane Doe said that B": the clause with a speaker of its own is not X's
    for c in host.children:
        if c.dep_ == "conj" and c.i > ahi and c.i in cue_tokens and any(s.dep_ in _SUBJECT_DEPS for s in c.children):
            cut = c.left_edge.i - 1
            while cut > lo and (doc[cut].dep_ == "cc" or doc[cut].is_punct or doc[cut].is_space):
                cut -= 1
            hi = min(hi, cut)
    if hi < lo:
        return None
    return Content(lo, hi, nominal=False)


def _noun_content(n: Token) -> Content | None:
    """ "X's warning that Y", "her promise to Y": cheap nominal cues with a clause."""
    for c in n.children:
        if c.dep_ in ("acl", "ccomp", "relcl") and c.i > n.i and c.pos_ in CLAUSE_POS:
            has_that = any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            if has_that or _is_infinitive(c):
                return Content(c.left_edge.i, c.right_edge.i, nominal=False)
    return None


def noun_speaker(n: Token) -> Token | None:
    """The possessor of a nominal cue ("Russia's denial that ...")."""
    return next((c for c in n.children if c.dep_ == "poss"), None)


def according_phrase_end(doc: Doc, hit: CueHit) -> int:
    """Last token of "according to X".

    When the clause it introduces has lost its subject to the phrase
    ("According to the historian, Jane Doe, no side had ..."), the phrase
    ends at its last comma.
    """
    a = doc[hit.token]
    end = a.right_edge.i
    host = a.head
    if host.i > end and host.pos_ in CLAUSE_POS and not _has_subject(host):
        commas = [t.i for t in doc[a.i : end + 1] if t.text == ","]
        if commas:
            return commas[-1] - 1
    return end


def according_speaker(doc: Doc, hit: CueHit) -> Token | None:
    if hit.second is None:
        return None
    return next((c for c in doc[hit.second].children if c.dep_ == "pobj"), None)


def word_count(tokens: Iterable[Token]) -> int:
    return sum(1 for t in tokens if t.is_alpha or t.like_num)

"""Attributed statements (direct quotes and reported speech) from the body.

Three passes over one document:

1. quotations (``quotes.py``) that open a sentence or follow an attribution
   frame become direct statements, attributed by the cue in the frame around
   them (``“…,” he said`` / ``X said: “…”``) or, when they have none, by the
   speaker of the statement just before (a split or continued quotation);
   quotations embedded in a sentence ("will “pay a price” if") stay part of
   whatever reported clause contains them;
2. every other speech cue (``reported.py``) whose subject can speak becomes a
   reported statement: its clausal complement, or its object for cues that
   take one;
3. speakers are resolved in body order (``speakers.py``) so that pronouns and
   definite descriptions follow the speakers already seen.

Offsets are into ``doc.text`` (the body), so ``statement_text ==
body_text[char_start:char_end]``, except for a quotation interrupted by its
attribution ("A," she said. "B."): one statement, its pieces joined by
``SPLIT_QUOTE_JOINER``, spanning from the first piece to the last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newswarehouse.enrichment.records import (
    SPLIT_QUOTE_JOINER,
    Mention,
    Sentence,
    Statement,
)
from newswarehouse.enrichment.statements.cues import load_cue_lexicon
from newswarehouse.enrichment.statements.quotes import (
    ALL_MARKS,
    CLOSE_DOUBLE,
    CLOSE_SINGLE,
    OPEN_DOUBLE,
    OPEN_SINGLE,
    Quote,
    find_quotes,
)
from newswarehouse.enrichment.statements.reported import (
    Content,
    CueHit,
    according_phrase_end,
    according_speaker,
    as_agent,
    content_of,
    coordinated,
    find_cues,
    is_reporting,
    noun_speaker,
    other_than_clause,
    subject_candidates,
    subject_of,
    word_count,
)
from newswarehouse.enrichment.statements.rules import (
    StatementRules,
    load_statement_rules,
)
from newswarehouse.enrichment.statements.speakers import (
    Resolved,
    SpeakerResolver,
    phrase_span,
    speaker_kind,
)
from newswarehouse.enrichment.statements.textindex import DocIndex, Spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_SENTENCE_END = re.compile(r"[.!?\u2026][\"\u201d\u2019')\]]*\s+")
_WORD = re.compile(r"\w+")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
# "ALDER SPRINGS — ", "LONDON, May 2 (Agency) - ", "LAGOS: ": a dateline opening the paragraph.
_DATELINE = re.compile(r"[A-Z][A-Z .'\-]+(?:,[^\n\u2014\u2013]{0,40}?)?(?:\([^)]{0,40}\))?\s*(?:[\u2014\u2013-]{1,2}|:)\s+")
_TRAILING_JUNK = ",;:\u2014\u2013-"
_SENTENCE_END_TOKENS = (".", "!", "?", "\u2026")
_FRAME_ENDINGS = (":", ",", "\u2014", "\u2013")
# A post-quote attribution frame must name its cue early: "“…,” Kirby said in a briefing".
_MAX_FRAME_LEAD = 10
_OPENING = OPEN_DOUBLE + OPEN_SINGLE
_CLOSING = CLOSE_DOUBLE + CLOSE_SINGLE


@dataclass(frozen=True)
class _Draft:
    start: int
    end: int
    direct: bool
    hit: CueHit | None
    heads: tuple[int, ...]  # speaker head tokens; empty for a continued quotation
    phrase: tuple[int, int] | None
    nested: bool = False  # reported inside someone else's quotation
    in_quote: bool = False  # its cue sits inside a direct statement's quoted words
    orphan: bool = False  # its attribution was cut off with the page: nobody known
    pieces: tuple[tuple[int, int], ...] = ()  # a split quotation's parts, when joined

    def parts(self) -> tuple[tuple[int, int], ...]:
        return self.pieces or ((self.start, self.end),)


def extract_statements(doc: Doc, sentences: Sequence[Sentence], mentions: Sequence[Mention]) -> list[Statement]:
    if not doc.text.strip():
        return []
    rules = load_statement_rules()
    index = DocIndex(doc, sentences, mentions)
    hits = find_cues(doc, load_cue_lexicon())
    by_token = {h.token: h for h in hits}
    quotes = find_quotes(index.text)
    direct, used = _direct_drafts(index, quotes, by_token, rules)
    direct = _join_split_quotes(index, direct)
    quoted = [(q.start, q.end) for q in quotes]
    reported = _drop_nested(index, _reported_drafts(index, hits, used, direct, quoted, rules), rules)
    drafts = sorted(direct + reported, key=lambda d: (d.start, d.end, d.heads))
    return _resolve(index, drafts, rules)


# --- direct quotations -----------------------------------------------------------


def _direct_drafts(
    index: DocIndex, quotes: list[Quote], by_token: dict[int, CueHit], rules: StatementRules
) -> tuple[list[_Draft], set[int]]:
    text = index.text
    out: list[_Draft] = []
    used: set[int] = set()
    last_close = -1  # closing mark of the quotations seen so far (they come in order)
    for k, q in enumerate(quotes):
        ps, pe = index.paragraph_span(q.open_mark)
        begin = ps
        last_frame = last_close + 1
        if ps <= last_close < q.open_mark:
            begin = max(begin, last_close + 1)
        if q.close_mark is not None:
            last_close = max(last_close, q.close_mark)
        ends = list(_SENTENCE_END.finditer(text, begin, q.open_mark))
        if ends:
            begin = ends[-1].end()
        pre = text[begin : q.open_mark].strip()
        starts_sentence = pre == ""
        cue_before = not starts_sentence and _ends_with_cue(index, q, by_token, rules)
        framed_before = not starts_sentence and (pre.endswith(_FRAME_ENDINGS) or cue_before)
        if not (starts_sentence or framed_before):
            continue  # embedded in a sentence: part of a reported clause, if any
        start, end = q.start, q.end
        while end > start and (text[end - 1] in _TRAILING_JUNK or text[end - 1].isspace()):
            end -= 1
        if not _WORD.search(text, start, end):
            continue
        post: list[Token] = []
        if q.close_mark is not None:
            limit = pe
            for nq in quotes[k + 1 : k + 4]:  # the next quotation, skipping ones nested before the close
                if nq.open_mark > q.close_mark:
                    limit = min(limit, nq.open_mark) if nq.open_mark < pe else limit
                    break
            for t in index.tokens_in(q.close_mark + 1, limit):
                if t.text in _SENTENCE_END_TOKENS and not (post and _is_title_abbreviation(post[-1], rules)):
                    break
                post.append(t)
        found = None
        if cue_before:
            found = _attribution(index, index.tokens_in(begin, q.open_mark), by_token, rules, after=False)
        if found is None and post:
            found = _attribution(index, post, {**by_token, **_frame_only_cues(post, rules)}, rules, after=True)
        if found is None and framed_before:
            found = _attribution(index, index.tokens_in(begin, q.open_mark), by_token, rules, after=False)
        if found is None and starts_sentence and not any(t.is_alpha for t in post):
            found = _frame_sentence_before(index, q.open_mark, max(ps, last_frame), by_token, used, rules)
        if found is not None:
            hit, heads, phrase = found
            used.add(hit.token)
            lead = _lead_in(index, begin, q.open_mark) if framed_before and not cue_before and pre.endswith(",") else None
            if lead is not None and index.doc[hit.token].idx > q.open_mark:
                # 'To the community, “this is a time to come together,” X said': the
                # lead-in is part of what was said, so the statement is reported
                out.append(_Draft(lead, end, False, hit, heads, phrase))
            else:
                out.append(_Draft(start, end, True, hit, heads, phrase))
        elif starts_sentence and not any(t.is_alpha for t in post):
            out.append(_Draft(start, end, True, None, (), None))
        elif starts_sentence and q.close_mark is not None and _frame_cut_off(text, q, post):
            # “…,” NPS Re| -- the page stops inside the attribution
            out.append(_Draft(start, end, True, None, (), None, orphan=True))
    return out, used


def _lead_in(index: DocIndex, begin: int, open_mark: int) -> int | None:
    """Where a verbless lead-in of three words or more ('To the Army family worldwide, “…”') starts."""
    start = begin
    if start == index.paragraph_span(begin)[0]:
        dateline = _DATELINE.match(index.text, start, open_mark)
        if dateline:
            start = dateline.end()
    toks = index.tokens_in(start, open_mark)
    if word_count(toks) < 3 or any(t.pos_ in ("VERB", "AUX") for t in toks):
        return None
    return toks[0].idx


def _frame_sentence_before(
    index: DocIndex, open_mark: int, lo: int, by_token: dict[int, CueHit], used: set[int], rules: StatementRules
) -> tuple[CueHit, tuple[int, ...], tuple[int, int]] | None:
    """ "Velikov told Mara. “I am glad ...”": a cue sentence with nothing reported, right before."""
    text = index.text
    ends = list(_SENTENCE_END.finditer(text, lo, open_mark))
    if not ends or ends[-1].end() != open_mark or text[ends[-1].start()] not in ".:":
        return None
    start = ends[-2].end() if len(ends) > 1 else lo
    tokens = index.tokens_in(start, ends[-1].start() + 1)
    found = _attribution(index, tokens, by_token, rules, after=False)
    if found is None or found[0].token in used:
        return None
    v = index.doc[found[0].token]
    if any(c.dep_ in ("ccomp", "xcomp") for c in v.children) or found[0].kind != "verb":
        return None
    return found


def _frame_only_cues(post: list[Token], rules: StatementRules) -> dict[int, CueHit]:
    """ "“…,” she continued.": verbs that report speech only as a quotation's frame."""
    out = {}
    for t in post:
        if t.pos_ == "VERB" and t.lemma_.lower() in rules.frame_only_cues and not any(
            c.dep_ in ("dobj", "xcomp", "ccomp") and c.i > t.i for c in t.children
        ):
            out[t.i] = CueHit(t.i, (t.i,), t.lemma_.lower(), "neutral", t.idx, t.idx + len(t.text), "verb")
    return out


def _frame_cut_off(text: str, q: Quote, post: list[Token]) -> bool:
    if q.close_mark is None or text[q.close_mark - 1] != ",":
        return False
    rest = text[q.close_mark + 1 : q.close_mark + 200]
    if len(rest) == 200:
        return False  # the page goes on: not cut off here
    rest = rest.strip()
    return bool(rest) and len(rest.split()) <= _MAX_FRAME_LEAD and not any(c in rest for c in ".!?\n")


def _ends_with_cue(index: DocIndex, q: Quote, by_token: dict[int, CueHit], rules: StatementRules) -> bool:
    """ 'Ardern said "This will be ...': a speech cue right before a quoted sentence, no comma
    ('the study showed “a worrying lack”' quotes words inside the reported clause)."""
    if not index.text[q.start : q.start + 1].isupper():
        return False
    before = [t for t in index.tokens_in(max(0, q.open_mark - 40), q.open_mark) if not t.is_space]
    if not before or before[-1].i not in by_token:
        return False
    hit = by_token[before[-1].i]
    return hit.kind == "verb" and hit.cue_class not in rules.finite_clause_only_classes


def _join_split_quotes(index: DocIndex, drafts: list[_Draft]) -> list[_Draft]:
    """ "A," she said. "B.": a quotation with no attribution of its own continues
    the quotation before it in the same paragraph, as one statement."""
    out: list[_Draft] = []
    for d in drafts:
        prev = out[-1] if out else None
        same_frame = d.hit is not None and prev is not None and prev.hit is not None and d.hit.token == prev.hit.token
        if (
            not d.orphan
            and (d.hit is None or same_frame)  # “A,” she said, “B.”: one frame for both
            and prev is not None
            and index.paragraph_index(prev.start) == index.paragraph_index(d.start)
        ):
            out[-1] = replace(prev, end=d.end, pieces=(*prev.parts(), (d.start, d.end)))
        else:
            out.append(d)
    return out


def _attribution(
    index: DocIndex, tokens: list[Token], by_token: dict[int, CueHit], rules: StatementRules, after: bool
) -> tuple[CueHit, tuple[int, ...], tuple[int, int]] | None:
    doc = index.doc
    in_frame = {t.i for t in tokens}
    words = [t for t in tokens if not t.is_punct and t.text not in ALL_MARKS]
    if not words:
        return None
    hits = [by_token[t.i] for t in tokens if t.i in by_token and by_token[t.i].kind != "noun"]
    if not after:
        hits.reverse()
    for hit in hits:
        v = doc[hit.token]
        if after and v in words and words.index(v) > _MAX_FRAME_LEAD:
            continue
        if after and any(c.dep_ == "ccomp" and c.i > v.i and c.i in in_frame for c in v.children):
            continue  # “…” Jane also said the plan would ...: a new statement, not this one's frame
        limit = None
        if hit.kind == "according":
            subj = according_speaker(doc, hit)
            limit = according_phrase_end(doc, hit)
        else:
            if not is_reporting(v, rules):
                continue
            subj = subject_of(v)
            if subj is None or subj.i not in in_frame:
                # a caption line glued to the paragraph can lend the cue a second subject
                subj = next((c for c in v.children if c.dep_ == "nsubj" and c.i in in_frame), None)
            if subj is None:
                subj = _inverted_subject(doc, hit, in_frame)
        if subj is None or subj.i not in in_frame:
            continue
        titled = _name_after_titles(index, subj, in_frame, rules)
        if titled is not None:
            subj, title = titled, subj
        heads = _speaker_heads(index, subj, rules)
        if not heads:
            continue
        phrase = phrase_span(subj, index, limit)
        if titled is not None:
            phrase = (min(phrase[0], title.idx), phrase[1])
        if after:
            first = words[0]
            if first.i not in hit.tokens and not (phrase[0] <= first.idx < phrase[1]):
                # “…,” Spc. Jane Doe said: the rank the splitter cut off opens the phrase
                lead = [t for t in doc[first.i : index.token_index_at(phrase[0])] if not t.is_space]
                if not lead or not all(
                    t.text == "." or _is_title_abbreviation(t, rules) or _ORDINAL.fullmatch(t.text) for t in lead
                ):
                    continue
                phrase = (first.idx, phrase[1])
        return hit, heads, phrase
    return None


def _is_title_abbreviation(tok: Token, rules: StatementRules) -> bool:
    """ "Pvt", "Sgt", "Lt" before the period the sentence splitter took for a full stop."""
    return tok.lower_.rstrip(".") in rules.title_abbreviations


def _name_after_titles(index: DocIndex, subj: Token, in_frame: set[int], rules: StatementRules) -> Token | None:
    """ "said Pvt. Oren Saltz", "said 2nd Lt. Ana Reyes": the parse takes the rank for
    the subject; the speaker is the person named right after it."""
    # (the NER may take a lone rank for a person's name)
    if not (_is_title_abbreviation(subj, rules) or (_ORDINAL.fullmatch(subj.text) and index.mention_of_token(subj) is None)):
        return None
    doc = index.doc
    for j in range(subj.i + 1, min(subj.i + 8, len(doc))):
        t = doc[j]
        if j not in in_frame:
            return None
        m = index.mention_of_token(t)
        if m is not None:
            if m.entity_type != "PERSON":
                return None
            return doc[index.token_index_at(m.char_end - 1)]
        if not (t.text == "." or t.pos_ in ("PROPN", "NUM") or _is_title_abbreviation(t, rules)):
            return None
    return None


def _speaker_heads(index: DocIndex, subj: Token, rules: StatementRules, any_noun: bool = False) -> tuple[int, ...]:
    """Coordinated speakers, one per referent ("Marrow & Finch" is one name).

    ``any_noun``: every noun can be the source ("according to a schedule").
    """
    heads: list[int] = []
    seen_mentions: set[int] = set()
    doc = index.doc
    conjuncts = coordinated(subj)
    if len(conjuncts) > 1 and subj.i + 1 < len(doc) and doc[subj.i + 1].text == ",":
        # "Sgt. Jane Doe, Support Company, Army North": what follows the name after
        # a comma is the speaker's unit and posts (“X, Y and Z said” is rare
        # enough to lose to that)
        conjuncts = [subj]
    # "its publisher, Acme & Co": a name after a comma only is an apposition
    # the parser took for a conjunct; the common noun it names is not a second speaker.
    appositive_heads = {
        h.head.i
        for h in conjuncts
        if h.dep_ == "conj"
        and h.head.pos_ == "NOUN"
        and h.pos_ == "PROPN"
        and not any(t.dep_ == "cc" for t in doc[h.head.i + 1 : h.i])
    }
    for h in conjuncts:
        if h.i in appositive_heads or speaker_kind(h, index, rules) is None:
            continue
        m = index.mention_of_token(h)
        if m is not None:
            if m.mention_index in seen_mentions:
                continue
            seen_mentions.add(m.mention_index)
        heads.append(h.i)
    if not heads and any_noun and subj.pos_ in ("NOUN", "PROPN"):
        heads.append(subj.i)
    return tuple(heads)


def _inverted_subject(doc: Doc, hit: CueHit, in_frame: set[int]) -> Token | None:
    """ "“…,” said Kirby": the speaker right after the cue."""
    j = max(hit.tokens) + 1
    if j not in in_frame:
        return None
    tok = doc[j]
    if tok.pos_ not in ("PROPN", "NOUN", "PRON", "DET", "ADJ"):
        return None
    # walk to the head of the noun phrase that starts here
    while tok.dep_ in ("compound", "flat", "det", "amod", "poss") and tok.head.i in in_frame and tok.head.i > tok.i:
        tok = tok.head
    return tok if tok.pos_ in ("PROPN", "NOUN", "PRON") else None


# --- reported speech -------------------------------------------------------------


def _reported_drafts(
    index: DocIndex,
    hits: list[CueHit],
    used: set[int],
    direct: list[_Draft],
    quoted: list[tuple[int, int]],
    rules: StatementRules,
) -> list[_Draft]:
    doc = index.doc
    direct_spans = Spans(p for d in direct for p in d.parts())
    quoted_spans = Spans(quoted)
    out: list[_Draft] = []
    seen: set[tuple[int, int, tuple[int, ...]]] = set()
    cue_tokens = frozenset(h.token for h in hits if h.kind == "verb")
    for hit in hits:
        if hit.token in used:
            continue
        v = doc[hit.token]
        limit = None
        override: Content | None = None  # the content, when the construction fixes it
        agent = as_agent(doc, v) if hit.kind == "verb" else None
        if hit.kind == "according":
            subj = according_speaker(doc, hit)
            limit = according_phrase_end(doc, hit)
        elif hit.kind == "noun":
            subj = noun_speaker(v)
        elif agent is not None:
            subj, override = agent
        else:
            if not is_reporting(v, rules):
                override = other_than_clause(v)
                if override is None:
                    continue
            quote = direct_spans.containing(v.idx)
            subj = next(
                (
                    c
                    for c in subject_candidates(v, rules.evidential_participles)
                    if (
                        any(speaker_kind(h, index, rules) is not None for h in coordinated(c))
                        or (quote is not None and _first_person(c, rules))
                    )
                    # a cue inside a quotation takes its subject from inside it
                    and (quote is None or quote[0] <= c.idx < quote[1])
                ),
                None,
            )
        if subj is None:
            continue
        title_at: int | None = None
        titled = _name_after_titles(index, subj, set(range(subj.i, min(subj.i + 8, len(doc)))), rules)
        if titled is not None:
            subj, title_at = titled, subj.idx  # "according to Maj. Jane Doe": the rank the splitter cut off
        in_quote = direct_spans.containing(v.idx) is not None
        if in_quote and _first_person(subj, rules):
            # “We continue to stress that ...”: the quote's speaker reports a clause
            # (“we urge them to stop” is the quotation's own appeal, not a second statement)
            if not any(c.dep_ == "ccomp" and c.i > v.i for c in v.children):
                continue
            heads: tuple[int, ...] = (subj.i,)
        else:
            heads = _speaker_heads(index, subj, rules, any_noun=hit.kind == "according")
        if not heads:
            continue
        content = override or content_of(hit, doc, subj, rules, cue_tokens)
        span = _content_span(index, content, hit) if content is not None else None
        need = rules.min_clausal_words
        if content is not None and content.nominal:
            need = rules.min_nominal_words_by_class.get(hit.cue_class, rules.min_nominal_words)
        if span is None or word_count(index.tokens_in(*span)) < need:
            # the page was cut off mid-statement: "Jane Doe said that disentangling"
            tail = _cut_off_tail(index, hit, subj)
            if tail is None:
                continue
            last = doc[tail[1]]
            content, span = Content(tail[0], tail[1], nominal=False), _balance(index.text, doc[tail[0]].idx, last.idx + len(last.text))
            if span is None:
                continue
        start, end = span
        if content.nominal and _is_addressee(index, content, rules):
            continue
        if hit.kind != "according" and agent is None and not content.aside and start <= subj.idx < end:
            continue  # the parse folded the speaker into the clause: not trustworthy
        nested = quoted_spans.containing(v.idx) is not None
        if direct_spans.containing(v.idx) is None and any(
            _overlap(start, end, a, b) > 0.5 * (end - start) for a, b in direct_spans.overlapping(start, end)
        ):
            continue  # the same words as a direct quotation, reached through its frame
        key = (start, end, heads)
        if key in seen:
            continue
        seen.add(key)
        phrase = phrase_span(subj, index, limit)
        if title_at is not None:
            phrase = (min(title_at, phrase[0]), phrase[1])
        out.append(_Draft(start, end, False, hit, heads, phrase, nested, in_quote))
    return out


def _cut_off_tail(index: DocIndex, hit: CueHit, subj: Token) -> tuple[int, int] | None:
    """The words after a cue that the stored page cut off before the sentence ended."""
    doc, text = index.doc, index.text
    if hit.kind != "verb" or subj.i > hit.token:
        return None
    body_end = len(text)
    while body_end > 0 and text[body_end - 1].isspace():
        body_end -= 1
    if body_end == 0 or text[body_end - 1] in ".!?\u2026\"\u201d\u2019')":
        return None
    last = len(doc) - 1
    while last > hit.token and doc[last].is_space:
        last -= 1
    first = max(hit.tokens) + 1
    while first <= last and (doc[first].lower_ == "that" or doc[first].is_punct):
        first += 1
    if first > last or index.sentence_index(doc[first].idx) != index.sentence_index(doc[hit.token].idx):
        return None
    if index.sentence_index(doc[last].idx) != index.sentence_index(doc[hit.token].idx):
        return None
    if not any(t.is_alpha for t in doc[first : last + 1]):
        return None
    return first, last


def _first_person(tok: Token, rules: StatementRules) -> bool:
    return tok.pos_ == "PRON" and tok.lower_ in rules.quoted_self_pronouns


def _drop_nested(index: DocIndex, drafts: list[_Draft], rules: StatementRules) -> list[_Draft]:
    """Reports inside reports and quotations count only when someone in particular speaks.

    "Kirby said: “the DPRK has said it will not sell”" is two statements, and so
    are “I told the council that ...” and “People report ...” inside a direct
    quotation (the quoted speaker; unnamed people); "Hughes said he feared
    that ..." and "“They keep telling us ...”" are one.
    """
    doc = index.doc
    by_paragraph: dict[int, list[_Draft]] = {}
    for d in drafts:
        by_paragraph.setdefault(index.paragraph_index(d.start), []).append(d)
    out = []
    for d in drafts:
        kinds = [speaker_kind(doc[h], index, rules) for h in d.heads]
        if d.nested and not all(
            k == "entity" or (d.in_quote and ((k == "source" and _reports_something(doc, d)) or _first_person(doc[h], rules)))
            for k, h in zip(kinds, d.heads)
        ):
            continue
        cue_at = index.doc[d.hit.token].idx if d.hit else d.start
        inside = any(
            o is not d and o.start <= cue_at < o.end and o.start <= d.start and d.end <= o.end + 1
            for o in by_paragraph[index.paragraph_index(d.start)]
        )
        if inside and all(
            k == "pronoun"
            or (k == "source" and (_generic(doc[h]) or _source_class(doc[h], rules) == "document"))
            for k, h in zip(kinds, d.heads)
        ):
            # the reporter's speaker again ("X said he feared"), people in general,
            # or a text the speaker cites ("X said the agreement showed ..."); a joint
            # subject naming someone else ("X said he and Y had agreed that ...") stays
            continue
        out.append(d)
    return out


def _reports_something(doc: Doc, d: _Draft) -> bool:
    """ "People report a lot of raids", "a court said that ...", not "customers told us
    to expect" or "an employee who objects to ...": a clause or a thing, in a main clause."""
    if d.hit is None or d.hit.kind in ("according", "noun"):
        return True
    v = doc[d.hit.token]
    if v.dep_ == "relcl":
        return False
    return d.hit.kind != "verb" or any(
        c.dep_ == "ccomp" or (c.dep_ == "dobj" and c.pos_ != "PRON") or (c.dep_ == "mark" and c.lower_ == "as")
        for c in v.children
    )


def _source_class(head: Token, rules: StatementRules) -> str | None:
    return rules.source_class.get(head.lemma_.lower()) or rules.source_class.get(head.lower_)


def _generic(head: Token) -> bool:
    """A bare plural ("companies must tell employees"): nobody in particular."""
    return not any(c.dep_ in ("det", "poss", "nummod", "compound", "amod") for c in head.children)


def _overlap(a: int, b: int, c: int, d: int) -> int:
    return max(0, min(b, d) - max(a, c))


def _is_addressee(index: DocIndex, content: Content, rules: StatementRules) -> bool:
    """A bare person or named entity as object is who was spoken to, not what was said."""
    doc = index.doc
    span = doc[content.first : content.last + 1]
    roots = [t for t in span if not (content.first <= t.head.i <= content.last) or t.head is t]
    if len(roots) != 1:
        return False
    root = roots[0]
    if any(c.dep_ in ("prep", "acl", "relcl", "ccomp", "xcomp") and c.i > root.i for c in root.children):
        return False  # "accused the lawyers of cherry-picking": the charge is the content
    kind = speaker_kind(root, index, rules)
    if kind in ("pronoun", "entity", "unnamed"):
        return True
    return kind == "source" and rules.source_class.get(root.lemma_.lower()) == "person"


def _content_span(index: DocIndex, content: Content, hit: CueHit) -> tuple[int, int] | None:
    doc, text = index.doc, index.text
    first, last = content.first, content.last
    while first <= last and (
        doc[first].is_space
        or (doc[first].is_punct and doc[first].text not in _OPENING)
        or (doc[first].dep_ == "mark" and doc[first].lower_ == "that")
    ):
        first += 1
    while last >= first and (doc[last].is_space or (doc[last].is_punct and doc[last].text not in _CLOSING + '"')):
        last -= 1
    if last < first:
        return None
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    ps, pe = index.paragraph_span(doc[hit.token].idx)
    start, end = max(start, ps), min(end, pe)
    if start == ps:
        dateline = _DATELINE.match(text, start, end)
        if dateline:
            start = dateline.end()
    return _balance(text, start, end)


def _balance(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim whitespace, trailing commas and quotation marks that have no partner inside."""
    while start < end:
        if text[start].isspace():
            start += 1
        elif text[end - 1].isspace() or text[end - 1] in _TRAILING_JUNK or text[end - 1] in _CLOSING + '"' and _unpartnered_close(text[start:end]):
            end -= 1
        elif text[start] in _OPENING + '"' and _unpartnered_open(text[start:end]):
            start += 1
        else:
            break
    return (start, end) if end > start else None


def _unpartnered_close(s: str) -> bool:
    if s[-1] == '"':
        return s.count('"') % 2 == 1
    if s[-1] in CLOSE_SINGLE:
        return False  # an apostrophe ends "the players’": leave it
    return sum(s.count(c) for c in OPEN_DOUBLE) < sum(s.count(c) for c in CLOSE_DOUBLE)


def _unpartnered_open(s: str) -> bool:
    if s[0] == '"':
        return s.count('"') % 2 == 1
    if s[0] in OPEN_SINGLE:
        return s.count(OPEN_SINGLE[0]) > s.count(CLOSE_SINGLE[0])
    return sum(s.count(c) for c in OPEN_DOUBLE) > sum(s.count(c) for c in CLOSE_DOUBLE)


# --- speakers, in body order ------------------------------------------------------


def _resolve(index: DocIndex, drafts: list[_Draft], rules: StatementRules) -> list[Statement]:
    doc, text = index.doc, index.text
    resolver = SpeakerResolver(index, rules)
    out: list[Statement] = []
    quoted: list[tuple[_Draft, list[Resolved]]] = []  # direct statements resolved so far
    for draft_no, d in enumerate(drafts):
        cue = text[d.hit.text_start : d.hit.text_end] if d.hit else None
        lemma = d.hit.lemma if d.hit else None
        if d.orphan:
            out.append(_statement(index, len(out), d, None, None, None, None))
            continue
        if not d.heads:
            prev = resolver.last_speaker(d.start, rules.continuation_paragraphs)
            if prev is None:
                continue  # a quotation nobody can be found to have said
            out.append(_statement(index, len(out), d, None, None, prev.speaker_role, prev.mention_index))
            resolver.remember((d.start, d.end), prev, d.nested, pieces=d.parts())
            continue
        phrase = d.phrase or (doc[d.heads[0]].idx, doc[d.heads[0]].idx + len(doc[d.heads[0]].text))
        if d.in_quote and _first_person(doc[d.heads[0]], rules):
            own = _quoted_self(index, doc[d.heads[0]], quoted)
            if own is not None:
                out.append(_statement(index, len(out), d, cue, lemma, own.speaker_role, own.mention_index, own.speaker_text))
                resolver.remember((d.start, d.end), own, True, pieces=d.parts())
            continue
        resolved_here: list[Resolved] = []
        for h in d.heads:
            found = resolver.resolve(doc[h], phrase, (d.start, d.end))
            if d.direct and d.hit is not None and d.hit.lemma in rules.relay_cues and not any(r.person and r.mention_index is not None for r in found):
                relayed = resolver.relayed_person(doc[index.token_index_at(d.start)], found[0].speaker_text or "")
                found = [relayed] if relayed is not None else found
            for r in found:
                out.append(_statement(index, len(out), d, cue, lemma, r.speaker_role, r.mention_index, r.speaker_text))
                resolver.remember((d.start, d.end), r, d.nested, group=draft_no, pieces=d.parts())
                resolved_here.append(r)
        if d.direct:
            quoted.append((d, resolved_here))
    return out


def _quoted_self(index: DocIndex, pron: Token, quoted: list[tuple[_Draft, list[Resolved]]]) -> Resolved | None:
    """ "I" inside a quotation is its speaker; "we" the organisation named with the
    speaker ("EPA Administrator Jane Doe", "Jane Doe of the agency"), else the speaker."""
    at = pron.idx
    for d, resolved in reversed(quoted):
        if not any(a <= at < b for a, b in d.parts()):
            continue
        if len(resolved) != 1:
            return None
        speaker = resolved[0]
        if pron.lower_ != "i" and d.phrase is not None:
            bodies = [
                m
                for m in index.mentions_overlapping(*d.phrase)
                if m.entity_type in ("ORG", "GPE", "NORP") and m.mention_index != speaker.mention_index
            ]
            if bodies:
                m = bodies[0]
                return Resolved(pron.text, None, m.mention_index, m.entity_type, False)
        return Resolved(pron.text, speaker.speaker_role, speaker.mention_index, speaker.entity_type, speaker.person)
    return None


def _statement(
    index: DocIndex,
    i: int,
    d: _Draft,
    cue: str | None,
    lemma: str | None,
    role: str | None,
    mention_index: int | None,
    speaker_text: str | None = None,
) -> Statement:
    return Statement(
        statement_index=i,
        sentence_index=index.sentence_index(d.start),
        char_start=d.start,
        char_end=d.end,
        statement_text=SPLIT_QUOTE_JOINER.join(index.text[a:b] for a, b in d.parts()),
        is_direct_quote=d.direct,
        cue_verb=cue,
        cue_lemma=lemma,
        speaker_text=speaker_text,
        speaker_role=role,
        speaker_mention_index=mention_index,
    )

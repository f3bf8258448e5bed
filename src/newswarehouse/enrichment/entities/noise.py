"""Spans spaCy tags as names that are not names, and glue around real ones.

Each rule goes by form or by a generic vocabulary (``[noise]`` in
``data/mention_rules.toml``): a lone capitalised common noun ("Soldiers"), a
time zone, a degree after a name, a disease, a span without a letter, a word
cut off where the stored page stops; and the repairs of a name glued to the
word before it ("communitiesThe Agency", "Call Jane Roe").
"""

from __future__ import annotations

import re

from newswarehouse.enrichment.entities.spans import Candidate, TokenIndex
from newswarehouse.enrichment.entities.type_evidence import designator_type
from newswarehouse.enrichment.entities.vocab import MentionRules, name_key, word_key

_GLUED = re.compile(r"[a-z]{2,}(?=[A-Z])")
_LEADING_WORD = re.compile(r"([A-Za-z][\w-]*)\s+(?=[A-Z])")
_GENERIC_LEAD = re.compile(r"([A-Za-z]+)\s+(?:at|of|from|in|with)\s+(?=[A-Z])")
_SERIAL = re.compile(r"^(?:[A-Z]|\d{1,3}[A-Z]?|[IVX]{1,4})$")
_CUT_END = re.compile(r"[.!?…\"'”’)\]]\s*$")


def is_noise(c: Candidate, body: str, rules: MentionRules) -> bool:
    """True when the span cannot be a name whatever the article says."""
    text = c.text(body)
    if not any(ch.isalpha() for ch in text):
        return True
    key = name_key(text)
    if key in rules.never_names or key in rules.honorifics or key in rules.class_plurals:
        return True
    words = key.split()
    if words and words[0] in rules.diseases and all(w.isdigit() for w in words[1:]):
        return True
    if len(words) >= 2 and words[-1] in rules.class_plurals:
        return True
    if len(words) >= 2 and words[-1] in rules.work_heads:
        return True
    if len(words) == 2 and words[0] in rules.serial_heads and _SERIAL.match(text.split()[-1]):
        return True
    # spaCy's LAW without a law's own word ("Act", "Treaty") is a programme or a clause
    if c.label == "LAW" and designator_type(text, rules) != "LAW":
        return True
    return _cut_off(c, body)


def is_work_title(c: Candidate, body: str, tokens: TokenIndex, rules: MentionRules) -> bool:
    """The span opens the title of an award or a work ("Edward Vance Service" + "to Justice Award")."""
    nxt = tokens.next_token(c.end)
    for _ in range(5):
        if nxt is None:
            return False
        if nxt.text[:1].isupper() and word_key(nxt.text) in rules.work_heads:
            return True
        if not (nxt.text[:1].isupper() or word_key(nxt.text) in rules.function_words):
            return False
        nxt = tokens.next_token(nxt.idx + len(nxt.text))
    return False


def _cut_off(c: Candidate, body: str) -> bool:
    """The page stops inside this name: its last word may be a fragment ("... to blame Sci")."""
    tail = body.rstrip()
    return c.end >= len(tail) and not _CUT_END.search(tail)


def unglue(c: Candidate, body: str, rules: MentionRules) -> Candidate | None:
    """Cut a lower-case word glued in front ("partnersThe Agency") and a contact verb ("Call Jane Roe")."""
    start = c.start
    text = body[start : c.end]
    m = _GLUED.match(text)
    if m is not None:
        start += m.end()
    m = _LEADING_WORD.match(body, start, c.end)
    while m is not None and (word_key(m.group(1)) in rules.leading_verbs or
                             (start != c.start and word_key(m.group(1)) in rules.determiners)):
        start = m.end()
        m = _LEADING_WORD.match(body, start, c.end)
    # a generic noun spaCy took into the name ("Airmen at Eagle Flag", "Soldiers from Fort X")
    m = _GENERIC_LEAD.match(body, start, c.end)
    if m is not None and name_key(m.group(1)) in rules.never_names:
        start = m.end()
    if start == c.start:
        return c
    if start >= c.end:
        return None
    return Candidate(start, c.end, c.label, title=c.title, origin=c.origin)

"""Named-entity mentions from the body, trimmed and resolved within the article.

STUB: replaced by the real implementation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from newswarehouse.enrichment.records import Mention, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

KEPT_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT")


def extract_mentions(doc: "Doc", sentences: Sequence[Sentence]) -> list[Mention]:
    starts = [s.char_start for s in sentences]
    out: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_TYPES:
            continue
        idx = max((i for i, st in enumerate(starts) if st <= ent.start_char), default=0)
        out.append(Mention(len(out), idx, ent.start_char, ent.end_char, ent.text, ent.label_, ent.text))
    return out

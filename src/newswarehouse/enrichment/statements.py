"""Attributed statements (direct quotes and reported speech) from the body.

STUB: replaced by the real implementation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from newswarehouse.enrichment.records import Mention, Sentence, Statement

if TYPE_CHECKING:
    from spacy.tokens import Doc


def extract_statements(doc: "Doc", sentences: Sequence[Sentence], mentions: Sequence[Mention]) -> list[Statement]:
    return []

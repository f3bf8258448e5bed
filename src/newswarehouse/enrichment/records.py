"""The records the per-document enrichment step produces.

Every offset is a Python string index into ``ParsedArticle.body_text`` (the
cleaned body), never into the raw text, so that analysts can slice
``stg_articles.body_text`` with ``substr(body_text, char_start + 1, char_end - char_start)``.
These dataclasses are the only contract between the NLP code and the loader
that writes them to DuckDB; dbt reads the resulting tables as sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newswarehouse.parsing.article import ParsedArticle

# The words of the one enrichment error that is about the input (a body too long for the NLP),
# not a pipeline failure: the quality gates tell the two apart by them.
NLP_LIMIT_ERROR = "exceeds the NLP limit"


@dataclass(frozen=True)
class Sentence:
    sentence_index: int  # 0-based, in body order
    char_start: int
    char_end: int
    text: str  # == body_text[char_start:char_end]


@dataclass(frozen=True)
class Mention:
    """One named-entity mention, trimmed of determiners, possessives and titles."""

    mention_index: int  # 0-based, in body order
    sentence_index: int
    char_start: int
    char_end: int
    surface_text: str  # == body_text[char_start:char_end]
    entity_type: str  # PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, LAW, PRODUCT
    # In-article resolution: the fullest form this mention refers to within the
    # article ("Jake Sullivan" for "Sullivan"/"Mr. Sullivan", the expansion of a
    # defined acronym). Cross-article resolution in dbt starts from this.
    resolved_text: str
    # A title or role written right before the name ("President",
    # "National Security Advisor"), or None.
    title: str | None = None


# A quotation interrupted by its attribution ("A," she said. "B.") is one
# statement whose text is the quoted pieces joined by this marker; its offsets
# run from the first piece's start to the last piece's end.
SPLIT_QUOTE_JOINER = " ... "


def statement_matches_body(body: str, char_start: int, char_end: int, text: str) -> bool:
    """``text`` is the body slice, or its pieces (joined split quotation) in order
    with the first starting and the last ending the slice."""
    span = body[char_start:char_end]
    if text == span:
        return True
    pieces = text.split(SPLIT_QUOTE_JOINER)
    if len(pieces) < 2 or not (span.startswith(pieces[0]) and span.endswith(pieces[-1])):
        return False
    at = 0
    for piece in pieces:
        found = span.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


@dataclass(frozen=True)
class Statement:
    """One attributed statement: who said what."""

    statement_index: int  # 0-based, in body order
    sentence_index: int  # first sentence of the statement
    char_start: int  # offsets of statement_text in body_text
    char_end: int
    # == body_text[char_start:char_end], or for a split quotation its pieces
    # joined by SPLIT_QUOTE_JOINER (see statement_matches_body)
    statement_text: str
    is_direct_quote: bool
    cue_verb: str | None  # as written: "said", "warned", "according to"
    cue_lemma: str | None  # "say", "warn", "according to"
    speaker_text: str | None  # as written: "National Security Advisor Jake Sullivan", "he"
    speaker_role: str | None  # "National Security Advisor", or None
    # The mention the speaker resolves to (pronouns and short names followed to
    # their antecedent); None for unnamed sources ("officials said").
    speaker_mention_index: int | None = None


@dataclass(frozen=True)
class EnrichedDocument:
    article_id: str
    parsed: ParsedArticle
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    statements: tuple[Statement, ...] = ()
    # Near-duplicate fingerprints (MinHash over word shingles, and the shingles'
    # hashes for containment); the comparison across documents happens in dbt.
    minhash: tuple[int, ...] = field(default_factory=tuple)
    shingle_hashes: tuple[int, ...] = field(default_factory=tuple)
    error: str | None = None  # set when enrichment failed for this document

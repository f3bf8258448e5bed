"""The public tables of ../shared/CONTRACT.md: name -> {column: DuckDB type}."""

CONTRACT: dict[str, dict[str, str]] = {
    "raw.articles": {
        "article_id": "VARCHAR", "source_uri": "VARCHAR", "raw_text": "VARCHAR", "byte_size": "BIGINT",
        "load_id": "VARCHAR", "landed_at": "TIMESTAMP",
    },
    "raw.rejected_files": {"source_uri": "VARCHAR", "reason": "VARCHAR", "load_id": "VARCHAR", "rejected_at": "TIMESTAMP"},
    "staging.stg_articles": {
        "article_id": "VARCHAR", "title": "VARCHAR", "publisher": "VARCHAR", "author": "VARCHAR",
        "published_date": "DATE", "body_text": "VARCHAR", "word_count": "INTEGER", "duplicate_of": "VARCHAR",
    },
    "staging.stg_sentences": {
        "article_id": "VARCHAR", "sentence_index": "INTEGER", "char_start": "INTEGER", "char_end": "INTEGER",
        "text": "VARCHAR",
    },
    "marts.dim_articles": {
        "article_id": "VARCHAR", "title": "VARCHAR", "publisher": "VARCHAR", "author": "VARCHAR",
        "published_date": "DATE", "word_count": "INTEGER", "duplicate_of": "VARCHAR", "source_uri": "VARCHAR",
        "landed_at": "TIMESTAMP", "entity_count": "INTEGER", "statement_count": "INTEGER",
    },
    "marts.dim_entities": {
        "entity_id": "VARCHAR", "canonical_name": "VARCHAR", "entity_type": "VARCHAR", "aliases": "VARCHAR[]",
        "article_count": "INTEGER", "mention_count": "INTEGER", "first_seen_date": "DATE", "last_seen_date": "DATE",
    },
    "marts.fct_entity_mentions": {
        "mention_id": "VARCHAR", "article_id": "VARCHAR", "entity_id": "VARCHAR", "sentence_index": "INTEGER",
        "surface_text": "VARCHAR", "char_start": "INTEGER", "char_end": "INTEGER",
    },
    "marts.fct_statements": {
        "statement_id": "VARCHAR", "article_id": "VARCHAR", "sentence_index": "INTEGER",
        "speaker_entity_id": "VARCHAR", "speaker_text": "VARCHAR", "speaker_role": "VARCHAR", "cue_verb": "VARCHAR",
        "statement_text": "VARCHAR", "is_direct_quote": "BOOLEAN", "char_start": "INTEGER", "char_end": "INTEGER",
    },
    "marts.bridge_statement_entities": {"statement_id": "VARCHAR", "entity_id": "VARCHAR"},
    "audit.load_runs": {
        "load_id": "VARCHAR", "started_at": "TIMESTAMP", "finished_at": "TIMESTAMP", "status": "VARCHAR",
        "files_seen": "INTEGER", "articles_landed": "INTEGER", "files_rejected": "INTEGER",
        "failed_checks": "VARCHAR[]",
    },
}

# Tables filled by later issues (entity and statement marts): present, maybe empty.
DATA_TABLES = [name for name in CONTRACT if not name.startswith("audit.")]

"""Named entities of one article: spans, types and in-article resolution.

``mentions.extract_mentions`` is the entry point; its rules and gazetteers live in
``data/``. Cross-article resolution is SQL in dbt (``int_entity_keys_*``).
"""

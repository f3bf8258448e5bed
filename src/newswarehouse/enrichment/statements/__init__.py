"""Who said what in one article: quotations, reported speech and their speakers.

``extract.extract_statements`` is the entry point; grammar rules live in
``rules.toml``, the cue verbs in the dbt seed ``speech_verbs.csv``.
"""

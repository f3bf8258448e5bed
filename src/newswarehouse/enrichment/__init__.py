"""Per-document enrichment: a stateless map from raw article text to records."""

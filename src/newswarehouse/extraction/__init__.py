"""Landed content of any type -> ``ParsedArticle`` (metadata and chrome-free body)."""

from newswarehouse.extraction.article import extract_article

__all__ = ["extract_article"]

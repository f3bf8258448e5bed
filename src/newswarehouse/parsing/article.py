"""What the parser makes of one raw page: metadata and the chrome-free body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ParsedArticle:
    """Metadata and chrome-free body of one raw article."""

    title: str | None
    publisher: str | None
    author: str | None
    published_date: date | None
    body_text: str
    # Lines dropped as page chrome, with the rule that dropped them: kept so a
    # reviewer can see *why* text vanished (nothing is lost silently).
    removed_lines: tuple[tuple[str, str], ...] = ()

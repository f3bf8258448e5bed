"""A structured date field (ISO 8601, RFC 2822, or free text) -> a calendar date."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    # The calendar day as written: converting a local time to UTC could move it.
    match = _ISO_DAY.match(value)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser

    try:
        parsed: datetime | None = dateparser.parse(value, settings={"STRICT_PARSING": True})
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.date() if parsed else None

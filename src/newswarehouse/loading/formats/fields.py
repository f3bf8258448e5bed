"""A scraper's JSON record -> article fields, by the profiles of ``json_fields.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FIELDS = ("text", "title", "author", "date", "publisher", "url", "language")


@dataclass(frozen=True)
class RecordFields:
    profile: str
    text: str | None = None
    title: str | None = None
    author: str | None = None
    date: str | None = None
    publisher: str | None = None
    url: str | None = None
    language: str | None = None


@cache
def _profiles() -> tuple[tuple[str, tuple[str, ...], dict[str, tuple[str, ...]]], ...]:
    data = tomllib.loads((Path(__file__).with_name("json_fields.toml")).read_text(encoding="utf-8"))
    return tuple(
        (name, tuple(spec.get("when", ())), {f: tuple(spec.get(f, ())) for f in FIELDS})
        for name, spec in data["profiles"].items()
    )


def _lookup(record: dict[str, Any], key: str) -> Any:
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _as_text(value: Any, joiner: str = ", ") -> str | None:
    if isinstance(value, list):
        # Authors as strings or as {"name": ...} objects (schema.org style); text as a list of paragraphs.
        parts = [_as_text(v.get("name") if isinstance(v, dict) else v) for v in value]
        value = joiner.join(p for p in parts if p)
    elif isinstance(value, dict):
        value = value.get("name")
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _valid(field: str, value: str) -> bool:
    # `source`/`link` mean a URL in some feeds and a name in others: only a web address counts.
    return field != "url" or value.startswith(("http://", "https://"))


def map_record(record: dict[str, Any]) -> RecordFields:
    for name, when, keys in _profiles():
        if all(k in record for k in when):
            found: dict[str, str | None] = {}
            for field in FIELDS:
                found[field] = next(
                    (v for k in keys[field]
                     if (v := _as_text(_lookup(record, k), "\n" if field == "text" else ", ")) and _valid(field, v)),
                    None,
                )
            return RecordFields(profile=name, **found)
    return RecordFields(profile="none")

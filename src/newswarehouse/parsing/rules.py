"""The parser's rules file (``rules.toml``), loaded and compiled once."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Iterable

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")


def normalize(text: str) -> str:
    """Lower-cased, quote- and dash-folded text with single spaces: what vocabularies match on."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _DASHES.sub("-", text).replace('"', "")
    return _SPACES.sub(" ", text).strip().lower()


class PhraseSet:
    """Whole-word, case-insensitive matcher for a vocabulary of phrases."""

    def __init__(self, phrases: Iterable[str]):
        self.phrases = tuple(sorted({normalize(p) for p in phrases if p.strip()}, key=len, reverse=True))
        alternation = "|".join(re.escape(p) for p in self.phrases)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)") if self.phrases else None
        self._exact = frozenset(self.phrases)
        # per-phrase patterns, indexed by first word: only phrases that can occur are tried
        self._by_first: dict[str, list[re.Pattern[str]]] = {}
        for p in self.phrases:
            first = _WORDS.findall(p)[:1]
            key = first[0] if first else ""
            self._by_first.setdefault(key, []).append(re.compile(rf"(?<!\w){re.escape(p)}(?!\w)"))

    def findall(self, norm_text: str) -> list[str]:
        """Every (overlapping-free) hit in already-normalised text."""
        return self._pattern.findall(norm_text) if self._pattern else []

    def count_overlapping(self, norm_text: str) -> list[str]:
        """Hits of every phrase, nested ones included ("subscribe to" and "subscribe")."""
        if not self.phrases:
            return []
        present = set(_WORDS.findall(norm_text))
        hits: list[str] = []
        for first in present & self._by_first.keys():
            for pattern in self._by_first[first]:
                hits.extend(pattern.findall(norm_text))
        return hits

    def is_exact(self, norm_text: str) -> bool:
        return norm_text in self._exact

    def prefix_of(self, norm_text: str) -> str | None:
        """The longest phrase the text starts with (on a word boundary), or None."""
        for phrase in self.phrases:
            if norm_text.startswith(phrase):
                rest = norm_text[len(phrase):]
                if not rest or not (rest[0].isalnum() or phrase[-1:].isalnum() and rest[0] == "'"):
                    return phrase
        return None

    def __contains__(self, word: str) -> bool:
        return word in self._exact


@dataclass(frozen=True)
class Rules:
    raw: dict[str, Any]
    stopwords: frozenset[str]
    chrome_strong: PhraseSet
    chrome_weak: PhraseSet
    spam: PhraseSet
    marker_exact: PhraseSet
    marker_end: PhraseSet
    marker_prefix: PhraseSet
    credit_words: PhraseSet
    credit_phrases: PhraseSet
    byline_prefixes: PhraseSet
    byline_stop_words: PhraseSet
    name_particles: frozenset[str]
    contributor_phrases: PhraseSet
    publisher_prefixes: tuple[str, ...]
    copyright_markers: tuple[str, ...]
    month_words: frozenset[str]
    weekday_words: frozenset[str]
    date_labels: dict[str, int]
    date_label_set: PhraseSet
    section_words: frozenset[str]
    media_patterns: tuple[re.Pattern[str], ...]
    markup_patterns: tuple[re.Pattern[str], ...]
    credit_suffix_patterns: tuple[re.Pattern[str], ...]

    def section(self, name: str) -> dict[str, Any]:
        return self.raw[name]


@cache
def load_rules() -> Rules:
    """The packaged rules, parsed and compiled on first use."""
    text = resources.files(__package__).joinpath("rules.toml").read_text(encoding="utf-8")
    return rules_from_dict(tomllib.loads(text))


def rules_from_dict(raw: dict[str, Any]) -> Rules:
    meta, dates, caps = raw["meta"], raw["dates"], raw["captions"]
    return Rules(
        raw=raw,
        stopwords=frozenset(w.lower() for w in raw["stopwords"]["words"]),
        chrome_strong=PhraseSet(raw["chrome"]["strong"]),
        chrome_weak=PhraseSet(raw["chrome"]["weak"]),
        spam=PhraseSet(raw["spam"]["words"]),
        marker_exact=PhraseSet(raw["markers"]["exact"] + raw["markers"]["end"]),
        marker_end=PhraseSet(raw["markers"]["end"]),
        marker_prefix=PhraseSet(raw["markers"]["prefix"]),
        credit_words=PhraseSet(caps["credit_words"]),
        credit_phrases=PhraseSet(caps["credit_phrases"]),
        byline_prefixes=PhraseSet(meta["byline_prefixes"]),
        byline_stop_words=PhraseSet(meta["byline_stop_words"]),
        name_particles=frozenset(w.lower() for w in meta["name_particles"]),
        contributor_phrases=PhraseSet(meta["credit_phrases"]),
        publisher_prefixes=tuple(normalize(p) for p in meta["publisher_prefixes"]),
        copyright_markers=tuple(m.lower() for m in meta["copyright_markers"]),
        month_words=frozenset(dates["month_words"]),
        weekday_words=frozenset(dates["weekday_words"]),
        date_labels={normalize(k): int(v) for k, v in dates["labels"].items()},
        date_label_set=PhraseSet(dates["labels"].keys()),
        section_words=frozenset(raw["title"]["section_words"]),
        media_patterns=tuple(re.compile(p, re.I) for p in raw["noise"]["media_patterns"]),
        markup_patterns=tuple(re.compile(p, re.I) for p in raw["noise"]["markup_patterns"]),
        credit_suffix_patterns=tuple(re.compile(p) for p in caps["credit_suffix_patterns"]),
    )

"""The parser's rules file (``rules.toml``), loaded and compiled once."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_TOKENS = re.compile(r"\w+(?:'\w+)*")


def normalize(text: str) -> str:
    """Lower-cased, quote- and dash-folded text with single spaces: what vocabularies match on."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _DASHES.sub("-", text).replace('"', "")
    return _SPACES.sub(" ", text).strip().lower()


def tokens(norm_text: str) -> list[str]:
    """Word tokens of normalised text, as vocabularies are matched on them."""
    return _TOKENS.findall(norm_text)


class PhraseSet:
    """Whole-word matcher for a vocabulary of phrases (on normalised, lower-case text).

    Plain-word phrases are looked up as token n-grams (fast on long
    paragraphs); the few with symbols ("pictured:", "(c)") use a regex.
    """

    def __init__(self, phrases: Iterable[str]):
        self.phrases = tuple(sorted({normalize(p) for p in phrases if p.strip()}, key=len, reverse=True))
        self._exact = frozenset(self.phrases)
        self._grams: dict[tuple[str, ...], str] = {}
        symbolic = []
        for p in self.phrases:
            toks = tuple(_TOKENS.findall(p))
            if toks and " ".join(toks) == p:
                self._grams[toks] = p
            else:
                symbolic.append(p)
        self._max_n = max((len(t) for t in self._grams), default=0)
        self._firsts = frozenset(t[0] for t in self._grams)
        alternation = "|".join(re.escape(p) for p in symbolic)
        self._symbolic = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)") if symbolic else None

    def findall(self, norm_text: str, toks: list[str] | None = None) -> list[str]:
        """Every hit, nested ones included ("subscribe to" and "subscribe"), in text order."""
        if toks is None:
            toks = _TOKENS.findall(norm_text)
        hits: list[str] = []
        grams, max_n, n_toks, firsts = self._grams, self._max_n, len(toks), self._firsts
        for i in range(n_toks):
            if toks[i] not in firsts:
                continue
            for n in range(1, min(max_n, n_toks - i) + 1):
                p = grams.get(tuple(toks[i:i + n]))
                if p is not None:
                    hits.append(p)
        if self._symbolic is not None:
            hits.extend(self._symbolic.findall(norm_text))
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

    def suffix_of(self, norm_text: str) -> str | None:
        """The longest phrase the text ends with (on a word boundary), or None."""
        for phrase in self.phrases:
            if norm_text.endswith(phrase):
                before = norm_text[: len(norm_text) - len(phrase)]
                if not before or not before[-1].isalnum():
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
    credit_line_prefixes: PhraseSet
    byline_prefixes: PhraseSet
    byline_stop_words: PhraseSet
    name_particles: frozenset[str]
    rank_words: frozenset[str]
    team_words: frozenset[str]
    byline_roles_set: frozenset[str]
    affiliation_suffixes: PhraseSet
    affiliation_openers: frozenset[str]
    release_words: PhraseSet
    release_kinds: PhraseSet
    contact_prefixes: PhraseSet
    sign_on_patterns: tuple[re.Pattern[str], ...]
    told_pattern: re.Pattern[str]
    org_heads: frozenset[str]
    contributor_phrases: PhraseSet
    contributor_openers: tuple[str, ...]
    publisher_prefixes: tuple[str, ...]
    publisher_phrases: tuple[str, ...]
    publisher_weak_prefixes: tuple[str, ...]
    copyright_markers: tuple[str, ...]
    month_words: frozenset[str]
    weekday_words: frozenset[str]
    date_labels: dict[str, int]
    date_label_set: PhraseSet
    section_words: frozenset[str]
    media_patterns: tuple[re.Pattern[str], ...]
    markup_patterns: tuple[re.Pattern[str], ...]
    credit_suffix_patterns: tuple[re.Pattern[str], ...]
    chrome_patterns: tuple[re.Pattern[str], ...]
    nav_separators: re.Pattern[str]
    end_patterns: tuple[re.Pattern[str], ...]

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
        credit_line_prefixes=PhraseSet(caps["credit_line_prefixes"]),
        byline_prefixes=PhraseSet(meta["byline_prefixes"]),
        byline_stop_words=PhraseSet(meta["byline_stop_words"]),
        name_particles=frozenset(w.lower() for w in meta["name_particles"]),
        rank_words=frozenset(w.lower() for w in meta["rank_words"]),
        team_words=frozenset(w.lower() for w in meta["team_words"]),
        byline_roles_set=frozenset(normalize(r) for r in meta["byline_roles"]),
        affiliation_suffixes=PhraseSet(raw["furniture"]["affiliation_suffixes"]),
        affiliation_openers=frozenset(w.lower() for w in raw["furniture"]["affiliation_openers"]),
        release_words=PhraseSet(raw["furniture"]["release_words"]),
        release_kinds=PhraseSet(raw["furniture"]["release_kinds"]),
        contact_prefixes=PhraseSet(raw["furniture"]["contact_prefixes"]),
        sign_on_patterns=tuple(re.compile(p) for p in raw["furniture"]["sign_on_patterns"]),
        told_pattern=re.compile(raw["furniture"]["told_pattern"]),
        org_heads=frozenset(w.lower() for w in raw["furniture"]["org_heads"]),
        contributor_phrases=PhraseSet(meta["credit_phrases"]),
        contributor_openers=tuple(normalize(p) for p in meta["credit_openers"]),
        publisher_prefixes=tuple(normalize(p) for p in meta["publisher_prefixes"]),
        publisher_phrases=tuple(normalize(p) for p in meta["publisher_phrases"]),
        publisher_weak_prefixes=tuple(normalize(p) for p in meta["publisher_weak_prefixes"]),
        copyright_markers=tuple(m.lower() for m in meta["copyright_markers"]),
        month_words=frozenset(dates["month_words"]),
        weekday_words=frozenset(dates["weekday_words"]),
        date_labels={normalize(k): int(v) for k, v in dates["labels"].items()},
        date_label_set=PhraseSet(dates["labels"].keys()),
        section_words=frozenset(raw["title"]["section_words"]),
        media_patterns=tuple(re.compile(p, re.IGNORECASE) for p in raw["noise"]["media_patterns"]),
        markup_patterns=tuple(re.compile(p, re.IGNORECASE) for p in raw["noise"]["markup_patterns"]),
        credit_suffix_patterns=tuple(re.compile(p) for p in caps["credit_suffix_patterns"]),
        chrome_patterns=tuple(re.compile(p) for p in raw["noise"]["chrome_patterns"]),
        nav_separators=re.compile(raw["nav"]["separators"]),
        end_patterns=tuple(re.compile(p) for p in raw["markers"]["end_patterns"]),
    )

"""The data behind the mention step: vocabularies (mention_rules.toml) and the country gazetteer.

Both files sit in ``enrichment/data/`` so that an editor can extend them
without touching code; they are read once per process.
"""

from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
RULES_FILE = DATA_DIR / "mention_rules.toml"
GAZETTEER_FILE = DATA_DIR / "gazetteer_countries.csv"
REGIONS_FILE = DATA_DIR / "gazetteer_regions.csv"

_APOSTROPHES = "'’‘`´"


def name_key(text: str) -> str:
    """Comparison key of a name: no case, diacritics, dots, apostrophes or hyphens.

    ``Kim Jong-un`` and ``Kim Jong Un`` share a key, as do ``U.S.`` and ``US``.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(f"[.{_APOSTROPHES}]", "", text)
    return re.sub(r"[\W_]+", " ", text).strip()


def word_key(word: str) -> str:
    """Key of a single vocabulary word: lower case, without a trailing full stop."""
    return word.lower().rstrip(".").replace("’", "'")


@dataclass(frozen=True)
class GazetteerEntry:
    canonical: str  # the country name, or the adjective for a demonym
    kind: str  # "country" (name or alternative name), "capital", "demonym" or "region" (a state, a province)

    @property
    def entity_type(self) -> str:
        return "NORP" if self.kind == "demonym" else "GPE"


@dataclass(frozen=True)
class MentionRules:
    kept_types: frozenset[str]
    determiners: frozenset[str]
    honorifics: frozenset[str]
    possessives: tuple[str, ...]
    edge_punctuation: str
    title_heads: frozenset[str]
    title_modifiers: frozenset[str]
    title_phrases: tuple[tuple[str, ...], ...]  # longest first, as word keys
    title_phrase_keys: frozenset[str]  # the same, joined by spaces
    name_titles: frozenset[str]
    person_org_heads: frozenset[str]
    geo_heads: frozenset[str]
    event_nouns: frozenset[str]
    split_characters: str
    split_strings: tuple[str, ...]
    function_words: frozenset[str]
    headline_capitalised_share: float
    headline_min_content_words: int
    headline_max_words: int
    min_short_form_chars: int
    name_suffixes: frozenset[str]
    surname_particles: frozenset[str]
    gazetteer: dict[str, GazetteerEntry]
    designators: dict[str, str]  # word -> entity type
    leading_designators: dict[tuple[str, ...], str]  # first words -> entity type
    reported_as: dict[str, str]  # entity type -> type it is reported as
    surname_like: frozenset[str]
    droppable: frozenset[str]
    droppable_phrases: tuple[tuple[str, ...], ...]
    standalone_bodies: frozenset[str]
    place_bodies: tuple[tuple[str, ...], ...]
    descriptors: dict[str, str]  # noun -> entity type
    locative_prepositions: frozenset[str]
    place_suffixes: tuple[str, ...]
    compass_words: frozenset[str]
    place_parts: dict[str, str]  # noun -> entity type
    known_names: dict[str, str]  # name key -> entity type
    never_names: frozenset[str]  # name keys: generic nouns, time zones, post-nominals
    diseases: frozenset[str]
    class_plurals: frozenset[str]
    work_heads: frozenset[str]
    serial_heads: frozenset[str]
    leading_verbs: frozenset[str]

    def is_title_word(self, word: str) -> bool:
        key = word_key(word)
        return key in self.title_heads or key in self.title_modifiers


@lru_cache(maxsize=1)
def load_rules() -> MentionRules:
    with RULES_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    words = lambda values: frozenset(word_key(v) for v in values)
    phrases = sorted(
        (tuple(word_key(w) for w in p.split()) for p in raw["titles"]["phrases"]),
        key=len,
        reverse=True,
    )
    return MentionRules(
        kept_types=frozenset(raw["kept_types"]),
        determiners=words(raw["trim"]["determiners"]),
        honorifics=words(raw["trim"]["honorifics"]),
        possessives=tuple(sorted(raw["trim"]["possessives"], key=len, reverse=True)),
        edge_punctuation=raw["trim"]["edge_punctuation"],
        title_heads=words(raw["titles"]["heads"]),
        title_modifiers=words(raw["titles"]["modifiers"]),
        title_phrases=tuple(phrases),
        title_phrase_keys=frozenset(" ".join(p) for p in phrases),
        name_titles=words(raw["titles"]["name_titles"]),
        person_org_heads=words(raw["spans"]["person_org_heads"]),
        geo_heads=words(raw["spans"]["geo_heads"]),
        event_nouns=words(raw["spans"]["event_nouns"]),
        split_characters=raw["spans"]["split_characters"],
        split_strings=tuple(raw["spans"]["split_strings"]),
        function_words=words(raw["spans"]["function_words"]),
        headline_capitalised_share=float(raw["headlines"]["capitalised_share"]),
        headline_min_content_words=int(raw["headlines"]["min_content_words"]),
        headline_max_words=int(raw["headlines"]["max_words"]),
        min_short_form_chars=int(raw["resolution"]["min_short_form_chars"]),
        name_suffixes=words(raw["resolution"]["name_suffixes"]),
        surname_particles=words(raw["resolution"]["surname_particles"]),
        gazetteer=load_gazetteer(GAZETTEER_FILE, REGIONS_FILE),
        designators=_typed_words(raw["designators"]),
        leading_designators={
            tuple(word_key(w) for w in phrase.split()): label
            for label, phrases in raw["designators"]["leading"].items()
            for phrase in phrases
        },
        reported_as=dict(raw.get("reported_as", {})),
        surname_like=words(raw["designators"]["surname_like"]),
        droppable=words(raw["designators"]["droppable"]),
        standalone_bodies=words(raw["designators"]["standalone_bodies"]),
        droppable_phrases=tuple(tuple(name_key(p).split()) for p in raw["designators"]["droppable_phrases"]),
        place_bodies=tuple(tuple(p.split()) for p in raw["designators"]["place_bodies"]),
        descriptors={**{h: "PERSON" for h in words(raw["titles"]["heads"])}, **_typed_words(raw["descriptors"])},
        locative_prepositions=words(raw["descriptors"]["locative_prepositions"]),
        place_suffixes=tuple(raw["descriptors"]["place_suffixes"]),
        compass_words=words(raw["descriptors"]["compass_words"]),
        place_parts=_typed_words(raw["descriptors"]["place_parts"]),
        known_names={name_key(n): label for label, names in raw["known_names"].items() for n in names},
        never_names=frozenset(
            name_key(w) for k in ("generic_nouns", "rank_abbreviations", "time_zones", "post_nominals") for w in raw["noise"][k]
        ),
        diseases=frozenset(name_key(w) for w in raw["noise"]["diseases"]),
        class_plurals=words(raw["noise"]["class_plurals"]),
        work_heads=words(raw["noise"]["work_heads"]),
        serial_heads=words(raw["noise"]["serial_heads"]),
        leading_verbs=words(raw["noise"]["leading_verbs"]),
    )


def _typed_words(section: dict) -> dict[str, str]:
    """{"ORG": [...], "FAC": [...]} -> word -> type (upper-case keys are entity types; first listing wins)."""
    out: dict[str, str] = {}
    for label, values in section.items():
        if label.isupper():
            for v in values:
                out.setdefault(word_key(v), label)
    return out


def load_gazetteer(path: Path, regions: Path | None = None) -> dict[str, GazetteerEntry]:
    """name key -> entry. Columns: country, alternative_names, capitals, demonyms (``;``-separated).

    The first demonym of a row is the canonical one (``North Koreans`` -> ``North Korean``).
    A key claimed by two rows keeps the first (country names outrank capitals and demonyms,
    which outrank the states and provinces of ``regions``: "Georgia" stays the country).
    """
    entries: dict[str, GazetteerEntry] = {}
    staged: list[tuple[int, str, GazetteerEntry]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            country = row["country"].strip()
            if not country:
                continue
            for name in [country, *_cells(row, "alternative_names")]:
                staged.append((0, name, GazetteerEntry(country, "country")))
            for name in _cells(row, "capitals"):
                staged.append((1, name, GazetteerEntry(country, "capital")))
            demonyms = _cells(row, "demonyms")
            for name in demonyms:
                staged.append((2, name, GazetteerEntry(demonyms[0], "demonym")))
    if regions is not None:
        with regions.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                name = row["region"].strip()
                if name:
                    staged.append((3, name, GazetteerEntry(name, "region")))
    for _, name, entry in sorted(staged, key=lambda s: s[0]):
        entries.setdefault(name_key(name), entry)
    return entries


def _cells(row: dict[str, str | None], column: str) -> list[str]:
    return [v.strip() for v in (row.get(column) or "").split(";") if v.strip()]

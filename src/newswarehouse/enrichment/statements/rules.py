"""Grammar-level rules for statement extraction, read from ``rules.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RULES_PATH = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class StatementRules:
    clausal_only_classes: frozenset[str]
    finite_clause_only_classes: frozenset[str]
    min_clausal_words: int
    min_nominal_words: int
    min_nominal_words_by_class: dict[str, int]
    continuation_paragraphs: int
    antecedent_paragraphs: int
    speaker_entity_types: frozenset[str]
    honorifics: frozenset[str]
    person_pronouns: frozenset[str]
    thing_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    first_second_pronouns: frozenset[str]
    source_class: dict[str, str]  # common noun lemma -> person / organisation / document
    object_prepositions: frozenset[str]
    source_prepositions: frozenset[str]
    modals: frozenset[str]
    cancelling_heads: frozenset[str]
    nominal_needs_as: frozenset[str]
    nominal_needs_complement: frozenset[str]
    title_abbreviations: frozenset[str]
    cancelling_prepositions: frozenset[str]
    quoted_self_pronouns: frozenset[str]
    frame_only_cues: frozenset[str]
    generic_media: frozenset[str]
    generic_modifiers: frozenset[str]
    relay_cues: frozenset[str]
    member_nouns: frozenset[str]
    evidential_participles: frozenset[str]


def _words(values: list[str]) -> frozenset[str]:
    return frozenset(v.lower() for v in values)


@lru_cache(maxsize=4)
def load_statement_rules(path: Path = RULES_PATH) -> StatementRules:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    pron = raw["pronouns"]
    grammar = raw["grammar"]
    source_class: dict[str, str] = {}
    for cls, nouns in raw["sources"].items():
        for noun in nouns:
            source_class.setdefault(noun.lower(), cls)
    return StatementRules(
        clausal_only_classes=_words(raw["clausal_only_classes"]),
        finite_clause_only_classes=_words(raw["finite_clause_only_classes"]),
        min_clausal_words=int(raw["min_clausal_words"]),
        min_nominal_words=int(raw["min_nominal_words"]),
        min_nominal_words_by_class={k.lower(): int(v) for k, v in raw.get("min_nominal_words_by_class", {}).items()},
        continuation_paragraphs=int(raw["continuation_paragraphs"]),
        antecedent_paragraphs=int(raw["antecedent_paragraphs"]),
        speaker_entity_types=frozenset(raw["speaker_entity_types"]),
        honorifics=_words(raw["honorifics"]),
        person_pronouns=_words(pron["person"]),
        thing_pronouns=_words(pron["thing"]),
        group_pronouns=_words(pron["group"]),
        first_second_pronouns=_words(pron["first_second"]),
        source_class=source_class,
        object_prepositions=_words(grammar["object_prepositions"]),
        source_prepositions=_words(grammar["source_prepositions"]),
        modals=_words(grammar["modals"]),
        cancelling_heads=_words(grammar["cancelling_heads"]),
        nominal_needs_as=_words(grammar["nominal_needs_as"]),
        nominal_needs_complement=_words(grammar["nominal_needs_complement"]),
        title_abbreviations=_words(raw["title_abbreviations"]),
        cancelling_prepositions=_words(grammar["cancelling_prepositions"]),
        quoted_self_pronouns=_words(pron["quoted_self"]),
        frame_only_cues=_words(raw["frame_only_cues"]),
        generic_media=_words(raw["generic_media"]["media"]),
        generic_modifiers=_words(raw["generic_media"]["modifiers"]),
        relay_cues=_words(raw["relay_cues"]),
        member_nouns=_words(raw["member_nouns"]),
        evidential_participles=_words(raw["evidential_participles"]),
    )

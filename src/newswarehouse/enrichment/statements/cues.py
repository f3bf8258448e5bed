"""The speech-cue lexicon: which words introduce a statement, read from a dbt seed.

Analysts edit ``dbt_project/seeds/speech_verbs.csv`` (``lemma,cue_class``); the
same file is loaded into the warehouse by ``dbt seed`` so that the cue classes
in the marts and the cues the extractor recognises never disagree.
Multiword cues ("according to", "point to", "raise concern") are allowed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newswarehouse.settings import load_settings

SEED_NAME = "speech_verbs.csv"


class CueLexiconError(ValueError):
    pass


@dataclass(frozen=True)
class CueLexicon:
    single: dict[str, str]  # lemma -> cue_class
    # first word -> [(all words, full lemma, cue_class)], longest first
    multi: dict[str, list[tuple[tuple[str, ...], str, str]]]

    def cue_class(self, lemma: str | None) -> str | None:
        if lemma is None:
            return None
        lemma = lemma.lower()
        if lemma in self.single:
            return self.single[lemma]
        words = tuple(lemma.split())
        for entry_words, _, cls in self.multi.get(words[0], ()) if words else ():
            if entry_words == words:
                return cls
        return None


def seed_path() -> Path:
    return load_settings().dbt_project_dir / "seeds" / SEED_NAME


@lru_cache(maxsize=8)
def _load(path: Path) -> CueLexicon:
    if not path.is_file():
        raise CueLexiconError(f"speech-cue seed not found: {path}")
    single: dict[str, str] = {}
    multi: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"lemma", "cue_class"} <= set(reader.fieldnames):
            raise CueLexiconError(f"{path}: expected columns lemma,cue_class, got {reader.fieldnames}")
        for line_no, row in enumerate(reader, start=2):
            lemma = " ".join((row.get("lemma") or "").lower().split())
            cls = (row.get("cue_class") or "").strip().lower()
            if not lemma or not cls:
                raise CueLexiconError(f"{path}:{line_no}: empty lemma or cue_class")
            words = tuple(lemma.split())
            if len(words) == 1:
                single[lemma] = cls
            else:
                multi.setdefault(words[0], []).append((words, lemma, cls))
    for entries in multi.values():
        entries.sort(key=lambda e: -len(e[0]))
    return CueLexicon(single=single, multi=multi)


def load_cue_lexicon(path: Path | None = None) -> CueLexicon:
    """The cue lexicon, parsed once per process (per path)."""
    return _load((path or seed_path()).resolve())

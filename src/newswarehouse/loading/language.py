"""Offline language identification (py3langid: its model ships inside the package).

Conservative on purpose: only English gets entity and statement extraction, so
a short or mixed text that the detector is unsure about keeps the declared
language, or counts as English, rather than silently losing its NLP.
"""

from __future__ import annotations

import re
from functools import cache

ENGLISH = "en"
# Below this many letters the detector's guess is noise.
MIN_LETTERS = 40
# Normalised probability under which a guess does not override the declaration.
MIN_CONFIDENCE = 0.9
SAMPLE_CHARS = 4000

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalise_code(code: str | None) -> str | None:
    """``"en-US"``, ``"fr_FR"``, ``"EN"`` -> ``"en"``/``"fr"``; anything else -> None."""
    if not code:
        return None
    head = re.split(r"[-_\s]", code.strip().lower(), maxsplit=1)[0]
    return head if re.fullmatch(r"[a-z]{2,3}", head) else None


def detect_language(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``; ``declared`` (a record's or page's own claim) breaks ties."""
    declared = normalise_code(declared)
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return declared
    lang, prob = _identifier().classify(sample)
    if prob >= MIN_CONFIDENCE:
        return str(lang)
    return declared or ENGLISH

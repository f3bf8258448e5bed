"""Page furniture lines that name the outlet or the author without a "By" or "Source:" label.

Forms read here (vocabularies and patterns in ``rules.toml`` ``[furniture]``):

- affiliation lines under a byline: "99th Example Wing Public Affairs", "Example Fleet News Service";
- a byline without "By": "Jane Doe, The Example Press";
- the logo's alt text: "Example Daily Logo";
- release headers: "Agency Press Release", "AGENCY News Releases 2011";
- contact blocks of press releases: "Contact: Jane Doe", "(555) 010-0199", "Media Inquiries", addresses;
- a name-only organisation line ("Example Geological Survey");
- a site's domain: "(example.com)", on a date line; "Site: Headline" and "Headline | Site".

Each function looks at one line; choosing among candidates is the caller's job.
"""
from __future__ import annotations

import re
from functools import lru_cache

from newswarehouse.parsing.features import words
from newswarehouse.parsing.metadata import bare_name, outlet_name
from newswarehouse.parsing.rules import Rules, normalize

_BULLET = re.compile(r"^\s*[•·▪►*]\s+")


def _strip(text: str) -> str:
    return _BULLET.sub("", text).strip()


def _cfg(rules: Rules) -> dict:
    return rules.section("furniture")


def affiliation_line(text: str, rules: Rules) -> str | None:
    """The unit or news service on a line of its own: "99th Example Wing Public Affairs", "Example Fleet News Service"."""
    line = _strip(text).rstrip(".")
    if not line or len(line.split()) > _cfg(rules)["affiliation_max_words"]:
        return None
    suffix = rules.affiliation_suffixes.suffix_of(normalize(line))
    if not suffix or (len(line.split()) <= len(suffix.split()) and not suffix.startswith("office of")):
        return None  # "Public Affairs", "Newsroom" alone: a menu item, not whose office it is ("Office of X" says it)
    return outlet_name(line, rules)


def logo_line(text: str, rules: Rules) -> str | None:
    """"Example Daily Logo": the alt text of the site logo names the outlet."""
    toks = _strip(text).split()
    if len(toks) < 2 or toks[-1].lower() not in _cfg(rules)["logo_words"]:
        return None
    return outlet_name(" ".join(toks[:-1]), rules)


def release_header(text: str, rules: Rules) -> tuple[bool, str | None]:
    """(is a release header, issuer): "Press Release" -> (True, None); "AGENCY News Releases 2011" -> (True, "AGENCY")."""
    norm = normalize(_strip(text)).rstrip(" .:")
    if len(norm.split()) > _cfg(rules)["release_max_words"]:
        return False, None
    trimmed = re.sub(r"(?:\s+[\w-]*\d[\w-]*|\s+[a-z]{1,3})+$", "", norm)  # "... Releases 2011", "... Release XY 1234-5"
    lead = rules.release_words.prefix_of(norm)
    if lead is not None:
        # "Press Release", "News Releases from Region 4", "For Immediate Release: May 4": not "Press releases show ..."
        rest = norm[len(lead):].strip()
        if not rest or rest[:1] in ":|-–—" or rest.split()[0] in _cfg(rules)["release_rest_openers"]:
            return True, None
    phrase = rules.release_words.suffix_of(trimmed)
    if phrase is None:
        return False, None
    issuer_words = _strip(text).split()[: len(trimmed.split()) - len(phrase.split())]
    issuer = " ".join(issuer_words)
    if not issuer or rules.release_kinds.is_exact(normalize(issuer)):
        return True, None  # "Weekly press release": a kind of release, not its issuer
    return True, outlet_name(issuer, rules)


def contact_prefix(norm: str, rules: Rules) -> bool:
    return rules.contact_prefixes.prefix_of(norm) is not None


def is_contact_line(text: str, rules: Rules) -> bool:
    """The opening line of a press-release contact block ("Contact: Jane Doe", "Media Inquiries")."""
    norm = normalize(_strip(text))
    return rules.contact_prefixes.prefix_of(norm) is not None and len(norm.split()) <= _cfg(rules)["contact_max_words"]


def is_contact_detail(text: str, rules: Rules) -> bool:
    """A short line of a contact block: a name, a phone number, an office."""
    line = _strip(text)
    n = len(words(line))
    return not (n > _cfg(rules)["contact_detail_max_words"] or line.rstrip().endswith((".", "!", "?")) and n > 3)


def address_line(text: str, rules: Rules) -> bool:
    line = _strip(text)
    return len(words(line)) <= _cfg(rules)["contact_max_words"] and bool(re.search(_cfg(rules)["address_pattern"], line))


def phone_line(text: str, rules: Rules) -> bool:
    line = _strip(text)
    return len(words(line)) <= _cfg(rules)["contact_detail_max_words"] and bool(phone_pattern(rules).search(line))


@lru_cache(maxsize=4)
def _phone_cached(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def phone_pattern(rules: Rules) -> re.Pattern[str]:
    """A phone number: \"(555) 010-0199\", \"555-010-0199\"."""
    return _phone_cached(_cfg(rules)["phone_pattern"])


def organisation_line(text: str, rules: Rules) -> bool:
    """A name-only line ending in an organisation's head noun ("National Weather Agency")."""
    line = _strip(text).rstrip(".")
    toks = line.split()
    if not 2 <= len(toks) <= _cfg(rules)["affiliation_max_words"] or toks[-1].lower() not in rules.org_heads:
        return False
    if toks[0][:1].isdigit():
        return False  # "100 Example Center": a street address
    return outlet_name(line, rules) is not None


_DOMAIN_TOKEN = re.compile(r"(?<![\w@/.-])(?:www\.)?[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?P<tld>[a-z]{2,6})(?![\w.-]|\.\w)", re.IGNORECASE)


def domain_in(text: str, rules: Rules) -> str | None:
    """A site's domain printed on a furniture line ("Mar 3, 2024 | example.com", "(example.com)")."""
    for m in _DOMAIN_TOKEN.finditer(text):
        if m.group("tld").lower() in _cfg(rules)["domain_tlds"]:
            return m.group().lower().removeprefix("www.")
    return None


def domain_credit_line(text: str, rules: Rules) -> str | None:
    """A line that is only a domain in brackets: "(example.com)" (a bare "www.example.gov" mid-story is a link)."""
    line = _strip(text).rstrip(" .")
    if not (line.startswith(("(", "[")) and line.endswith((")", "]"))):
        return None
    line = line.strip("()[] ")
    if " " in line:
        return None
    found = domain_in(line, rules)
    return found if found and found == line.lower().removeprefix("www.") else None


def site_affix(title: str, publisher: str | None, rules: Rules) -> tuple[str, str] | None:
    """(headline, site) for "Site: Headline" or "Headline | Site": the site is the page's publisher, a domain,
    or a name ending in an outlet word ("... News", "... Times"); "UN: Talks resume" keeps its prefix."""
    cfg = _cfg(rules)
    for sep in cfg["site_separators"]:
        head, found, tail = title.partition(sep)
        if not found:
            continue
        for site, headline in ((head, tail), (tail, head)):
            site, headline = site.strip(), headline.strip()
            if sep == ": " and site is tail.strip():
                continue  # "Headline: Site" is a headline with a subtitle
            if not site or len(site.split()) > cfg["site_max_words"] or len(headline.split()) < 2:
                continue
            if _is_site(site, publisher, rules):
                return headline, site
    return None


def _is_site(site: str, publisher: str | None, rules: Rules) -> bool:
    if publisher and normalize(site) == normalize(publisher):
        return True
    if domain_in(site, rules) == site.lower().removeprefix("www."):
        return True
    toks = site.split()
    # two words at least: "Report: ..." or "Review: ..." open ordinary headlines
    return len(toks) >= 2 and toks[-1].lower() in _cfg(rules)["outlet_words"] and outlet_name(site, rules) is not None


def name_outlet_byline(text: str, rules: Rules) -> tuple[str, str] | None:
    """(author, outlet) for a byline without "By": "Jane Roe, The Example Press" (the outlet ends like one)."""
    head, sep, tail = _strip(text).partition(", ")
    tail = tail.strip().rstrip(".")
    if not sep or not tail or tail.split()[-1].lower() not in _cfg(rules)["outlet_words"]:
        return None
    name, outlet = bare_name(head, rules), outlet_name(tail, rules)
    return (name, outlet) if name and outlet else None

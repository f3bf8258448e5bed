"""Metadata lines: bylines, dates, publisher credits ("Source: X", "From X", datelines, copyright).

Each function looks at one line (or the start of one paragraph) and says what
it carries; choosing among several candidates is the caller's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from newswarehouse.parsing.features import words
from newswarehouse.parsing.rules import Rules, normalize

# Tokens for date-span search: words (split from glued digits, "2023World"), numbers, symbols.
# A year glued to a time ("20243:15 PM") is split before the time.
# Words split at a lower-to-upper case change, so a name glued to a month ("DoeApril 4") still shows the month.
_DATE_TOKEN = re.compile(
    r"(?:[A-Z]+(?![^\W\d_A-Z])|[A-Z]?[^\W\d_A-Z]+)\.?|(?:19|20)\d\d(?=\d{1,2}:\d\d)|\d+(?:st|nd|rd|th)?|[^\w\s]"
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_YEAR = re.compile(r"\d{4}")
_NAME_SEPARATORS = re.compile(r"\s*(?:[,|•·;/]|\s[-–—]\s|\s{2,})\s*")
_NAME_OK_LOWER = frozenset({"the", "of", "and", "&", "for", "de", "la", "le", "du", "on", "in", "at"})
_BULLET = re.compile(r"^\s*[•·▪►*]\s+")
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True)
class DateHit:
    value: date
    start: int  # span of the date text inside the line
    end: int
    label_score: int | None  # preference of the label before it ("Published"), None if unlabelled


# --- bylines ---------------------------------------------------------------------------------


def parse_byline(text: str, rules: Rules) -> str | None:
    """The author of a byline line, else None.

    Forms: "By Jane Doe", "Written by Jane Doe | Sep 6, 2023", "Jane Doe, Staff
    Writer", "Jane Doe Political correspondent".
    """
    meta = rules.section("meta")
    text = _BULLET.sub("", text)  # "• By Jane Doe": a byline printed as a list item
    if len(words(text)) > meta["byline_max_words"]:
        return None
    prefix = _match_prefix(text, rules.byline_prefixes.phrases)
    if prefix is None:
        return _name_with_role(text, rules)
    rest = text[prefix:].lstrip(" :\u00a0")
    if not rest:
        return None
    segment = _NAME_SEPARATORS.split(rest, maxsplit=1)[0]
    segment, _unit = split_affiliation(segment, rules)
    name = _leading_name(segment, rules)
    if name is None and segment == rest.rstrip(" .") and len(segment.split()) == 1:
        name = _agency_name(segment, rules)  # "By Reuters": the agency is the author
    return name


def byline_affiliation(text: str, rules: Rules) -> str | None:
    """The outlet or unit a byline credits after the name: "By Jane Doe, The Daily Ledger", "By Sgt. X 1st Unit Public Affairs"."""
    text = _BULLET.sub("", text)
    prefix = _match_prefix(text, rules.byline_prefixes.phrases)
    rest = text[prefix:].lstrip(" :\u00a0") if prefix is not None else text
    parts = _NAME_SEPARATORS.split(rest, maxsplit=1)
    if len(parts) == 2 and _leading_name(parts[0], rules):
        # only the next segment: "By X, Example News | March 3" or "Posted by X, Example Agency, in Science"
        tail = _NAME_SEPARATORS.split(parts[1].strip(), maxsplit=1)[0].rstrip(".")
        if not _is_date_text(tail, rules) and normalize(tail) not in rules.byline_roles_set:
            return outlet_name(tail, rules)
    _name, unit = split_affiliation(parts[0], rules)
    return unit


def _is_date_text(text: str, rules: Rules) -> bool:
    """A date or a date label ("Updated March 3"): never an outlet."""
    first = [w.lower() for w in words(text)[:1]]
    return bool(find_dates(text, rules)) or any(_is_date_word(w, rules) or w in rules.date_label_set for w in first)


def split_affiliation(segment: str, rules: Rules) -> tuple[str, str | None]:
    """("Jane Doe", "1st Unit Public Affairs") from "Jane Doe 1st Unit Public Affairs": a unit line glued to the name.

    Only when the segment ends like an organisation ("... Public Affairs"); the unit starts at
    the first unit word or number after at least two name tokens.
    """
    toks = segment.split()
    start = _rank_length(toks, rules)
    if rules.affiliation_suffixes.suffix_of(normalize(segment)):
        for k in range(start + 2, len(toks)):
            low = toks[k].lower().strip(".,")
            if low in rules.affiliation_openers or any(c.isdigit() for c in low):
                return " ".join(toks[:k]), " ".join(toks[k:])
        return segment, None
    if len(toks) - start >= 4 and toks[-1].lower() in rules.section("furniture")["outlet_words"]:
        return _split_outlet(toks, start)
    return segment, None


def _split_outlet(toks: list[str], start: int) -> tuple[str, str | None]:
    """"JANE DOE Example Press" / "Jane Doe and John Roe Example Press": a wire byline with the agency glued on.

    The name ends where SHOUTED turns to Title case, else after each first name, initials and surname.
    """
    joins = {"and", "&"}
    shouted = [t.lower() in joins or (t.isupper() and len(t.strip(".")) > 1) for t in toks]
    if toks[start].isupper():
        for k in range(start + 2, len(toks) - 1):
            if not shouted[k] and all(shouted[start:k]):
                return " ".join(toks[:k]), " ".join(toks[k:])
    k = start
    while True:
        k += 1  # first name
        while k < len(toks) - 2 and (re.fullmatch(r"[A-Z]\.", toks[k]) or toks[k].islower()):
            k += 1  # middle initials, particles ("de la")
        k += 1  # surname
        if k < len(toks) and toks[k].lower() in joins:
            k += 1
            continue
        break
    return (" ".join(toks[:k]), " ".join(toks[k:])) if len(toks) - k >= 2 else (" ".join(toks), None)


def _rank_length(toks: list[str], rules: Rules) -> int:
    """How many tokens open with a rank ("Sgt. 1st Class", "Tech. Sgt."): they stay part of the author."""
    k = 0
    while k < len(toks) and toks[k].lower() in rules.rank_words:
        k += 1
    return k


def _agency_name(token: str, rules: Rules) -> str | None:
    bare = token.strip(".,;:")
    low = bare.lower()
    if len(bare) < 2 or not bare[:1].isupper() or any(c.isdigit() for c in bare):
        return None
    if _is_date_word(low, rules) or low in rules.stopwords or low in rules.byline_stop_words:
        return None
    if low in rules.section("meta")["byline_not_agencies"]:
        return None
    return bare


def embedded_byline(text: str, hits: list[DateHit], rules: Rules) -> str | None:
    """The author of a date line that also credits one: "Posted on April 12, 2024 by Jane Doe"."""
    rest = text
    for hit in reversed(hits):
        rest = rest[:hit.start] + " " + rest[hit.end:]
    m = re.search(r"(?<!\w)by\s", rest, flags=re.IGNORECASE)
    return parse_byline(rest[m.start():], rules) if m else None


def _name_with_role(text: str, rules: Rules) -> str | None:
    meta = rules.section("meta")
    tokens = text.replace(",", " , ").replace("|", " | ").split()
    lows = [t.lower().strip(".") for t in tokens]
    role_heads = {r.split()[-1] for r in meta["byline_roles"]}
    role_at = next((k for k, low in enumerate(lows) if low in role_heads), None)
    if role_at is None or len(tokens) - role_at > meta["role_max_words"]:
        return None
    name = tokens[:role_at]
    modifiers = set(meta["role_modifiers"])
    while name and (name[-1].lower().strip(".") in modifiers or name[-1] in {",", "|", "-", "–", "—"}):
        name.pop()
    if not 2 <= len(name) <= meta["bare_name_max_words"]:
        return None
    return _leading_name(" ".join(name), rules)


def bare_name(text: str, rules: Rules) -> str | None:
    """The name on a name-only line: "Jane Doe", "Jane Doe | Seville", "Jane Doe, The Daily Ledger"."""
    head, *tail = re.split(r"\s*[,|•·]\s*|\s[-–—]\s", text, maxsplit=1)
    if tail and len(tail[0].split()) > rules.section("meta")["role_max_words"]:
        return None
    toks = head.split()
    if not 2 <= len(toks) <= rules.section("meta")["bare_name_max_words"]:
        return None
    if any(not t[:1].isupper() or any(c.isdigit() for c in t) for t in toks):
        return None
    if any(t.lower().strip(".,") in rules.stopwords or t.lower() in rules.section_words for t in toks):
        return None
    return _leading_name(head, rules)


def _leading_name(segment: str, rules: Rules) -> str | None:
    """The run of name-like tokens opening ``segment``; None when a plain word shows it is prose."""
    meta = rules.section("meta")
    tokens = segment.split()
    n_rank = _rank_length(tokens, rules)
    kept: list[str] = tokens[:n_rank]
    if tokens[n_rank:n_rank + 1] and tokens[n_rank].lower() in rules.team_words:
        kept.append(tokens[n_rank])  # "Team Herald", "Staff Sgt." handled above: a leading word of a team byline
        n_rank += 1
    for raw_tok in tokens[n_rank:]:
        # "DoeSeptember" (name glued to a date): keep the name part, stop.
        pieces = _CAMEL.split(raw_tok)
        glued_date = len(pieces) > 1 and _is_date_word(pieces[1].lower(), rules)
        tok = pieces[0] if glued_date else raw_tok
        low = tok.lower().strip(".,")
        if low in rules.byline_stop_words or _is_date_word(low, rules) or any(c.isdigit() for c in tok):
            break
        if tok[:1].isupper() or low in rules.name_particles:
            kept.append(tok.rstrip(",;"))
            if glued_date:
                break
            continue
        return None  # "By registering for ..." is a sentence, not a byline
    while len(kept) > n_rank and kept[-1].lower() in rules.name_particles:
        kept.pop()
    if not 2 <= len(kept) <= meta["name_max_words"] or len(kept) == n_rank:
        return None
    if not all(k[:1].isupper() or k.lower() in rules.name_particles for k in kept[n_rank:]):
        return None
    return " ".join(kept)


def is_contributor_line(norm: str, n_words: int, rules: Rules) -> bool:
    """ "X contributed to this report", "Reporting by X; Editing by Y"."""
    if n_words > 30:
        return False
    return bool(rules.contributor_phrases.findall(norm)) or norm.startswith(rules.contributor_openers)


# --- publisher -------------------------------------------------------------------------------


def parse_publisher_line(text: str, rules: Rules) -> tuple[str, int] | None:
    """(outlet, rank) for "Source: X", "... originally published by X ...", "From X"; lower rank wins."""
    if len(words(text)) > rules.section("meta")["publisher_line_max_words"]:
        return None
    for rank, prefix in enumerate(rules.publisher_prefixes):
        end = _match_prefix(text, (prefix,))
        if end is not None:
            name = outlet_name(_leading_outlet(_after(text, end)), rules)
            return (name, rank) if name else None
    base = len(rules.publisher_prefixes)
    for rank, phrase in enumerate(rules.publisher_phrases, start=base):
        m = _phrase_pattern(phrase).search(text)
        if m:
            name = outlet_name(_leading_outlet(_after(text, m.end())), rules)
            return (name, rank) if name else None
    base += len(rules.publisher_phrases)
    for rank, prefix in enumerate(rules.publisher_weak_prefixes, start=base):
        end = _match_prefix(text, (prefix,))
        if end is not None:
            # the weakest form: the whole rest of the line must be the name ("From The Daily Ledger")
            rest = _after(text, end)
            name = outlet_name(rest, rules)
            return (name, rank) if name and _NAME_SEPARATORS.split(rest, maxsplit=1)[0] == rest.rstrip(".") else None
    return None


def tagline_outlet(text: str, rules: Rules) -> str | None:
    """"From Example News, the town's own paper": a site's tagline (no full stop: "From Paris, the minister flew." is prose).

    Only meaningful above the story: the caller checks the position.
    """
    end = _match_prefix(text, rules.publisher_weak_prefixes)
    if end is None or len(words(text)) > rules.section("meta")["publisher_line_max_words"]:
        return None
    rest = _after(text, end)
    head, sep, tail = rest.partition(", ")
    if not sep or rest.rstrip().endswith(".") or not tail.lower().startswith(("the ", "your ", "a ", "an ")):
        return None
    if any(_is_date_word(w.lower(), rules) for w in head.split()):
        return None
    return outlet_name(head, rules)


def _after(text: str, end: int) -> str:
    return text[end:].strip(" :\u00a0-–—|")


@lru_cache(maxsize=256)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(p) for p in phrase.split()) + r"(?!\w)", flags=re.IGNORECASE)


def is_copyright_line(text: str, rules: Rules) -> bool:
    norm = normalize(text)
    if len(words(text)) > 60:
        return False
    opens = any(norm.startswith(m) for m in rules.copyright_markers)
    return opens or any(p in norm for p in rules.section("meta")["copyright_phrases"])


def parse_copyright(text: str, rules: Rules) -> str | None:
    """The holder named in "© 2023 Outlet. All rights reserved."."""
    low = text.lower()
    if len(words(text)) > 25 or not any(m in low for m in rules.copyright_markers):
        return None
    rest = text
    for marker in ("copyright", "©", "(c)"):
        idx = rest.lower().find(marker)
        if idx >= 0:
            rest = rest[idx + len(marker):]
    rest = re.sub(r"^[\s©:,.-]*(?:\(c\))?[\s,]*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,.:-]*", "", rest, flags=re.IGNORECASE)
    holder = re.split(r"\.\s|[,|;]|\ball rights\b|\.$", rest, maxsplit=1, flags=re.IGNORECASE)[0]
    return outlet_name(holder, rules)


def parse_dateline(text: str, rules: Rules) -> tuple[str, int] | None:
    """(outlet, end of the dateline) for a paragraph opening "(Outlet) –" or "CITY (Outlet) —"."""
    meta = rules.section("meta")
    dashes = "|".join(re.escape(d) for d in sorted(meta["dateline_dashes"], key=len, reverse=True))
    match = re.match(
        rf"^\s*(?:[A-Z][\w.'’-]*(?:[ ,]+(?:[A-Z][\w.'’-]*|\d{{1,2}})){{0,5}},?\s*)?\((?P<outlet>[^()]{{2,60}})\)\s*(?:{dashes})\s+",
        text,
    )
    if not match:
        return None
    outlet = match.group("outlet").strip()
    head, sep, tail = outlet.partition(",")
    if sep and find_dates(tail, rules):
        outlet = head.strip()  # "(Example News Service, May 4, 2020) --": the outlet and the date
    low = outlet.lower()
    if any(w in low for w in meta["dateline_reject_words"]) or len(outlet.split()) > meta["dateline_max_words"]:
        return None
    name = outlet_name(outlet, rules)
    return (name, match.end()) if name else None


def _leading_outlet(segment: str) -> str:
    """The proper-name run opening ``segment``: "The Daily Ledger and is republished ..." -> "The Daily Ledger"."""
    toks = segment.split()
    kept: list[str] = []
    for k, tok in enumerate(toks):
        bare = tok.strip(".,;:")
        if bare[:1].isupper() or bare[:1].isdigit() or _DOMAIN.match(bare):
            kept.append(tok)
            if bare != tok.rstrip("."):
                break  # "Ledger," ends the name
            continue
        nxt = toks[k + 1] if k + 1 < len(toks) else ""
        if kept and bare.lower() in _NAME_OK_LOWER and nxt[:1].isupper():
            kept.append(tok)
            continue
        break
    return " ".join(kept).rstrip(".,;:")


def outlet_name(candidate: str, rules: Rules) -> str | None:
    """``candidate`` if it reads as an outlet's name (capitalised words, a domain), else None."""
    name = candidate.strip().rstrip(".").strip(" \"'“”‘’")
    if not name or len(name) > 80:
        return None
    if _DOMAIN.match(name):
        return name
    toks = name.split()
    if len(toks) > rules.section("meta")["publisher_max_words"] or not toks[0][:1].isupper() and not toks[0][:1].isdigit():
        return None
    if any(not (t[:1].isupper() or t[:1].isdigit() or t.lower() in _NAME_OK_LOWER) for t in toks):
        return None
    if all(t.isdigit() for t in toks):
        return None
    return name


def _match_prefix(text: str, phrases) -> int | None:
    """End offset in ``text`` of the first phrase it starts with (case-insensitive, word boundary)."""
    opening = text.lstrip()[:24].lower()
    for phrase in phrases:
        if not opening.startswith(phrase.split(" ", 1)[0]):
            continue
        m = _prefix_pattern(phrase).match(text)
        if m:
            return m.end()
    return None


@lru_cache(maxsize=512)
def _prefix_pattern(phrase: str) -> re.Pattern[str]:
    pattern = r"^\s*" + r"\s+".join(re.escape(p) for p in phrase.split())
    if phrase[-1:].isalnum():
        pattern += r"(?=[\s:]|$)"
    return re.compile(pattern, flags=re.IGNORECASE)


# --- dates -----------------------------------------------------------------------------------


def _is_date_word(low: str, rules: Rules) -> bool:
    low = low.rstrip(".")
    return low in rules.month_words or low in rules.weekday_words


@lru_cache(maxsize=1)
def _date_parser(languages: tuple[str, ...]):
    import dateparser  # deferred: ~0.4 s import, only needed when a candidate line shows up

    return dateparser.DateDataParser(
        languages=list(languages),
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )


@lru_cache(maxsize=4096)
def _parse_span(span: str, languages: tuple[str, ...]) -> date | None:
    try:
        data = _date_parser(languages).get_date_data(span)
    except Exception:  # noqa: BLE001 - dateparser raises on odd input; such a span is just not a date
        return None
    return data.date_obj.date() if data and data.date_obj else None


def find_dates(text: str, rules: Rules) -> list[DateHit]:
    """Absolute calendar dates printed in a line (a 4-digit year required: "3 hours ago" is not one)."""
    cfg = rules.section("dates")
    if not _YEAR.search(text):
        return []
    tokens = list(_DATE_TOKEN.finditer(text))
    kinds = []
    for t in tokens:
        tok = t.group()
        if tok[0].isdigit():
            kinds.append("num")
        elif _is_date_word(tok.lower(), rules):
            kinds.append("word")
        else:
            kinds.append("other")
    languages = tuple(cfg["languages"])
    hits: list[DateHit] = []
    i = 0
    last_end = 0
    while i < len(tokens):
        if kinds[i] == "other":
            i += 1
            continue
        found = None
        limit = min(len(tokens), i + cfg["max_span_tokens"])
        for j in range(limit - 1, i - 1, -1):
            if kinds[j] != "num":
                continue
            years = [int(tokens[k].group()) for k in range(i, j + 1)
                     if kinds[k] == "num" and len(tokens[k].group()) == 4 and tokens[k].group().isdigit()]
            if not any(cfg["min_year"] <= y <= cfg["max_year"] for y in years):
                continue
            value = _parse_span(text[tokens[i].start():tokens[j].end()], languages)
            if value is not None and value.year in years:
                found = j
                break
        if found is None:
            i += 1
            continue
        start, end = tokens[i].start(), tokens[found].end()
        hits.append(DateHit(value, start, end, _label_before(text[last_end:start], rules)))
        last_end = end
        i = found + 1
    return hits


def _label_before(prefix_text: str, rules: Rules) -> int | None:
    labels = rules.date_label_set.findall(normalize(prefix_text))
    return max(rules.date_labels[label] for label in labels) if labels else None


def date_covers_line(text: str, hits: list[DateHit], rules: Rules) -> bool:
    """The line is a date line: beside its dates and date labels only a few words remain ("2023World")."""
    if not hits:
        return False
    return len(date_rest_words(text, hits, rules)) <= rules.section("dates")["max_other_words"]


def date_rest_words(text: str, hits: list[DateHit], rules: Rules) -> list[str]:
    """The words of a line besides its dates, date labels, times and numbers."""
    rest = text
    for hit in reversed(hits):
        rest = rest[:hit.start] + " " + rest[hit.end:]
    ignorable = rules.date_label_set
    time_words = frozenset(rules.section("dates")["time_words"])
    return [
        w for w in words(_CAMEL.sub(" ", rest))
        if normalize(w) not in ignorable and w.lower() not in time_words and not w.isdigit() and not _is_date_word(w.lower(), rules)
    ]

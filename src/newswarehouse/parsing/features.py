"""Per-unit signals: length, sentence punctuation, stopword density, capitalisation, vocabulary hits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newswarehouse.parsing.rules import Rules, normalize, tokens
from newswarehouse.parsing.units import Unit

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@dataclass(frozen=True)
class Features:
    norm: str  # normalised text (vocabulary matching)
    n_chars: int
    n_words: int
    stop_density: float  # share of words that are function words: high in prose
    cap_ratio: float  # share of content words that start upper-case: high in headings
    upper_share: float  # share of letters in upper case: high in SHOUTED labels
    digit_share: float  # share of tokens holding a digit
    terminal: bool  # ends like a sentence
    bullet: bool  # list item ("- ...", "• ...")
    chrome_score: int  # call-to-action / link-farm vocabulary weight
    strong_hits: int
    spam_hits: int
    exact_marker: bool  # the whole line is a chrome marker ("Previous Article")
    end_marker: bool  # ... one that opens the page tail ("Related articles")
    prefix_marker: bool  # "Read more: ..."
    media: bool  # image file names / sizes / bare numbers
    markup: bool  # JSON / HTML / code / bare URL
    nav: bool  # a row of short links: "Home | News | Sport"
    widget: bool  # counters and widgets: "37 Comments"



def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_terminal(text: str, rules: Rules) -> bool:
    cfg = rules.section("text")
    stripped = text.rstrip().rstrip(cfg["trailing_closers"]).rstrip()
    return bool(stripped) and stripped[-1] in cfg["terminal_punct"]


def compute(unit: Unit, rules: Rules) -> Features:
    text = unit.text
    norm = normalize(text)
    toks = words(text)
    n_words = len(toks)
    lower = [t.lower().replace("\u2019", "'") for t in toks]
    n_stop = sum(1 for t in lower if t in rules.stopwords)
    content = [t for t, lo in zip(toks, lower) if lo not in rules.stopwords and t[:1].isalpha()]
    cap_ratio = sum(1 for t in content if t[:1].isupper()) / len(content) if content else 0.0
    digit_share = sum(1 for t in toks if any(c.isdigit() for c in t)) / n_words if n_words else 0.0
    chrome = rules.section("chrome")
    norm_toks = tokens(norm)
    strong = rules.chrome_strong.findall(norm, norm_toks)
    weak = rules.chrome_weak.findall(norm, norm_toks)
    spam = rules.spam.findall(norm, norm_toks)
    score = chrome["strong_weight"] * len(strong) + chrome["weak_weight"] * len(weak) + rules.section("spam")["weight"] * len(spam)
    bare = norm.strip(" .:;,!?|»›>-*#")
    prefix = rules.marker_prefix.prefix_of(norm)
    prefix_marker = False
    if prefix is not None:
        rest = norm[len(prefix):].lstrip()
        # one-word prefixes ("Share", "Related") only count with a separator: "Share prices fell" is prose
        prefix_marker = " " in prefix or prefix.endswith(":") or (rest[:1] in {":", "|", "»", "›", ">", "-"})
    return Features(
        norm=norm,
        n_chars=len(text),
        n_words=n_words,
        stop_density=n_stop / n_words if n_words else 0.0,
        cap_ratio=cap_ratio,
        upper_share=_upper_share(text),
        digit_share=digit_share,
        terminal=is_terminal(text, rules),
        bullet=text[:1] in rules.section("text")["bullet_prefixes"] and len(text) > 2 and text[1] == " ",
        chrome_score=score,
        strong_hits=len(strong),
        spam_hits=len(spam),
        exact_marker=rules.marker_exact.is_exact(bare),
        end_marker=rules.marker_end.is_exact(bare) or any(p.match(norm) for p in rules.end_patterns),
        prefix_marker=prefix_marker,
        media=any(p.search(text) for p in rules.media_patterns),
        markup=any(p.search(text) for p in rules.markup_patterns),
        nav=is_nav(text, rules),
        widget=any(p.search(norm) for p in rules.chrome_patterns),
    )


def _upper_share(text: str) -> float:
    n_letters = sum(map(str.isalpha, text))
    return sum(map(str.isupper, text)) / n_letters if n_letters >= 4 else 0.0


def is_nav(text: str, rules: Rules) -> bool:
    """Several short items split by separators or wide gaps, and no sentence: a navigation row."""
    cfg = rules.section("nav")
    items = [it for it in rules.nav_separators.split(text) if it.strip()]
    if len(items) < cfg["min_items"]:
        return False
    return all(len(words(it)) <= cfg["max_item_words"] for it in items) and not text.rstrip().endswith(".")

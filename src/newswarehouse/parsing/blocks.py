"""Line classifier: which units are article paragraphs and which are page chrome.

Two passes, in the spirit of jusText:

1. *Local*: each unit on its own — chrome vocabulary, markers ("Previous
   Article"), media/markup noise, photo captions, lines repeated across the
   corpus — and a prose class (GOOD: a long, stopword-rich sentence; NEAR;
   SHORT).
2. *Context*: the body is the GOOD units plus the short sentences that touch
   them; everything before the body is the page head, everything after an
   end-of-article marker (related headlines, comment boxes) is the tail,
   and short unpunctuated lines between paragraphs are subheadings.

Labels are plain strings: they end up in ``ParsedArticle.removed_lines`` as the
reason a line was dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from newswarehouse.parsing.features import Features
from newswarehouse.parsing.rules import Rules, normalize
from newswarehouse.parsing.units import Unit

BODY = "body"
TITLE = "title"
TITLE_REPEAT = "title_repeat"
DATED_TITLE = "dated_title"
DEK = "dek"
BYLINE = "byline"
AUTHOR_NAME = "author_name"
DATE_LINE = "date_line"
PUBLISHER_LINE = "publisher_credit"
CONTRIBUTOR = "contributor_credit"
COPYRIGHT = "copyright"
CHROME = "chrome_vocabulary"
SPAM = "link_farm"
MARKER = "chrome_marker"
NAV = "navigation"
END_MARKER = "end_of_article_marker"
MEDIA = "media_noise"
MARKUP = "markup_noise"
CAPTION = "photo_caption"
CAPTION_LABEL = "photo_caption_label"
REPEAT = "repeated_line"
CORPUS_REPEAT = "repeated_across_corpus"
HEAD = "page_head"
MASTHEAD = "masthead"
TAIL = "page_tail"
SUBHEADING = "subheading"
STRAY = "short_line_outside_paragraphs"
AFFILIATION = "affiliation_line"
LOGO = "site_logo"
RELEASE = "release_header"
CONTACT = "contact_block"

GOOD, NEAR, SHORT = "good", "near", "short"

# Labels a neighbour search looks through: inline clutter between two
# paragraphs does not separate them.
TRANSPARENT = frozenset({MEDIA, MARKUP, CAPTION, CAPTION_LABEL, MARKER, NAV, SUBHEADING, REPEAT, CORPUS_REPEAT, SPAM})

_BULLET_TRANSPARENT = TRANSPARENT | {DATE_LINE}
# a full stop after a word of 3+ letters, then more words: "... incident. then army ..."
_INNER_SENTENCE = re.compile(r"[a-z]{3}[.!?][\"')\]]*\s+\S+\s+\S")

_CREDIT_PAREN = re.compile(r"\(([^()]{2,160})\)\W*$")


def prose_class(f: Features, rules: Rules) -> str:
    cfg = rules.section("prose")
    if f.stop_density >= cfg["good_min_stop_density"] and (
        (f.n_chars >= cfg["good_min_chars"] and f.terminal) or f.n_chars >= cfg["good_unpunctuated_min_chars"]
    ):
        return GOOD
    if f.n_chars >= cfg["near_min_chars"] and f.stop_density >= cfg["near_min_stop_density"]:
        return NEAR
    return SHORT


def is_sentence(f: Features, rules: Rules) -> bool:
    """A short line that still reads as a sentence ("He declined to comment.")."""
    cfg = rules.section("prose")
    ends = f.terminal or f.norm.endswith(":")
    worded = f.stop_density >= cfg["sentence_min_stop_density"] or f.cap_ratio <= cfg["sentence_max_cap_ratio"]
    return ends and f.n_words >= cfg["sentence_min_words"] and worded and not f.markup


def local_label(unit: Unit, f: Features, cls: str, rules: Rules, corpus: Mapping[str, int] | None, corpus_min: int) -> str | None:
    """The chrome label a unit earns on its own, or None."""
    if f.end_marker:
        return END_MARKER
    if f.n_words == 0:
        return MEDIA
    if f.exact_marker or f.prefix_marker or f.widget:
        return MARKER
    if f.nav:
        return NAV
    chrome = rules.section("chrome")
    if f.n_words <= chrome["short_max_words"]:
        threshold = chrome["threshold_sentence"] if is_sentence(f, rules) else chrome["threshold_short"]
    elif f.n_words <= chrome["medium_max_words"]:
        threshold = chrome["threshold_medium"]
    else:
        threshold = chrome["threshold_long"]
    if f.chrome_score >= threshold:
        return SPAM if f.spam_hits and not f.strong_hits else CHROME
    if cls != GOOD:
        if f.markup:
            return MARKUP
        noise = rules.section("noise")
        if f.media or (f.n_words <= noise["max_digit_share_words"] and f.digit_share >= noise["max_digit_share"]):
            return MEDIA
        if corpus and corpus.get(f.norm, 0) >= corpus_min:
            return CORPUS_REPEAT
    if is_caption(unit.text, f, rules):
        return CAPTION
    return None


def is_caption(text: str, f: Features, rules: Rules) -> bool:
    """A photo caption: ends in a credit "(Name/Agency via X)", or carries a credit phrase."""
    if f.n_words > 80:
        return False
    cfg = rules.section("captions")
    m = _CREDIT_PAREN.search(text)
    if m and len(m.group(1).split()) <= cfg["credit_max_words"]:
        inner = m.group(1)
        if rules.credit_words.findall(normalize(inner)) or re.search(r"\w\s*/\s*\w", inner) and inner[:1].isupper():
            return True
    if f.n_words <= 40 and _credit_phrase_at_edge(f.norm, rules, cfg["credit_phrase_edge_words"]):
        return True
    if any(p.search(text) for p in rules.credit_suffix_patterns):
        return True
    # a bare credit line: "AFP via Getty Images"
    if f.n_words <= cfg["credit_line_max_words"] and not f.terminal:
        hits = rules.credit_words.findall(f.norm)
        return len(hits) >= 2 or (bool(hits) and hits[0] == "via")
    return False


def _credit_phrase_at_edge(norm: str, rules: Rules, edge: int) -> bool:
    """"Photo by X" opens or closes a caption; "courtesy of" mid-sentence is prose."""
    parts = norm.split()
    # a caption opens with the credit ("Photo courtesy of X: ...") or ends with it ("... Photo by X")
    head, tail = " ".join(parts[:3]), " ".join(parts[-edge:])
    return bool(rules.credit_phrases.findall(head) or rules.credit_phrases.findall(tail))


def caption_labels(units: Sequence[Unit], feats: Sequence[Features], labels: list[str | None], rules: Rules) -> None:
    """The short title line printed above a caption ("Kim Jong Un" then the caption sentence)."""
    cfg = rules.section("captions")
    max_words = cfg["label_max_words"]
    for i in range(1, len(units)):
        if labels[i - 1] is not None:
            continue
        prev = feats[i - 1]
        if labels[i] == CAPTION and prev.n_words <= max_words and not prev.terminal:
            labels[i - 1] = CAPTION_LABEL
        elif (
            labels[i] == MARKER
            and rules.credit_line_prefixes.prefix_of(feats[i].norm)
            and prev.n_words <= cfg["above_credit_max_words"]
            # across a blank line only a short one: a paragraph can end right before an image's credit
            and (units[i].block == units[i - 1].block or prev.n_words <= cfg["above_credit_other_block_max_words"])
        ):
            labels[i - 1] = CAPTION  # the caption sentence right above its "Image: Jane Doe." credit line


def resolve_context(
    feats: Sequence[Features], labels: list[str | None], classes: Sequence[str], rules: Rules
) -> list[str]:
    """Final label of every unit (BODY or a chrome label), from the local labels and neighbours."""
    cfg = rules.section("prose")
    n = len(labels)
    body = [labels[i] is None and classes[i] == GOOD for i in range(n)]
    _cut_tail(labels, body, classes, cfg["tail_recover_run"])

    # Grow the body into the short sentences that touch it, until stable.
    changed = True
    while changed:
        changed = False
        for i in range(n):
            last_cut = i == n - 1 and _cut_off_last(feats[i], rules)
            if body[i] or labels[i] is not None or not (
                is_sentence(feats[i], rules) or feats[i].bullet or _cut_off_prose(feats[i], rules) or last_cut
            ):
                continue
            # list items may sit under a date subheading ("May 17" then its items)
            through = _BULLET_TRANSPARENT if feats[i].bullet else TRANSPARENT
            if _neighbour_is_body(i, -1, labels, body, through) or _neighbour_is_body(i, 1, labels, body, through):
                body[i] = True
                changed = True

    first = next((i for i in range(n) if body[i]), n)
    last = max((i for i in range(n) if body[i]), default=-1)
    out: list[str] = []
    for i in range(n):
        if body[i]:
            out.append(BODY)
        elif labels[i] is not None:
            out.append(labels[i])
        elif i < first:
            out.append(HEAD)
        elif i > last:
            out.append(TAIL)
        elif _between_body(i, labels, body):
            out.append(_inside_label(feats[i], rules))
        else:
            out.append(STRAY)
    if cfg["keep_subheadings"]:
        keep = cfg["subheading_keep_min_words"]
        out = [BODY if lab == SUBHEADING and feats[i].n_words >= keep else lab for i, lab in enumerate(out)]
    return out


def _cut_off_prose(f: Features, rules: Rules) -> bool:
    """A long, lower-case, function-word-rich line that only lacks its full stop (a truncated paragraph)."""
    cfg = rules.section("prose")
    return (
        f.n_words >= cfg["unpunctuated_edge_min_words"]
        and f.cap_ratio <= cfg["unpunctuated_sentence_max_cap_ratio"]
        and f.stop_density >= cfg["good_min_stop_density"]
        and not (f.markup or f.nav)
    )


def _cut_off_last(f: Features, rules: Rules) -> bool:
    """The page's last line, cut off mid-sentence after at least one full sentence: a truncated paragraph."""
    cfg = rules.section("prose")
    return (
        f.n_words >= cfg["cut_off_last_min_words"]
        and f.stop_density >= cfg["near_min_stop_density"]
        and _INNER_SENTENCE.search(f.norm) is not None
        and not (f.markup or f.nav)
    )


def _inside_label(f: Features, rules: Rules) -> str:
    """A non-sentence line between two paragraphs: a heading, or prose that lost its full stop."""
    cfg = rules.section("prose")
    # a line that stops on a function word ("... the deadline at") is a sentence broken by a link, whatever its capitals
    open_end = f.norm.rsplit(" ", 1)[-1] in rules.stopwords
    if (
        f.n_words >= cfg["unpunctuated_sentence_min_words"]
        and (f.cap_ratio <= cfg["unpunctuated_sentence_max_cap_ratio"] or open_end)
        and f.stop_density >= cfg["good_min_stop_density"]
    ):
        return BODY
    if f.n_words <= cfg["subheading_max_words"]:
        return SUBHEADING
    return STRAY


def _cut_tail(labels: list[str | None], body: list[bool], classes: Sequence[str], recover_run: int) -> None:
    """After an end-of-article marker, prose is related teasers or comments, unless a long run resumes."""
    n = len(labels)
    seen_body = False
    i = 0
    while i < n:
        if body[i]:
            seen_body = True
        if labels[i] == END_MARKER and seen_body:
            j = i + 1
            while j < n:
                run = 0
                while j + run < n and labels[j + run] is None and classes[j + run] == GOOD:
                    run += 1
                if run >= recover_run:
                    break  # the article goes on: the marker was inline
                for k in range(j, j + max(run, 1)):
                    if k < n and labels[k] is None:
                        labels[k] = TAIL
                        body[k] = False
                j += max(run, 1)
            i = j
            continue
        i += 1


def _neighbour_is_body(
    i: int, step: int, labels: Sequence[str | None], body: Sequence[bool], through: frozenset[str] = TRANSPARENT
) -> bool:
    j = i + step
    while 0 <= j < len(labels):
        if body[j]:
            return True
        if labels[j] in through:
            j += step
            continue
        return False
    return False


def _between_body(i: int, labels: Sequence[str | None], body: Sequence[bool]) -> bool:
    return _neighbour_is_body(i, -1, labels, body) and _neighbour_is_body(i, 1, labels, body)

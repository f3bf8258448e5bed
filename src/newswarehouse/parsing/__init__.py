"""Raw scraped text -> title, publisher, author, date and a chrome-free body.

The page is cut into units (lines), each unit gets local signals
(``features``), metadata lines are recognised (``metadata``), chrome is
labelled locally and then by context (``blocks``), and the headline is picked
from the page head (``title``). Vocabularies, weights and thresholds live in
``rules.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from newswarehouse.parsing import blocks as B
from newswarehouse.parsing import furniture as F
from newswarehouse.parsing import glued as G
from newswarehouse.parsing import story_credits as S
from newswarehouse.parsing.article import ParsedArticle
from newswarehouse.parsing.corpus import LineStats
from newswarehouse.parsing.features import Features, compute
from newswarehouse.parsing.metadata import (
    DateHit,
    bare_name,
    byline_affiliation,
    date_covers_line,
    date_rest_words,
    embedded_byline,
    find_dates,
    is_contributor_line,
    is_copyright_line,
    parse_byline,
    parse_copyright,
    parse_dateline,
    parse_publisher_line,
    tagline_outlet,
)
from newswarehouse.parsing.rules import Rules, load_rules, normalize
from newswarehouse.parsing.title import pick_masthead, pick_title
from newswarehouse.parsing.units import Unit, split_units

__all__ = ["LineStats", "parse_article"]

# Publisher evidence, strongest first: "Source: X"-style credit lines rank by
# their prefix's position in the rules (0..), then these.
_DOMAIN_LINE_RANK = 500
_LOGO_RANK = 900
_RELEASE_RANK = 950
_TAGLINE_RANK = 960
_SIGN_ON_RANK = 980
_DATE_DOMAIN_RANK = 990
_DATELINE_RANK = 1000
_SITE_AFFIX_RANK = 1001
_COPYRIGHT_RANK = 1001
_AFFILIATION_RANK = 1002
_MASTHEAD_RANK = 1003
# the words after a byline's separator may be an outlet ("Jane Doe, The Daily Ledger") or a place ("Jane Doe | Seville")
_BYLINE_TAIL_RANK = 1004
_RELATED_RANK = 1050
# weaker: read from the story rather than from furniture that credits it
_LEAD_ORG_RANK = 1100
_HEAD_ORG_RANK = 1150
_TOLD_RANK = 1300
# a credit line *between* paragraphs is more likely a chart's or quote's source
_INSIDE_BODY_DEMOTION = 2000


@dataclass
class _Meta:
    author: str | None = None
    publishers: list[tuple[int, int, str]] | None = None  # (rank, unit index, name)
    dates: dict[int, list[DateHit]] | None = None


def parse_article(raw_text: str, *, line_stats: LineStats | None = None) -> ParsedArticle:
    """Split one raw article into metadata and body.

    Contract: ``raw_text`` has ``\\n`` newlines; ``body_text`` keeps paragraphs
    separated by a blank line (``\\n\\n``), each paragraph exactly as in the
    source (surrounding whitespace stripped), and never contains page chrome.
    ``line_stats`` (optional) marks lines repeated across a corpus as site
    template. Every dropped line is listed in ``removed_lines`` with its reason.
    """
    rules = load_rules()
    text = raw_text.replace("\r\n", "\n").replace("\r", "\n")
    units = split_units(text, rules.section("text")["terminal_punct"])
    if not units:
        return ParsedArticle(None, None, None, None, "")
    feats = [compute(u, rules) for u in units]
    classes = [B.prose_class(f, rules) for f in feats]
    labels: list[str | None] = [None] * len(units)

    meta = _metadata_lines(units, feats, classes, labels, rules)
    corpus = line_stats.doc_counts if line_stats else None
    corpus_min = line_stats.min_docs() if line_stats else 0
    for i, (u, f) in enumerate(zip(units, feats)):
        if labels[i] is None:
            labels[i] = B.local_label(u, f, classes[i], rules, corpus, corpus_min)
    B.caption_labels(units, feats, labels, rules)
    if not any(lab is None and cls == B.GOOD for lab, cls in zip(labels, classes)):
        # Pages of one-sentence paragraphs have no long prose: let the sentences seed the body.
        classes = [B.GOOD if cls == B.NEAR and B.is_sentence(f, rules) else cls for cls, f in zip(classes, feats)]
    if meta.author:
        author_norm = normalize(meta.author)
        for i, f in enumerate(feats):
            if labels[i] is None and f.norm == author_norm:
                labels[i] = B.AUTHOR_NAME

    texts = [u.text for u in units]
    title_index, title, dated = _choose_title(units, feats, labels, classes, meta, rules)
    if title_index is not None:
        labels[title_index] = B.DATED_TITLE if dated else B.TITLE
        for i, f in enumerate(feats):
            if labels[i] is None and f.norm == feats[title_index].norm:
                labels[i] = B.TITLE_REPEAT
        if meta.author is None and rules.section("meta")["bare_name_author"]:
            meta.author = _bare_name_author(units, labels, classes, title_index, meta, rules)
    masthead = pick_masthead(feats, labels, title_index, texts, rules)
    if masthead:
        labels[masthead[0]] = B.MASTHEAD
        meta.publishers.append((_MASTHEAD_RANK, masthead[0], masthead[1]))
    if title_index is not None:
        # nothing above the headline is article text (cookie banners, promos, tickers)
        for i in range(title_index):
            if labels[i] is None:
                labels[i] = B.HEAD
    _mark_repeats(feats, labels)

    final = B.resolve_context(feats, labels, classes, rules)

    paragraphs: list[str] = []
    removed: list[tuple[str, str]] = []
    release_page = any(lab in (B.CONTACT, B.RELEASE) for lab in final)
    for i, (u, lab) in enumerate(zip(units, final)):
        if lab != B.BODY:
            removed.append((u.text, lab))
            continue
        para, glued_contact = _cut_glued_furniture(u.text, i, len(paragraphs), meta, removed, rules)
        release_page = release_page or glued_contact
        if para:
            paragraphs.append(para)
    _story_publishers(units, final, paragraphs, title, release_page, meta, rules)

    for i, u in enumerate(units):
        if final[i] in (B.COPYRIGHT, B.TAIL, B.STRAY, B.HEAD, B.CHROME):
            holder = parse_copyright(u.text, rules)
            if holder:
                meta.publishers.append((_COPYRIGHT_RANK, i, holder))

    publisher = _choose_publisher(meta.publishers, final)
    if title:
        affix = F.site_affix(title, publisher, rules)
        if affix:
            title = affix[0]
            publisher = publisher or affix[1]
    return ParsedArticle(
        title=title,
        publisher=publisher,
        author=meta.author,
        published_date=_choose_date(meta.dates, final, rules),
        body_text="\n\n".join(paragraphs),
        removed_lines=tuple(removed),
    )


def _choose_title(
    units: list[Unit],
    feats: list[Features],
    labels: list[str | None],
    classes: list[str],
    meta: _Meta,
    rules: Rules,
) -> tuple[int | None, str | None, bool]:
    """(index, headline text, whether it was printed after a date) of the page's headline."""
    texts = [u.text for u in units]
    dated = _dated_titles(units, labels, classes, meta.dates, rules)
    saved = {i: (labels[i], feats[i]) for i in dated}
    for i, headline in dated.items():
        # "May 4, 2010 Agency names new director": a headline printed after its date competes as the headline
        labels[i] = None
        feats[i] = compute(Unit(i, headline, units[i].start, units[i].end, units[i].block), rules)
    title_index = pick_title(feats, labels, classes, texts, rules)
    for i, (label, f) in saved.items():
        if i != title_index:
            labels[i], feats[i] = label, f
    if title_index is None:
        return None, None, False
    return title_index, dated.get(title_index) or texts[title_index], title_index in dated


def _cut_glued_furniture(
    para: str, index: int, body_seen: int, meta: _Meta, removed: list[tuple[str, str]], rules: Rules
) -> tuple[str, bool]:
    """Cut furniture printed at the start of a body paragraph; (what is left, whether a contact credit was cut).

    The first paragraphs may open with a contact credit, a dek glued without a space, a dateline
    "CITY (Outlet) —", and carry a sign-on; any paragraph may open with a caption ended by its credit.
    """
    glued_contact = False

    def cut_at(end: int, reason: str) -> None:
        nonlocal para
        removed.append((para[:end].strip(), reason))
        para = para[end:].strip()

    if body_seen < rules.section("meta")["dateline_search_paragraphs"]:
        end = G.glued_contact(para, rules)
        if end:
            glued_contact = True
            cut_at(end, B.CONTACT)
        end = G.glued_dek(para, rules) if body_seen == 0 else 0
        if end:
            cut_at(end, B.DEK)
        dateline = parse_dateline(para, rules)
        if dateline:
            meta.publishers.append((_DATELINE_RANK, index, dateline[0]))
            cut_at(dateline[1], "dateline")
        signed_author, signed_outlet = S.sign_on(para, rules)
        meta.author = meta.author or signed_author
        if signed_outlet:
            meta.publishers.append((_SIGN_ON_RANK, index, signed_outlet))
    end = G.glued_caption(para, rules)
    if end:
        cut_at(end, B.CAPTION)
    return para, glued_contact


def _metadata_lines(
    units: list[Unit], feats: list[Features], classes: list[str], labels: list[str | None], rules: Rules
) -> _Meta:
    """Label byline, date, publisher and credit lines; collect what they say."""
    meta = _Meta(publishers=[], dates={})
    max_date_words = rules.section("dates")["max_line_words"]
    max_furniture_words = rules.section("furniture")["contact_max_words"]
    first_prose = next((i for i, cls in enumerate(classes) if cls == B.GOOD), len(units))
    for i, (u, f) in enumerate(zip(units, feats)):
        hits = find_dates(u.text, rules) if f.n_words <= max_date_words else []
        if hits:
            meta.dates[i] = hits
        name = parse_byline(u.text, rules) or (embedded_byline(u.text, hits, rules) if hits else None)
        if name is None and i + 1 < len(units) and f.norm.rstrip(":") in rules.byline_prefixes:
            # "By" on its own line, the name on the next
            name = parse_byline(f"{u.text} {units[i + 1].text}", rules)
            if name:
                labels[i + 1] = B.AUTHOR_NAME
        if name is None and i < first_prose:
            signed = F.name_outlet_byline(u.text, rules)
            if signed:
                name = signed[0]
                meta.publishers.append((_AFFILIATION_RANK, i, signed[1]))
        if name:
            labels[i] = B.BYLINE
            meta.author = meta.author or name
            unit = byline_affiliation(u.text, rules)
            if unit:
                rank = _AFFILIATION_RANK if rules.affiliation_suffixes.suffix_of(normalize(unit)) else _BYLINE_TAIL_RANK
                meta.publishers.append((rank, i, unit))
            continue
        if is_contributor_line(f.norm, f.n_words, rules):
            labels[i] = B.CONTRIBUTOR
            continue
        pub = parse_publisher_line(u.text, rules)
        if pub:
            labels[i] = B.PUBLISHER_LINE
            meta.publishers.append((pub[1], i, pub[0]))
            continue
        tagline = tagline_outlet(u.text, rules) if i < first_prose else None
        if tagline:
            labels[i] = B.PUBLISHER_LINE
            meta.publishers.append((_TAGLINE_RANK, i, tagline))
            continue
        if is_copyright_line(u.text, rules):
            labels[i] = B.COPYRIGHT
            continue
        if hits and date_covers_line(u.text, hits, rules):
            labels[i] = B.DATE_LINE
            domain = F.domain_in(u.text, rules)
            if domain:
                meta.publishers.append((_DATE_DOMAIN_RANK, i, domain))
            continue
        domain = F.domain_credit_line(u.text, rules)
        if domain:
            labels[i] = B.PUBLISHER_LINE
            meta.publishers.append((_DOMAIN_LINE_RANK, i, domain))
            continue
        if f.n_words <= max_furniture_words and _furniture_line(i, units, labels, meta, rules):
            continue
    return meta


def _furniture_line(i: int, units: list[Unit], labels: list[str | None], meta: _Meta, rules: Rules) -> bool:
    """Label a logo, release header, contact block or affiliation line; collect the outlet it names."""
    text = units[i].text
    logo = F.logo_line(text, rules)
    if logo:
        labels[i] = B.LOGO
        meta.publishers.append((_LOGO_RANK, i, logo))
        return True
    is_release, issuer = F.release_header(text, rules)
    if is_release:
        labels[i] = B.RELEASE
        if issuer:
            meta.publishers.append((_RELEASE_RANK, i, issuer))
        return True
    if F.is_contact_line(text, rules) or F.address_line(text, rules):
        labels[i] = B.CONTACT
        _contact_details(i, units, labels, rules)
        return True
    unit = F.affiliation_line(text, rules)
    if unit:
        labels[i] = B.AFFILIATION
        meta.publishers.append((_AFFILIATION_RANK, i, unit))
        return True
    return False


def _contact_details(i: int, units: list[Unit], labels: list[str | None], rules: Rules) -> None:
    """The name, phone and office lines under "Contact:": in its block, or a phone line (or the name above one)."""
    limit = rules.section("furniture")["contact_detail_lines"]
    for j in range(i + 1, min(len(units), i + 1 + limit)):
        text = units[j].text
        if labels[j] is not None or not F.is_contact_detail(text, rules):
            return
        follows_phone = j + 1 < len(units) and F.phone_line(units[j + 1].text, rules)
        if units[j].block != units[i].block and not (F.phone_line(text, rules) or follows_phone):
            return
        labels[j] = B.CONTACT


def _story_publishers(
    units: list[Unit],
    final: list[str],
    paragraphs: list[str],
    title: str | None,
    release_page: bool,
    meta: _Meta,
    rules: Rules,
) -> None:
    """Weaker publisher evidence: a related-stories list, a press release's issuer, the outlet a source told."""
    texts = [u.text for u in units]
    for i, lab in enumerate(final):
        if lab == B.END_MARKER and normalize(texts[i]).startswith("related"):
            outlet = S.related_outlet(texts, i + 1, rules)
            if outlet:
                meta.publishers.append((_RELATED_RANK, i, outlet))
                break
    if release_page:
        lead = S.lead_organisation(title, paragraphs, rules)
        if lead:
            meta.publishers.append((_LEAD_ORG_RANK, 0, lead))
        first_body = next((i for i, lab in enumerate(final) if lab == B.BODY), len(final))
        for i in range(first_body):
            if final[i] in (B.HEAD, B.STRAY, B.CONTACT) and F.organisation_line(texts[i], rules):
                meta.publishers.append((_HEAD_ORG_RANK, i, texts[i].strip()))
                break
    if not meta.publishers:
        for para in paragraphs:
            outlet = S.told_outlet(para, rules)
            if outlet:
                meta.publishers.append((_TOLD_RANK, 0, outlet))
                break


def _bare_name_author(
    units: list[Unit], labels: list[str | None], classes: list[str], title_index: int, meta: _Meta, rules: Rules
) -> str | None:
    """A name-only line between the headline and the body, beside a date line or right above the first
    paragraph: the byline without "By" ("Jane Doe", "Jane Doe, The Daily Ledger")."""
    meta_labels = (B.DATE_LINE, B.BYLINE)
    for i in range(title_index):
        # above the headline only beside a date line: "Jane Doe" / "Updated May 4, 2020" / headline
        beside = [labels[j] for j in (i - 1, i + 1) if 0 <= j < len(units)]
        name = bare_name(units[i].text, rules) if labels[i] is None and B.DATE_LINE in beside else None
        if name:
            labels[i] = B.AUTHOR_NAME
            return name
    for i in range(title_index + 1, len(units)):
        if labels[i] is None and classes[i] == B.GOOD:
            return None
        if labels[i] is not None:
            continue
        beside = [labels[j] for j in (i - 1, i + 1) if 0 <= j < len(units)]
        above_body = i + 1 < len(units) and labels[i + 1] is None and classes[i + 1] == B.GOOD
        name = bare_name(units[i].text, rules) if above_body or any(lab in meta_labels for lab in beside) else None
        if name:
            labels[i] = B.AUTHOR_NAME
            outlet = byline_affiliation(units[i].text, rules)
            if outlet:
                meta.publishers.append((_BYLINE_TAIL_RANK, i, outlet))
            return name
    return None


def _dated_titles(
    units: list[Unit], labels: list[str | None], classes: list[str], dates: dict[int, list[DateHit]], rules: Rules
) -> dict[int, str]:
    """Date lines that also carry a headline: {index: headline}, a leading date cut off ("May 4, 2010 Agency ...")."""
    out: dict[int, str] = {}
    min_words = rules.section("title")["dated_title_min_words"]
    for i, hits in dates.items():
        text = units[i].text
        lead = text[: hits[0].start].strip()
        if labels[i] is None and classes[i] != B.GOOD and not lead:
            pass  # a headline line that opens with its date
        elif labels[i] != B.DATE_LINE:
            continue
        if len(date_rest_words(text, hits, rules)) < min_words or F.is_contact_line(text, rules):
            continue  # "For Immediate Release: May 4, 2010" is furniture, not a headline
        out[i] = text[hits[0].end:].strip(" -–—|:,") if not lead else text
    return out


def _choose_publisher(candidates: list[tuple[int, int, str]], final: list[str]) -> str | None:
    body_idx = [i for i, lab in enumerate(final) if lab == B.BODY]
    if not candidates:
        return None
    first, last = (body_idx[0], body_idx[-1]) if body_idx else (len(final), -1)

    def rank(candidate: tuple[int, int, str]) -> tuple[int, int]:
        base, index, _ = candidate
        inside = final[index] == B.PUBLISHER_LINE and first < index < last
        return (base + (_INSIDE_BODY_DEMOTION if inside else 0), index)

    return min(candidates, key=rank)[2]


def _mark_repeats(feats: list[Features], labels: list[str | None]) -> None:
    """A line printed twice on one page is chrome the second time (menus, share rows, pull quotes)."""
    seen: dict[str, int] = {}
    for i, f in enumerate(feats):
        first = seen.setdefault(f.norm, i)
        if first != i and labels[i] is None:
            labels[i] = B.REPEAT


def _after_paragraphs(i: int, final: list[str], n: int) -> bool:
    """``i`` follows at least ``n`` body paragraphs and precedes another one."""
    return sum(lab == B.BODY for lab in final[:i]) >= n and B.BODY in final[i + 1:]


def _choose_date(dates: dict[int, list[DateHit]], final: list[str], rules: Rules) -> date | None:
    """The publication date: labelled dates first, then date lines near the head; never from prose or captions."""
    cfg = rules.section("dates")
    body_idx = [i for i, lab in enumerate(final) if lab == B.BODY]
    first_body = body_idx[0] if body_idx else len(final)
    last_body = body_idx[-1] if body_idx else -1
    end_marker_after_body = next(
        (i for i, lab in enumerate(final) if i > last_body and lab == B.END_MARKER), len(final)
    )
    best: tuple[int, int, date] | None = None
    for i, hits in dates.items():
        lab = final[i]
        if lab in (B.BODY, B.CAPTION, B.CAPTION_LABEL, B.TITLE, B.TITLE_REPEAT):
            continue
        for hit in hits:
            if hit.label_score is not None:
                score = hit.label_score
            elif lab in (B.DATE_LINE, B.BYLINE, B.DATED_TITLE) and i < end_marker_after_body and not _after_paragraphs(i, final, 2):
                # (an unlabelled date between two paragraphs heads a schedule, it is not the page's date)
                score = cfg["unlabelled"]
            else:
                continue
            if i < first_body:
                score += cfg["head_bonus"]
            elif i > last_body:
                score += cfg["tail_penalty"]
            key = (score, -i, hit.value)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None

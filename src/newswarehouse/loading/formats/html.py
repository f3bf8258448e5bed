"""Cheap facts about an HTML page at landing time: its visible text, declared language and URL.

Landing must stay fast over a whole WARC, so this is one lxml parse, not a full
extraction (trafilatura runs later, in the enrichment workers).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from newswarehouse.loading.decoding import (
    Decoded,
    Undecodable,
    decode,
    normalise_newlines,
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_INVISIBLE = ("script", "style", "noscript", "template", "svg")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PageFacts:
    text: str  # visible text, whitespace collapsed
    lang: str | None  # <html lang>, as declared
    url: str | None  # canonical link or og:url


def decode_html(data: bytes, declared_charset: str | None = None) -> Decoded:
    """Bytes of a page -> text: a BOM or valid UTF-8 first, then the declared charset
    (HTTP header, then ``<meta charset>``), then the generic detector."""
    if b"\x00" not in data and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            match = _META_CHARSET.search(data[:4096])
            declared = [declared_charset, match.group(1).decode("ascii") if match else None]
            for charset in filter(None, declared):
                try:
                    return Decoded(normalise_newlines(data.decode(charset)), charset.lower())
                except (LookupError, UnicodeDecodeError):
                    continue
    return decode(data)


def charset_of(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def page_facts(html: str) -> PageFacts:
    try:
        # lxml refuses str input that carries an XML encoding declaration.
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        raise Undecodable(f"not parseable as HTML: {exc}") from exc
    for node in list(root.iter(*_INVISIBLE)):
        if node.getparent() is not None:
            node.drop_tree()
    body = root.find("body")
    text = _SPACE.sub(" ", (body if body is not None else root).text_content()).strip()
    url = next(
        (v.strip() for v in root.xpath(
            "//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href"
            " | //meta[@property='og:url']/@content") if v.strip().startswith(("http://", "https://"))),
        None,
    )
    return PageFacts(text, root.get("lang") or root.get("xml:lang"), url)

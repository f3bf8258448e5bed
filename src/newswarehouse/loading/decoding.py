"""Bytes of a scraped file -> text, or a readable reason why not.

Order of trust: a byte-order mark; then strict UTF-8 (the overwhelmingly common
case); then charset-normalizer's best guess, accepted only when it is
confident. Anything else is rejected rather than landed as mojibake.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# charset-normalizer's "chaos" is the share of the text that looks garbled;
# above this we refuse the guess instead of landing unreadable text.
MAX_CHAOS = 0.2

# A file that is not valid UTF-8 still counts as (damaged) UTF-8 when its valid
# multi-byte characters outnumber its bad sequences at least this many times;
# legacy code-page text almost never forms valid UTF-8 sequences by chance.
MIN_VALID_PER_BAD_UTF8 = 2

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM is a prefix of this one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_PREFERRED_LEGACY = ("cp1252", "windows-1252")


class Undecodable(ValueError):
    """The bytes are not article text; ``str(exc)`` is the recorded reason."""


@dataclass(frozen=True)
class Decoded:
    text: str  # newlines normalised to "\n"
    encoding: str


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise Undecodable(f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc.reason}") from exc
    if b"\x00" in data:
        raise Undecodable("binary file: contains NUL bytes and no UTF-16/32 byte-order mark")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
    from charset_normalizer import from_bytes

    candidates = list(from_bytes(data))
    if not candidates or min(m.chaos for m in candidates) > MAX_CHAOS:
        raise Undecodable("not valid UTF-8 and no other text encoding could be detected with confidence")
    least_chaos = min(m.chaos for m in candidates)
    tied = [m for m in candidates if m.chaos <= least_chaos]
    # Short Western texts decode cleanly as several code pages; like browsers
    # (WHATWG), prefer windows-1252, the web's dominant legacy encoding.
    best = next((m for m in tied if m.encoding in _PREFERRED_LEGACY), tied[0])
    return _checked(str(best), best.encoding)


def _damaged_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few bad bytes (a truncated download, a stray byte), or None.

    Such a file is still UTF-8: a legacy code page guessed for it (charset-
    normalizer picks e.g. mac_iceland) would garble every other non-ASCII
    character silently. Its valid multi-byte characters must outnumber the bad
    sequences; each bad sequence becomes U+FFFD, visible in the text, and the
    encoding column says how many.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    valid_multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    if bad <= 0 or valid_multibyte < MIN_VALID_PER_BAD_UTF8 * bad:
        return None
    return _checked(text, f"utf-8 ({bad} invalid byte sequence(s) replaced by U+FFFD)")


def _checked(text: str, encoding: str) -> Decoded:
    if "\x00" in text:
        raise Undecodable(f"decoded as {encoding} but contains NUL characters (binary data)")
    return Decoded(normalise_newlines(text), encoding)

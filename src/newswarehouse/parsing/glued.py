"""Furniture glued to the start of a body paragraph, cut off before it reaches the body.

- a contact credit: "Contact: Jane Doe, (555) 010-0199 The agency said ...";
- a dek glued without a space: "... for 40,000 householdsThe board approved ...";
- a photo caption closed by its credit: "A crowd waits. (Photo: Jane Doe/Agency) The council ...".

Each function returns where the furniture ends (0: none).
"""

from __future__ import annotations

import re

from newswarehouse.parsing.furniture import contact_prefix, phone_pattern
from newswarehouse.parsing.rules import Rules, normalize


def _cfg(rules: Rules) -> dict:
    return rules.section("furniture")


def glued_contact(text: str, rules: Rules) -> int:
    """End of a contact credit glued to the start of a paragraph ("Contact: Jane Doe, (555) 010-0199 The agency ..."), else 0."""
    norm_head = normalize(text[:40])
    if not contact_prefix(norm_head, rules):
        return 0
    m = phone_pattern(rules).search(text, 0, 120)
    return m.end() if m else 0


def glued_dek(text: str, rules: Rules) -> int:
    """End of a dek glued to the first paragraph without a space ("... for 40,000 householdsThe board ..."), else 0."""
    limit = _cfg(rules)["glued_max_chars"]
    for m in re.finditer(r"(?<=[a-z0-9%)])([A-Z][a-z']*)(?=\s)", text[:limit]):
        left = text[: m.start()]
        if m.group(1).lower() in rules.stopwords and len(left.split()) >= 4 and not re.search(r"[.!?:]", left):
            return m.start()
    return 0


def glued_caption(text: str, rules: Rules) -> int:
    """End of a photo caption glued to the start of a paragraph, closed by its credit
    ("A crowd waits outside. (Photo: Jane Doe/Agency) The council said ..."), else 0."""
    limit = _cfg(rules)["glued_max_chars"]
    for m in re.finditer(r"\(([^()]{2,80})\)\s+(?=[A-Z\"“])", text[: limit + 80]):
        inner = normalize(m.group(1))
        if m.start() > limit:
            break
        if rules.credit_words.findall(inner) and (":" in inner or "/" in inner or " by " in f" {inner} "):
            return m.end()
    return 0

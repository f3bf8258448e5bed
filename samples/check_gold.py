#!/usr/bin/env python3
"""Check the sample corpus gold annotations against the article files.

usage: python samples/check_gold.py [--verbose]

For every samples/gold/<stem>.json this verifies that the JSON follows the
gold schema of the evaluation set and that every annotated string really is in
samples/inbox/<stem>.txt:

* title, author and publisher occur in the file;
* body_must_contain snippets occur in the body, boilerplate_must_not_contain
  snippets occur in the file but not in the body;
* every entity alias occurs in the body (as a whole word);
* every statement's speaker_surface, cue and text occur in the body (direct
  quotes are compared with the quotation marks removed, so that a quote running
  over two paragraphs is one statement), and a named speaker is an annotated entity.

The body is approximated as the lines from the first body snippet to the last
one, minus lines that are mostly a boilerplate snippet (captions, ads, in-body
"read more" lines). By convention the first and last body snippets come from
the first and last body paragraphs. --verbose also lists the lines outside the
body that no boilerplate snippet covers, to review what was left unannotated.
Exit status 1 when a check fails.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT"}
KEYS = {"article", "source", "title", "publisher", "published_date", "author", "body_must_contain",
        "boilerplate_must_not_contain", "entities", "statements"}
OPTIONAL_KEYS = {"entities_optional"}
STATEMENT_KEYS = {"speaker", "speaker_surface", "speaker_role", "cue", "text", "direct"}
DOUBLE_QUOTES = "\u201c\u201d\""


def norm(s: str) -> str:
    """The scorer's normalisation (eval/tools/score.py), used for the leak check."""
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = re.sub(r"[\u2010-\u2015]", "-", s)
    s = s.lower().strip()
    s = re.sub(r"^(the|mr|mrs|ms|dr)\.?\s+", "", s)
    s = re.sub(r"'s$", "", s)
    s = s.replace(".", "").replace("-", " ")
    return re.sub(r"\s+", " ", s).strip()


def unquote(s: str) -> str:
    return re.sub(r"\s+", " ", "".join(c for c in s if c not in DOUBLE_QUOTES)).strip()


def has_word(text: str, word: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) is not None


def body_of(text: str, gold: dict) -> tuple[str, set[int]]:
    lines = text.split("\n")
    snippets = gold["body_must_contain"]
    first = next(i for i, line in enumerate(lines) if snippets[0] in line)
    last = next(i for i, line in reversed(list(enumerate(lines))) if snippets[-1] in line)
    keep = []
    for i in range(first, last + 1):
        stripped = lines[i].strip()
        covered = any(b in stripped and len(b) >= 0.5 * len(stripped) for b in gold["boilerplate_must_not_contain"])
        if not covered:
            keep.append(i)
    return "\n".join(lines[i] for i in keep), set(keep)


def check(gold_path: Path, verbose: bool) -> list[str]:
    errors: list[str] = []
    err = errors.append
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [f"invalid JSON: {exc}"]
    missing, extra = KEYS - gold.keys(), gold.keys() - KEYS - OPTIONAL_KEYS
    if missing or extra:
        return [f"keys: missing {sorted(missing)}, unexpected {sorted(extra)}"]
    if gold["article"] != gold_path.stem + ".txt":
        err(f"article {gold['article']!r} does not match the gold file name")
    article = HERE / "inbox" / gold["article"]
    if not article.exists():
        return errors + [f"no article file {article}"]
    raw = article.read_bytes()
    if b"\r" in raw:
        err("article has CR line endings")
    text = raw.decode("utf-8")
    body, body_lines = body_of(text, gold)
    nbody = norm(body)
    ubody = unquote(body)

    for key in ("title", "publisher", "author"):
        if gold[key] is not None and gold[key] not in text:
            err(f"{key} {gold[key]!r} not in article")
    if gold["published_date"] is not None:
        try:
            dt.date.fromisoformat(gold["published_date"])
        except ValueError:
            err(f"published_date {gold['published_date']!r} is not ISO")
    if len(gold["body_must_contain"]) < 4:
        err("fewer than 4 body snippets")
    for s in gold["body_must_contain"]:
        if s not in body:
            err(f"body snippet not in body: {s!r}")
    for s in gold["boilerplate_must_not_contain"]:
        if s not in text:
            err(f"boilerplate snippet not in article: {s!r}")
        elif norm(s) in nbody:
            err(f"boilerplate snippet also in body: {s!r}")

    names = {}
    alias_owner: dict[str, str] = {}
    for e in gold["entities"]:
        if set(e) != {"name", "type", "aliases", "salient"}:
            err(f"entity keys {sorted(e)}")
            continue
        if e["name"] in names:
            err(f"duplicate entity {e['name']!r}")
        names[e["name"]] = e["type"]
        if e["type"] not in TYPES:
            err(f"entity {e['name']!r}: bad type {e['type']!r}")
        if not e["aliases"] or not isinstance(e["salient"], bool):
            err(f"entity {e['name']!r}: empty aliases or non-boolean salient")
        for a in e["aliases"]:
            if not has_word(body, a):
                err(f"entity {e['name']!r}: alias {a!r} not in body")
            other = alias_owner.setdefault(norm(a), e["name"])
            if other != e["name"] and verbose:
                print(f"  note: alias {a!r} of {e['name']!r} also belongs to {other!r}")
    for o in gold.get("entities_optional", []):
        if not isinstance(o, str) or o not in text:
            err(f"optional entity {o!r} not in article")

    for n, st in enumerate(gold["statements"]):
        where = f"statement {n} ({(st.get('text') or '')[:40]!r})"
        if set(st) != STATEMENT_KEYS:
            err(f"{where}: keys {sorted(st)}")
            continue
        if st["speaker"] is not None and st["speaker"] not in names:
            err(f"{where}: speaker {st['speaker']!r} is not an annotated entity")
        if st["speaker_surface"] is not None and st["speaker_surface"] not in body:
            err(f"{where}: speaker_surface {st['speaker_surface']!r} not in body")
        if st["cue"] is not None and st["cue"] not in body:
            err(f"{where}: cue {st['cue']!r} not in body")
        if (st["speaker_surface"] is None) != (st["cue"] is None):
            err(f"{where}: speaker_surface and cue must both be set or both be null")
        if not isinstance(st["direct"], bool):
            err(f"{where}: direct must be boolean")
        t = st["text"]
        if t.strip() != t or not t:
            err(f"{where}: text empty or padded")
        if st["direct"]:
            if unquote(t) not in ubody:
                err(f"{where}: direct quote not in body")
            if t[0] in DOUBLE_QUOTES or t[-1] in DOUBLE_QUOTES:
                err(f"{where}: direct quote keeps its outer quotation marks")
        elif t not in body:
            err(f"{where}: reported text not in body")
        if t.startswith("that "):
            err(f"{where}: reported text keeps the leading 'that'")

    if verbose:
        meta = {gold["title"], gold["author"], gold["publisher"]}
        for i, line in enumerate(text.split("\n")):
            s = line.strip()
            if not s or i in body_lines or s in meta:
                continue
            if not any(b in s for b in gold["boilerplate_must_not_contain"]):
                print(f"  uncovered line {i + 1}: {s[:90]}")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    golds = sorted((HERE / "gold").glob("*.json"))
    articles = sorted((HERE / "inbox").glob("*.txt"))
    failed = 0
    if {g.stem for g in golds} != {a.stem for a in articles}:
        print("gold and inbox file stems differ")
        failed += 1
    for g in golds:
        if args.verbose:
            print(g.name)
        errors = check(g, args.verbose)
        for e in errors:
            print(f"{g.name}: {e}")
        failed += bool(errors)
    print(f"{len(golds)} gold files, {failed} with problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

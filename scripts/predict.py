#!/usr/bin/env python
"""Run the per-document enrichment over a folder of raw articles, without the warehouse.

Writes one JSON per article in the ``--predictions`` format of
``../shared/eval/tools/score.py`` so that parser, entity and statement work can
be measured in seconds:

    python scripts/predict.py ../shared/seeds /tmp/pred
    python ../shared/eval/tools/score.py --predictions /tmp/pred

Entity ids here are a crude stand-in for the dbt resolution (type + normalised
resolved text), good enough for within-article scores.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

from newswarehouse.enrichment.pipeline import enrich_documents
from newswarehouse.settings import load_settings


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text.replace(".", "")).strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("inbox", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in args.inbox.iterdir() if p.is_file())
    items = [(p.name, p.read_text(encoding="utf-8").replace("\r\n", "\n")) for p in files]
    for enriched in enrich_documents(items, load_settings().spacy_model):
        if enriched.error:
            print(f"{enriched.article_id}: ERROR {enriched.error}", file=sys.stderr)
        parsed = enriched.parsed
        by_id: dict[str, dict] = {}
        for m in enriched.mentions:
            eid = f"{m.entity_type}:{_key(m.resolved_text)}"
            ent = by_id.setdefault(eid, {"id": eid, "name": m.resolved_text, "type": m.entity_type, "surfaces": []})
            if m.surface_text not in ent["surfaces"]:
                ent["surfaces"].append(m.surface_text)
        mentions = {m.mention_index: m for m in enriched.mentions}
        statements = []
        for s in enriched.statements:
            speaker = mentions.get(s.speaker_mention_index) if s.speaker_mention_index is not None else None
            statements.append(
                {
                    "speaker": speaker.resolved_text if speaker else None,
                    "speaker_text": s.speaker_text,
                    "role": s.speaker_role,
                    "cue": s.cue_verb,
                    "text": s.statement_text,
                    "direct": s.is_direct_quote,
                }
            )
        record = {
            "title": parsed.title,
            "publisher": parsed.publisher,
            "author": parsed.author,
            "published_date": parsed.published_date.isoformat() if parsed.published_date else None,
            "body": parsed.body_text,
            "entities": list(by_id.values()),
            "statements": statements,
        }
        stem = Path(enriched.article_id).stem
        (args.out / f"{stem}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

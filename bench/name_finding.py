"""Name finding: raw spaCy against the product, scored by the real-pages scorer in one run.

Raw spaCy is ``doc.ents`` of the named types over the parsed body, each
distinct (surface, label) one entity; the product is the enrichment's mentions
grouped by (type, resolved text), as ``scripts/predict.py`` writes them. Both
are scored with ``score()`` of ``<data>/tools/score.py`` (imported, not copied)
against ``<data>/gold``, so the two lines differ only in who found the names.

    .venv/bin/python bench/name_finding.py --data ../shared/real
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NAMED = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT")


def _scorer(data: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("real_score", data / "tools" / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {data / 'tools' / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _raw_spacy(items: list[tuple[str, str]], model: str) -> dict[str, dict]:
    from newswarehouse.enrichment.nlp import load_pipeline
    from newswarehouse.parsing import parse_article

    nlp = load_pipeline(model)
    bodies = [parse_article(text).body_text for _, text in items]
    out = {}
    for (name, _), doc in zip(items, nlp.pipe(bodies, batch_size=32)):
        seen: dict[tuple[str, str], dict] = {}
        for ent in doc.ents:
            if ent.label_ in NAMED:
                key = (ent.label_, ent.text)
                seen.setdefault(key, {"id": f"{ent.label_}:{ent.text}", "name": ent.text, "type": ent.label_,
                                      "surfaces": [ent.text]})
        out[name] = {"entities": list(seen.values()), "statements": []}
    return out


def _product(items: list[tuple[str, str]], model: str) -> dict[str, dict]:
    from newswarehouse.enrichment.entities.vocab import name_key
    from newswarehouse.enrichment.pipeline import enrich_documents

    out = {}
    for enriched in enrich_documents(items, model):
        by_id: dict[str, dict] = {}
        for m in enriched.mentions:
            eid = f"{m.entity_type}:{name_key(m.resolved_text)}"
            ent = by_id.setdefault(eid, {"id": eid, "name": m.resolved_text, "type": m.entity_type, "surfaces": []})
            if m.surface_text not in ent["surfaces"]:
                ent["surfaces"].append(m.surface_text)
        out[enriched.article_id] = {"entities": list(by_id.values()), "statements": []}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT.parent / "shared" / "real",
                        help="folder with articles/, gold/ and tools/score.py")
    args = parser.parse_args(argv)

    from newswarehouse.settings import load_settings

    scorer = _scorer(args.data)
    gold = scorer.load_gold(None)
    files = sorted(p for p in (args.data / "articles").iterdir() if p.is_file() and p.name in gold)
    items = [(p.name, p.read_text(encoding="utf-8").replace("\r\n", "\n")) for p in files]
    model = load_settings().spacy_model
    print(f"{len(items)} articles, {sum(len(g['entities']) for g in gold.values())} gold entities ({args.data})")
    rows = {"raw spaCy": _raw_spacy(items, model), "product": _product(items, model)}
    f1 = {}
    for label, pred in rows.items():
        res = scorer.score(gold, pred)
        f1[label] = res["entity_f1"]
        print(f"{label:10s} P {res['entity_p']:.3f}  R {res['entity_r']:.3f}  F1 {res['entity_f1']:.3f}  "
              f"type {res['entity_type_acc']:.3f}  canon {res['canon_within_article']:.3f}")
    print(f"product F1 - raw spaCy F1 = {f1['product'] - f1['raw spaCy']:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

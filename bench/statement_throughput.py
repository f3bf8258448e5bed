"""Throughput of the statement step against spaCy parsing alone, on the same texts, in one run.

(a) baseline: ``nlp.pipe`` over the article bodies (parse already done: bodies
    extracted beforehand, model loaded), timed from first text in to last Doc out;
(b) statements: ``extract_statements`` over those Docs (sentences and mentions
    computed beforehand, outside the timing).

Prints words/s of both and their ratio, then one ``key=value`` line.

    .venv/bin/python bench/statement_throughput.py --n 300
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ensure_corpus

from newswarehouse.enrichment.entities.mentions import extract_mentions
from newswarehouse.enrichment.nlp import load_pipeline
from newswarehouse.enrichment.sentences import split_sentences
from newswarehouse.enrichment.statements.extract import extract_statements
from newswarehouse.parsing import parse_article
from newswarehouse.settings import load_settings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=Path("/tmp/newswh_bench"))
    args = ap.parse_args()
    corpus = ensure_corpus(args.n, args.work / f"corpus_{args.n}_{args.seed}", args.seed)
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    bodies = [parse_article(p.read_text(encoding="utf-8").replace("\r\n", "\n")).body_text for p in files]
    words = sum(len(b.split()) for b in bodies)
    nlp = load_pipeline(load_settings().spacy_model)
    nlp("warm up")

    t0 = time.perf_counter()
    docs = list(nlp.pipe(bodies, batch_size=64))
    parse_s = time.perf_counter() - t0

    prepared = []
    for doc in docs:
        sentences = split_sentences(doc)
        prepared.append((doc, sentences, extract_mentions(doc, sentences)))
    extract_statements(*prepared[0])  # load the cue seed and rules outside the timing

    t0 = time.perf_counter()
    count = sum(len(extract_statements(doc, sentences, mentions)) for doc, sentences, mentions in prepared)
    statement_s = time.perf_counter() - t0

    print(f"articles {len(bodies)}, words {words:,}, statements {count:,}")
    print(f"spaCy parsing alone   {words / parse_s:12,.0f} words/s ({parse_s:.2f} s)")
    print(f"statement step        {words / statement_s:12,.0f} words/s ({statement_s:.2f} s)")
    print(f"statement step costs {statement_s / parse_s:.1%} of the parse time")
    print(
        f"RESULT articles={len(bodies)} words={words} parse_words_per_s={words / parse_s:.0f} "
        f"statement_words_per_s={words / statement_s:.0f} ratio={statement_s / parse_s:.4f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

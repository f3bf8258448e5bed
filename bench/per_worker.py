"""Articles per second per enrichment process, from CPU time (the figure for scale planning).

One process, no pool: the bare spaCy pipeline (``nlp.pipe``) over the bodies
of M articles, then the product's ``enrich_documents`` (parse, spaCy,
sentences, mentions, statements, MinHash) over the same raw texts. Both are
timed in CPU seconds of this process, so the figures hold for one dedicated
core even on a busy machine; wall seconds are printed beside them.

    .venv/bin/python bench/per_worker.py --n 200
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ensure_corpus, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="articles measured")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/newswh-bench"))
    args = parser.parse_args(argv)

    from newswarehouse.enrichment.nlp import load_pipeline
    from newswarehouse.enrichment.pipeline import enrich_documents
    from newswarehouse.loading.inbox import LandedFile, read_one
    from newswarehouse.parsing import parse_article
    from newswarehouse.settings import load_settings

    model = load_settings().spacy_model
    corpus = ensure_corpus(args.n, args.work.resolve() / f"corpus_{args.n}_s{args.seed}", args.seed)
    items = []
    for path in sorted(corpus.rglob("*.txt")):
        landed = read_one(path, 5 * 2**20)
        if isinstance(landed, LandedFile):
            items.append((landed.article_id, landed.text))
    nlp = load_pipeline(model)
    bodies = [parse_article(text).body_text for _, text in items]
    words = sum(len(b.split()) for b in bodies)

    cpu, wall = time.process_time(), time.monotonic()
    for _ in nlp.pipe(bodies, batch_size=32):
        pass
    base_cpu, base_wall = time.process_time() - cpu, time.monotonic() - wall

    cpu, wall = time.process_time(), time.monotonic()
    errors = sum(1 for doc in enrich_documents(items, model) if doc.error)
    enrich_cpu, enrich_wall = time.process_time() - cpu, time.monotonic() - wall

    n = len(items)
    print(f"{n} articles, {words:,} body words; spaCy {'+'.join(nlp.pipe_names)}")
    print(f"bare nlp.pipe:     {base_cpu:7.1f} CPU s ({base_wall:.1f} s wall) = {n / base_cpu:.2f} articles/s per process")
    print(f"enrich_documents:  {enrich_cpu:7.1f} CPU s ({enrich_wall:.1f} s wall) = {n / enrich_cpu:.2f} articles/s per "
          f"process; {errors} error(s)")
    print(figures(n=n, words=words, baseline_aps_per_process=n / base_cpu, enrich_aps_per_process=n / enrich_cpu,
                  enrich_over_baseline=enrich_cpu / base_cpu, baseline_cpu_s=base_cpu, enrich_cpu_s=enrich_cpu,
                  errors=errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())

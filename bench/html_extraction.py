"""Body extraction from HTML, scored on scrapinghub's article-extraction-benchmark.

DIR holds the benchmark as published: ``html/*.html.gz`` (181 pages),
``ground-truth.json`` and its ``evaluate.py``, whose metric (token 4-shingle
precision/recall/F1 per page, averaged) is imported from there at run time, so
the figures are the benchmark's own. Extract it from a clone without copying it
into the project, e.g.:

    git -C BENCH_REPO archive HEAD html ground-truth.json evaluate.py | tar -x -C /tmp/aeb
    .venv/bin/python bench/html_extraction.py --data /tmp/aeb

Two rows in one run: the product (each page landed from its .html.gz exactly as
the inbox reads it, then extracted as enrichment does: trafilatura with our
text-parser fallback), and trafilatura alone, called as the benchmark's own
runner calls it (``trafilatura.extract(html, include_comments=False)``).
Anchors from the benchmark's README: AutoExtract 0.970, Diffbot 0.951,
trafilatura 0.958, readability 0.922, newspaper 0.912.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType


def _benchmark_metric(data: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("aeb_evaluate", data / "evaluate.py")
    assert spec and spec.loader, f"{data / 'evaluate.py'} not found"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _product_body(path: Path) -> str:
    from newswarehouse.extraction import extract_article
    from newswarehouse.loading.inbox import LandedFile, read_one

    item = read_one(path, 50 * 2**20)
    if not isinstance(item, LandedFile):
        return ""  # rejected at landing: nothing extracted
    parsed, _skip = extract_article(item.text)
    return parsed.body_text


def _trafilatura_body(path: Path) -> str:
    import trafilatura

    with gzip.open(path, "rt", encoding="utf8") as fh:
        return trafilatura.extract(fh.read(), include_comments=False) or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="folder with html/, ground-truth.json, evaluate.py")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages (0: all)")
    parser.add_argument("--misses", type=int, default=0, help="list the N pages the product scores worst on")
    args = parser.parse_args()
    metric = _benchmark_metric(args.data)
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf8"))
    keys = sorted(truth)[: args.limit or None]
    truth = {k: truth[k] for k in keys}
    rows = {}
    per_page: dict[str, dict[str, float]] = {}
    for name, extract in (("product", _product_body), ("trafilatura alone", _trafilatura_body)):
        started = time.monotonic()
        prediction = {k: {"articleBody": extract(args.data / "html" / f"{k}.html.gz")} for k in keys}
        seconds = time.monotonic() - started
        scores = metric.evaluate(truth, prediction, n_bootstrap=0)
        rows[name] = (scores, seconds)
        for k in keys:
            tp, fp, fn = metric.string_shingle_matching(true=truth[k].get("articleBody", ""),
                                                        pred=prediction[k]["articleBody"])
            per_page.setdefault(k, {})[name] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    import trafilatura

    print(f"article-extraction-benchmark: {len(keys)} pages, trafilatura {trafilatura.__version__}")
    print(f"{'':<20} {'F1':>6} {'precision':>10} {'recall':>8} {'accuracy':>9} {'seconds':>8}")
    for name, (m, seconds) in rows.items():
        print(f"{name:<20} {m['f1']:6.3f} {m['precision']:10.3f} {m['recall']:8.3f} {m['accuracy']:9.3f} {seconds:8.1f}")
    if args.misses:
        print("worst pages (product F1, trafilatura alone F1):")
        for k in sorted(per_page, key=lambda k: per_page[k]["product"])[: args.misses]:
            print(f"  {k}  {per_page[k]['product']:.3f}  {per_page[k]['trafilatura alone']:.3f}")
    m = rows["product"][0]
    print(f"pages={len(keys)} product_f1={m['f1']:.3f} trafilatura_f1={rows['trafilatura alone'][0]['f1']:.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

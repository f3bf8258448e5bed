"""Throughput: `newswarehouse run` end to end against the bare NLP floor, in one run.

(a) baseline: the same spaCy pipeline (NEWSWH_SPACY_MODEL, as the product
    loads it) over the same body texts with ``nlp.pipe(n_process=P)``, P the
    same process count as the pipeline's enrichment; timed from the first text
    in to the last Doc out (model already loaded, bodies already extracted);
(b) pipeline: ``newswarehouse run`` on the corpus into a fresh warehouse
    (subprocess; the Airflow metadata DB is created beforehand).

Prints articles/s of both, their time ratio (pipeline / baseline), seconds per
stage (from the CLI's ``[step] ... in N s`` lines) and peak RSS of each
process tree, then one ``key=value`` line.

    .venv/bin/python bench/throughput.py --n 1000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    PROJECT_ROOT,
    PYTHON,
    TreeSampler,
    children_cpu_seconds,
    ensure_corpus,
    figures,
    fresh_warehouse,
    prepare_home,
    require_ok,
    run_load,
)


def _body(path: str) -> str:
    from newswarehouse.loading.inbox import LandedFile, read_one
    from newswarehouse.parsing import parse_article

    item = read_one(Path(path), 5 * 2**20)
    return parse_article(item.text).body_text if isinstance(item, LandedFile) else ""


def baseline_child(corpus: Path, processes: int, bodies_file: Path) -> None:
    """Runs in its own process: extract bodies (untimed), then time nlp.pipe over them."""
    import multiprocessing

    from newswarehouse.enrichment.nlp import load_pipeline
    from newswarehouse.settings import load_settings

    paths = sorted(str(p) for p in corpus.rglob("*.txt"))
    with multiprocessing.get_context("spawn").Pool(processes) as pool, open(bodies_file, "w") as out:
        out.writelines(json.dumps(body) + "\n" for body in pool.imap(_body, paths, chunksize=32))
    nlp = load_pipeline(load_settings().spacy_model)

    def bodies():
        with open(bodies_file) as fh:
            for line in fh:
                yield json.loads(line)

    words = tokens = docs = 0
    started, cpu_started = time.monotonic(), time.process_time()
    cpu_children = children_cpu_seconds()
    for doc in nlp.pipe(bodies(), batch_size=32, n_process=processes):
        docs += 1
        tokens += len(doc)
    seconds = time.monotonic() - started
    # nlp.pipe's worker processes are joined by now: their CPU is in RUSAGE_CHILDREN.
    cpu = time.process_time() - cpu_started + children_cpu_seconds() - cpu_children
    with open(bodies_file) as fh:
        words = sum(len(json.loads(line).split()) for line in fh)
    print(json.dumps({"docs": docs, "seconds": seconds, "cpu_seconds": cpu, "words": words, "tokens": tokens,
                      "components": list(nlp.pipe_names)}), flush=True)


def run_baseline(corpus: Path, processes: int, work: Path) -> dict:
    cmd = [PYTHON, __file__, "--baseline-child", "--corpus", str(corpus), "--processes", str(processes),
           "--work", str(work)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
    with TreeSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"baseline failed (exit {proc.returncode}):\n{err[-4000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = sampler.peak_mb
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="articles in the generated corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="an existing inbox instead of a generated one")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newswh-bench"), help="corpora, warehouses, logs")
    parser.add_argument("--processes", type=int, default=None,
                        help="enrichment processes for both (default: NEWSWH_ENRICH_PROCESSES or the CPU count)")
    parser.add_argument("--baseline-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    from newswarehouse.settings import load_settings

    processes = args.processes or load_settings().enrich_processes
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.baseline_child:
        baseline_child(args.corpus, processes, work / f"bodies_{os.getpid()}.jsonl")
        (work / f"bodies_{os.getpid()}.jsonl").unlink(missing_ok=True)
        return 0

    corpus = args.corpus.resolve() if args.corpus else ensure_corpus(args.n, work / f"corpus_{args.n}_s{args.seed}", args.seed)
    n_files = sum(1 for _ in corpus.rglob("*.txt"))
    print(f"corpus {corpus}: {n_files} articles; {processes} process(es)", flush=True)

    base = run_baseline(corpus, processes, work)
    print(f"baseline: spaCy {'+'.join(base['components'])} nlp.pipe over {base['docs']} bodies "
          f"({base['words']:,} words) in {base['seconds']:.1f} s = {base['docs'] / base['seconds']:.2f} articles/s, "
          f"{base['words'] / base['seconds']:.0f} words/s; peak RSS {base['peak_rss_mb']:.0f} MB", flush=True)

    home = work / "home"
    prepare_home(home)
    warehouse = fresh_warehouse(work / f"wh_throughput_{n_files}" / "warehouse.duckdb")
    run = run_load(corpus, warehouse, home, work / f"throughput_{n_files}.log",
                   env={"NEWSWH_ENRICH_PROCESSES": str(processes)})
    require_ok(run, "newswarehouse run")
    # CPU seconds are what the other engineers' jobs on a shared machine barely
    # touch: their ratio is the overhead proper, the wall ratio what a user waits.
    cpu_ratio = run.cpu_seconds / base["cpu_seconds"]
    pipeline_aps = n_files / run.seconds
    baseline_aps = base["docs"] / base["seconds"]
    ratio = run.seconds / base["seconds"]
    print(f"pipeline: newswarehouse run in {run.seconds:.1f} s = {pipeline_aps:.2f} articles/s; "
          f"peak RSS {run.peak_rss_mb:.0f} MB; log {run.log}")
    print(f"  at the peak: {run.describe_peak()}")
    for name, secs in run.stages.items():
        print(f"  {name:8s} {secs:8.1f} s  {100 * secs / run.seconds:5.1f} %")
    enrich = run.stage("enrich")
    per_worker = n_files / (enrich * processes) if enrich else 0.0
    print(f"ratio (pipeline time / baseline time): {ratio:.2f}; CPU seconds {run.cpu_seconds:.0f} / "
          f"{base['cpu_seconds']:.0f} = {cpu_ratio:.2f}; enrichment {per_worker:.2f} articles/s per process")
    print(figures(
        n=n_files, processes=processes, ratio=ratio, pipeline_aps=pipeline_aps, baseline_aps=baseline_aps,
        baseline_s=base["seconds"], pipeline_s=run.seconds, cpu_ratio=cpu_ratio, baseline_cpu_s=base["cpu_seconds"],
        pipeline_cpu_s=run.cpu_seconds, enrich_aps_per_process=per_worker,
        **{f"{k}_s": v for k, v in run.stages.items()},
        peak_rss_mb=run.peak_rss_mb, baseline_peak_rss_mb=base["peak_rss_mb"],
    ))
    return 0


if __name__ == "__main__":
    sys.exit(main())

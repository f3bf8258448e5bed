"""Incremental cost: a small daily load into an empty warehouse vs into a large one, and a run with nothing new.

1. empty: ``newswarehouse run`` of NEW new articles into a fresh warehouse;
2. base:  the same NEW articles into a copy of a warehouse already holding
   BASE articles (built here once and cached under --work, or --base-warehouse);
3. no-op: a run over the whole BASE inbox again (every file already known),
   which must change nothing. It runs twice: the first run after a replicated
   warehouse (``bench/replicate_warehouse.py``) reads every file once, since
   landing's manifest has not seen them; the second is the steady state.

The inbox of (1) and (2) holds only the new files, so their ratio isolates what
the warehouse's size costs (copy for write-audit-publish, dbt, gates); (3)
shows what an inbox that keeps its old files costs.

    .venv/bin/python bench/incremental.py --base 10000 --new 100
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    RunResult,
    ensure_corpus,
    figures,
    fresh_warehouse,
    prepare_home,
    require_ok,
    run_load,
)

from newswarehouse.filecopy import clone_or_copy


def _copy_warehouse(src: Path, dst: Path) -> Path:
    fresh_warehouse(dst)
    clone_or_copy(src, dst)  # instant on a reflink filesystem: a 1M-article warehouse is ~25 GB
    return dst


def _show(label: str, run: RunResult) -> None:
    stages = ", ".join(f"{k} {v:.1f}" for k, v in run.stages.items())
    print(f"{label}: {run.seconds:.1f} s, {run.cpu_seconds:.0f} CPU s ({stages}); peak RSS {run.peak_rss_mb:.0f} MB; log {run.log}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=int, default=10000, help="articles already in the large warehouse")
    parser.add_argument("--new", type=int, default=100, help="articles in the small load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/newswh-bench"))
    parser.add_argument("--base-warehouse", type=Path,
                        help="an existing warehouse built from the same --base/--seed corpus (e.g. throughput's)")
    parser.add_argument("--base-inbox", type=Path,
                        help="the inbox --base-warehouse was loaded from (default: the generated --base corpus); "
                             "bench/replicate_warehouse.py --inbox writes one")
    parser.add_argument("--rebuild-base", action="store_true", help="rebuild the cached base warehouse")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    prepare_home(home)
    base_corpus = args.base_inbox.resolve() if args.base_inbox else ensure_corpus(
        args.base, work / f"corpus_{args.base}_s{args.seed}", args.seed)
    # The new articles continue the base corpus's numbering: none of them is already known.
    new_corpus = ensure_corpus(args.new, work / f"corpus_new{args.new}_after{args.base}_s{args.seed}", args.seed,
                               start=args.base)

    base_wh = args.base_warehouse.resolve() if args.base_warehouse else work / f"wh_base_{args.base}_s{args.seed}" / "warehouse.duckdb"
    if args.rebuild_base or not base_wh.exists():
        if args.base_warehouse:
            raise SystemExit(f"--base-warehouse {base_wh} does not exist")
        print(f"building the base warehouse of {args.base} articles (once; cached in {base_wh})", flush=True)
        built = run_load(base_corpus, fresh_warehouse(base_wh), home, work / f"incremental_base_{args.base}.log")
        require_ok(built, "building the base warehouse")
        _show("base build", built)
    base_mb = base_wh.stat().st_size / 2**20

    # Back to back, so that both see the same machine load.
    empty = run_load(new_corpus, fresh_warehouse(work / "wh_inc_empty" / "warehouse.duckdb"), home,
                     work / f"incremental_empty_new{args.new}.log")
    require_ok(empty, "loading into an empty warehouse")
    _show(f"{args.new} new into an empty warehouse", empty)

    big = _copy_warehouse(base_wh, work / "wh_inc_base" / "warehouse.duckdb")
    into_base = run_load(new_corpus, big, home, work / f"incremental_base{args.base}_new{args.new}.log")
    require_ok(into_base, f"loading into the {args.base}-article warehouse")
    _show(f"{args.new} new into a {args.base}-article warehouse ({base_mb:.0f} MB)", into_base)

    first_noop = run_load(base_corpus, big, home, work / f"incremental_noop1_{args.base}.log")
    require_ok(first_noop, "the first run with nothing new")
    _show(f"nothing new, first run ({args.base} known files)", first_noop)
    noop = run_load(base_corpus, big, home, work / f"incremental_noop_{args.base}.log")
    require_ok(noop, "the run with nothing new")
    _show(f"nothing new ({args.base} known files)", noop)

    ratio = into_base.seconds / empty.seconds
    cpu_ratio = into_base.cpu_seconds / empty.cpu_seconds
    print(f"ratio (into {args.base} / into empty): {ratio:.2f} wall, {cpu_ratio:.2f} CPU")
    print(figures(
        base=args.base, new=args.new, ratio=ratio, cpu_ratio=cpu_ratio, empty_s=empty.seconds, base_s=into_base.seconds,
        first_noop_s=first_noop.seconds, noop_s=noop.seconds, noop_cpu_s=noop.cpu_seconds, copy_s_at_base=into_base.stage("copy"), dbt_s_empty=empty.stage("dbt"),
        dbt_s_at_base=into_base.stage("dbt"), publish_s_at_base=into_base.stage("publish"),
        noop_land_s=noop.stage("land"), warehouse_mb=base_mb,
        peak_rss_mb=max(empty.peak_rss_mb, into_base.peak_rss_mb, first_noop.peak_rss_mb, noop.peak_rss_mb),
    ))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Landing an inbox that holds nothing new: with the manifest it costs a listing, not a read of every file.

Writes N small text files of generated words (1,000 per folder, as a dated
inbox is laid out), lands them once into a fresh DuckDB file (first), lands
again with nothing new (no-op), then adds 1% new files and lands (1% new), then lands once more with nothing new.
Each landing runs in its own child process exactly as a load's land step calls
it (``land_inbox`` on a DuckDB file), timed inside the child; its peak RSS is
that child's. The script waits out the manifest's racy window after writing,
as files that arrived before a scheduled load would have.

    .venv/bin/python bench/noop_landing.py --files 100000 [--work /tmp/noop_landing_bench] [--keep]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

FILES_PER_DIR = 1000
WORDS = ("harbour", "council", "ferry", "budget", "library", "orchard", "bridge", "tram", "clinic", "market",
         "festival", "drought", "school", "mayor", "nurses", "river", "museum", "vote", "storm", "road", "plan",
         "residents", "officials", "announced", "delayed", "approved", "opened", "warned", "repaired", "north")

CHILD = """
import sys, time, resource, duckdb
from pathlib import Path
from newswarehouse.loading.land import land_inbox
from newswarehouse.warehouse_schema import ensure_schema
con = duckdb.connect(sys.argv[2])
ensure_schema(con)
started = time.monotonic()
s = land_inbox(con, Path(sys.argv[1]), sys.argv[3], 5 * 2**20,
               progress=lambda m: "files listed" in m and print("LISTED", m.strip(), flush=True))
seconds = time.monotonic() - started
con.close()
print("RESULT", s.files_seen, s.articles_landed, s.files_already_known, s.files_read, s.files_unchanged,
      round(seconds, 2), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write_files(inbox: Path, start: int, count: int, seed: int) -> None:
    """Files ``start`` .. ``start + count - 1``: a few sentences of generated words and the file's number."""
    rng = random.Random(seed)
    for n in range(start, start + count):
        folder = inbox / f"d{n // FILES_PER_DIR:05d}"
        if n % FILES_PER_DIR == 0 or n == start:
            folder.mkdir(parents=True, exist_ok=True)
        sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
                     for _ in range(rng.randint(3, 6))]
        (folder / f"a{n:08d}.txt").write_text(f"Item {n}\n\n" + " ".join(sentences) + "\n", encoding="utf-8")


def land(inbox: Path, db: Path, load_id: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(inbox), str(db), load_id],
                         capture_output=True, text=True, check=True)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")][-1].split()[1:]
    keys = ("seen", "landed", "known", "read", "unchanged", "seconds", "max_rss_kb")
    for listed in (ln for ln in out.stdout.splitlines() if ln.startswith("LISTED ")):
        print(f"  {load_id}: {listed.removeprefix('LISTED ')}", flush=True)
    return {k: float(v) for k, v in zip(keys, line)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/noop_landing_bench"))
    parser.add_argument("--keep", action="store_true", help="leave the work folder (inbox and DuckDB file)")
    args = parser.parse_args()
    from newswarehouse.loading.manifest import RACY_SECONDS

    shutil.rmtree(args.work, ignore_errors=True)
    inbox, db = args.work / "inbox", args.work / "land.duckdb"
    inbox.mkdir(parents=True)
    started = time.monotonic()
    write_files(inbox, 0, args.files, seed=7)
    print(f"wrote {args.files:,} files in {time.monotonic() - started:.1f} s", flush=True)
    time.sleep(RACY_SECONDS + 0.5)

    phases: dict[str, dict[str, float]] = {}
    phases["first"] = land(inbox, db, "load_1")
    phases["noop"] = land(inbox, db, "load_2")
    new = max(1, args.files // 100)
    write_files(inbox, args.files, new, seed=8)
    time.sleep(RACY_SECONDS + 0.5)
    phases["new1pct"] = land(inbox, db, "load_3")
    # Right after the first landing the no-op finds the kernel's inode cache cold (reading every file churned
    # it); a later no-op, as in a daily run, finds it as the previous listing left it.
    phases["noop_again"] = land(inbox, db, "load_4")
    for name, p in phases.items():
        print(f"{name:10s} {p['seconds']:8.2f} s  seen {p['seen']:,.0f} landed {p['landed']:,.0f} known {p['known']:,.0f} "
              f"read {p['read']:,.0f} unchanged {p['unchanged']:,.0f}  peak RSS {p['max_rss_kb'] / 1024:,.0f} MB",
              flush=True)
    assert phases["noop"]["read"] == 0 and phases["noop"]["landed"] == 0, phases["noop"]
    assert phases["new1pct"]["read"] == new and phases["new1pct"]["landed"] == new, phases["new1pct"]
    assert phases["noop_again"]["read"] == 0, phases["noop_again"]
    if not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)
    rss = {name: p["max_rss_kb"] / 1024 for name, p in phases.items()}
    print(f"files={args.files} first_s={phases['first']['seconds']:.2f} noop_s={phases['noop']['seconds']:.2f} "
          f"new1pct_s={phases['new1pct']['seconds']:.2f} noop_again_s={phases['noop_again']['seconds']:.2f} "
          f"peak_rss_mb={max(rss.values()):.0f} noop_rss_mb={rss['noop']:.0f} new1pct_rss_mb={rss['new1pct']:.0f}")


if __name__ == "__main__":
    main()

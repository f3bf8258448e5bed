"""What write-audit-publish's private copy of the published warehouse costs, by method.

For one published warehouse file, in one run: (a) a byte copy
(``NEWSWH_FILE_CLONE=copy``: what every load did before), (b) a copy-on-write
clone (``FICLONE``; only where the folder's filesystem has reflinks), both
made as a load makes them (``filecopy.clone_or_copy``: written under a
temporary name, fsynced, renamed), each followed
by what a small load then does to its copy (open read-write, change a few
thousand rows, checkpoint, close), so that the clone's deferred cost (blocks
copied on first write) is counted too. Wall and CPU seconds (this process's
user+system: the copy runs in the kernel on its behalf) and the ratios.

    .venv/bin/python bench/publish_copy.py --warehouse /mnt/xfs/wh1m/warehouse.duckdb
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import figures

from newswarehouse.filecopy import can_clone, clone_or_copy


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _small_write(path: Path) -> None:
    """A load's footprint on its copy, minus the load: a few thousand rows changed, then a checkpoint."""
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table audit.copy_bench as select range as i, md5(range::varchar) as v "
                    "from range(5000)")
        con.execute("update audit.copy_bench set v = 'x' where i % 3 = 0")
        con.execute("checkpoint")


def _measure(label: str, src: Path, copy) -> tuple[float, float, float, float]:
    dst = src.with_name(f"{src.name}.{label}")
    dst.unlink(missing_ok=True)
    wall, cpu = time.monotonic(), _cpu()
    copy(src, dst)
    copy_wall, copy_cpu = time.monotonic() - wall, _cpu() - cpu
    wall, cpu = time.monotonic(), _cpu()
    _small_write(dst)
    write_wall, write_cpu = time.monotonic() - wall, _cpu() - cpu
    dst.unlink()
    print(f"{label}: copy {copy_wall:.2f} s wall, {copy_cpu:.2f} CPU s; then a small write "
          f"{write_wall:.2f} s wall, {write_cpu:.2f} CPU s", flush=True)
    return copy_wall, copy_cpu, write_wall, write_cpu


def _copy(src: Path, dst: Path) -> None:
    clone_or_copy(src, dst, "copy")


def _clone(src: Path, dst: Path) -> None:
    clone_or_copy(src, dst, "require")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True, help="a published warehouse (left unchanged)")
    args = parser.parse_args(argv)
    src = args.warehouse.resolve()
    size_mb = src.stat().st_size / 2**20
    print(f"{src}: {size_mb:,.0f} MB", flush=True)
    copied = _measure("copy", src, _copy)
    if not can_clone(src.parent):
        print("clone: this filesystem has no reflinks (XFS reflink=1, btrfs, bcachefs, ZFS 2.2+ have)")
        print(figures(warehouse_mb=size_mb, copy_s=copied[0], copy_cpu_s=copied[1], clone_s="n/a"))
        return 0
    cloned = _measure("clone", src, _clone)
    print(figures(
        warehouse_mb=size_mb, copy_s=copied[0], copy_cpu_s=copied[1], clone_s=cloned[0], clone_cpu_s=cloned[1],
        write_after_copy_s=copied[2], write_after_clone_s=cloned[2],
        speedup_wall=(copied[0] + copied[2]) / max(cloned[0] + cloned[2], 1e-6),
    ))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Copy a file the cheapest way the filesystem allows: a copy-on-write clone, else bytes.

Write-audit-publish gives each load a private copy of the published warehouse.
On a filesystem with reflinks (XFS with ``reflink=1``, the default since
xfsprogs 5.1; btrfs; bcachefs; ZFS 2.2+ with block cloning) the ``FICLONE``
ioctl makes that copy by sharing the file's extents: it takes milliseconds
whatever the warehouse's size, and the load's writes then allocate only the
blocks they change. Elsewhere (ext4, tmpfs, NFS) the bytes are copied, which
grows with the warehouse (~7 s at 2.5 GB on this project's test machine).

``NEWSWH_FILE_CLONE`` picks the behaviour: ``auto`` (clone, fall back to a
copy), ``require`` (clone or fail: a deployment that budgets on clones learns
at the first load that its volume does not offer them) or ``copy`` (never
clone).
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
from pathlib import Path
from typing import Literal

# linux/fs.h: _IOW(0x94, 9, int)
FICLONE = 0x40049409

CloneMode = Literal["auto", "require", "copy"]
Method = Literal["clone", "copy"]

# What FICLONE answers when the filesystem (or this pair of files) cannot share extents.
_NO_CLONE = {errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EPERM}


class CloneUnavailable(OSError):
    """``NEWSWH_FILE_CLONE=require`` and the filesystem cannot clone."""


def clone_mode() -> CloneMode:
    raw = os.environ.get("NEWSWH_FILE_CLONE", "").strip().lower() or "auto"
    if raw not in ("auto", "require", "copy"):
        raise ValueError(f"NEWSWH_FILE_CLONE={raw!r}: use auto, require or copy")
    return raw  # type: ignore[return-value]


def clone_or_copy(src: Path, dst: Path, mode: CloneMode | None = None) -> Method:
    """Write ``dst`` as a copy of ``src`` (replacing it), durably; returns how it was made.

    The copy is written under a temporary name and renamed into place, so
    ``dst`` never exists half-written.
    """
    mode = mode or clone_mode()
    tmp = dst.with_name(dst.name + ".partial")
    tmp.unlink(missing_ok=True)
    method: Method = "copy"
    if mode != "copy" and _try_clone(src, tmp):
        method = "clone"
    elif mode == "require":
        raise CloneUnavailable(
            errno.EOPNOTSUPP,
            f"NEWSWH_FILE_CLONE=require, but the filesystem of {dst.parent} cannot clone {src.name} "
            "(reflinks: XFS with reflink=1, btrfs, bcachefs, ZFS 2.2+); set auto to copy instead",
        )
    else:
        shutil.copyfile(src, tmp)
    fsync_path(tmp)
    os.replace(tmp, dst)
    return method


def can_clone(folder: Path) -> bool:
    """Whether files in ``folder`` can be cloned (a probe file, cloned and removed)."""
    probe, clone = folder / ".newswh_clone_probe", folder / ".newswh_clone_probe.clone"
    probe.write_bytes(b"x" * 4096)
    try:
        return _try_clone(probe, clone)
    finally:
        probe.unlink(missing_ok=True)
        clone.unlink(missing_ok=True)


def _try_clone(src: Path, dst: Path) -> bool:
    with open(src, "rb") as fin:
        fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            fcntl.ioctl(fd, FICLONE, fin.fileno())
        except OSError as exc:
            if exc.errno not in _NO_CLONE:
                raise
            ok = False
        else:
            ok = True
        finally:
            os.close(fd)
    if not ok:
        dst.unlink(missing_ok=True)
    return ok


def fsync_path(path: Path) -> None:
    """fsync a file or a directory (Linux allows O_RDONLY on both)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

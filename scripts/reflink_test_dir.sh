#!/usr/bin/env bash
# Mount a small XFS image (reflink=1) and print its path, for the tests that check
# publishing through copy-on-write clones (NEWSWH_REFLINK_DIR). Prints nothing and
# exits 0 where the machine cannot (not root, no loop devices, no xfsprogs): those
# tests then skip. Unmount with: scripts/reflink_test_dir.sh --unmount DIR
set -uo pipefail
if [ "${1:-}" = "--unmount" ]; then
    umount "$2" 2>/dev/null && rmdir "$2" && rm -f "$2.img"
    exit 0
fi
[ "$(id -u)" = 0 ] || exit 0
if ! command -v mkfs.xfs >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xfsprogs >/dev/null 2>&1 || exit 0
fi
dir="$(mktemp -d /tmp/newswh-reflink.XXXXXX)"
truncate -s 512M "$dir.img" && mkfs.xfs -q -m reflink=1 "$dir.img" >/dev/null 2>&1 \
    && mount -o loop "$dir.img" "$dir" 2>/dev/null || { rmdir "$dir"; rm -f "$dir.img"; exit 0; }
echo "$dir"

#!/usr/bin/env bash
# The container toolchain for `make deploy-test` on a Debian host without a Docker
# engine: podman, buildah, runc and debootstrap from apt (only when missing), and
# podman-compose in a tool venv. Debian 12 packages podman-compose 1.0.3, which
# ignores `--scale` and `depends_on` conditions; the pinned release from PyPI
# implements both. Idempotent: prints the podman-compose path and exits when all is there.
set -euo pipefail

TOOLS="${NEWSWH_DEPLOY_TOOLS:-/var/tmp/newswh-deploy-tools}"
PODMAN_COMPOSE_VERSION=1.6.0

missing=()
for tool in podman:podman buildah:buildah runc:runc debootstrap:debootstrap; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || command -v "/usr/sbin/${tool%%:*}" >/dev/null 2>&1 \
        || missing+=("${tool#*:}")
done
if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >&2 || { apt-get update -q >&2 && apt-get install -y -q "${missing[@]}" >&2; }
fi

if ! "$TOOLS/bin/podman-compose" version >/dev/null 2>&1; then
    python3 -m venv "$TOOLS" >&2
    "$TOOLS/bin/pip" install -q "podman-compose==$PODMAN_COMPOSE_VERSION" >&2
fi
echo "$TOOLS/bin/podman-compose"

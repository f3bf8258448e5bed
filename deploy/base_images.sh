#!/usr/bin/env bash
# Local stand-ins for the base images docker-compose.yml and the Dockerfile name
# (python:3.11-slim-bookworm, postgres:16, redis:7.2-bookworm), for hosts that
# cannot reach an image registry. Each image is first pulled; only when the pull
# fails is it built offline from Debian packages with debootstrap (same release
# and mirror as the host's apt) and imported under the same name. Images already
# in podman's store are kept, so this costs nothing after the first run.
#
# The stand-ins differ from the real images in version where Debian does
# (bookworm ships PostgreSQL 15 and Redis 7.0); the project image, built FROM the
# Python one with the unchanged Dockerfile, is what the deploy test is about.
set -euo pipefail

SUITE="${NEWSWH_BASE_SUITE:-bookworm}"
MIRROR="${NEWSWH_BASE_MIRROR:-http://deb.debian.org/debian}"
WORK="${NEWSWH_BASE_WORK:-/var/tmp/newswh-base}"
HERE="$(cd "$(dirname "$0")" && pwd)"

have() { podman image exists "$1"; }

pull() {
    # Registries are often unreachable here: give up fast rather than retry.
    timeout 60 podman pull --quiet "docker.io/library/$1" >/dev/null 2>&1
}

# debootstrap NAME PACKAGES... -> a root filesystem in $WORK/NAME
rootfs() {
    local dir="$WORK/$1"; shift
    rm -rf "$dir"
    mkdir -p "$WORK"
    debootstrap --variant=minbase --include="$(IFS=,; echo "$*")" "$SUITE" "$dir" "$MIRROR" >"$dir.log" 2>&1 \
        || { tail -20 "$dir.log"; return 1; }
    # What a container image leaves out: package caches and lists, docs.
    chroot "$dir" apt-get clean
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/var/log/*.log
    echo "$dir"
}

import() {
    local name="$1" dir="$2"; shift 2
    tar -C "$dir" -c . | podman import --quiet "$@" - "$name" >/dev/null
    rm -rf "$dir" "$dir.log"
    echo "base image $name: built offline from Debian $SUITE"
}

python_image() {
    local dir
    dir="$(rootfs python python3.11 python3.11-venv python3-pip ca-certificates)"
    # The official image's layout: python3.11 and pip on /usr/local/bin, pip free to
    # install into the system interpreter (no Debian EXTERNALLY-MANAGED marker).
    ln -s /usr/bin/python3.11 "$dir/usr/local/bin/python3.11"
    ln -s /usr/bin/python3.11 "$dir/usr/local/bin/python3"
    ln -s /usr/bin/python3.11 "$dir/usr/local/bin/python"
    ln -s /usr/bin/pip3 "$dir/usr/local/bin/pip"
    rm -f "$dir"/usr/lib/python3.11/EXTERNALLY-MANAGED
    # The host's own trusted CAs (where its traffic goes through a TLS-inspecting
    # proxy, the image build's downloads do too), for pip, uv (SSL_CERT_FILE) and apt.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
        chroot "$dir" update-ca-certificates >/dev/null
    fi
    import "$1" "$dir" --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
        --change 'CMD ["python3"]'
}

postgres_image() {
    local dir
    dir="$(rootfs postgres postgresql)"
    # No cluster from the package's postinst: the entrypoint makes one in $PGDATA.
    rm -rf "$dir"/etc/postgresql/*/main "$dir"/var/lib/postgresql/*/main
    local bin; bin="$(cd "$dir" && echo usr/lib/postgresql/*/bin)"
    for tool in "$dir/$bin"/*; do ln -sf "/$bin/$(basename "$tool")" "$dir/usr/local/bin/"; done
    install -m 0755 "$HERE/postgres-entrypoint.sh" "$dir/usr/local/bin/docker-entrypoint.sh"
    import "$1" "$dir" --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV PGDATA=/var/lib/postgresql/data' --change 'ENV LANG=C.UTF-8' \
        --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["postgres"]' \
        --change 'STOPSIGNAL SIGINT' --change 'EXPOSE 5432'
}

redis_image() {
    local dir
    dir="$(rootfs redis redis-server redis-tools)"
    mkdir -p "$dir/data"
    import "$1" "$dir" --change 'WORKDIR /data' --change 'CMD ["redis-server"]' --change 'EXPOSE 6379'
}

ensure() {
    local name="$1" builder="$2"
    if have "$name"; then echo "base image $name: present"; return; fi
    if pull "$name"; then echo "base image $name: pulled"; return; fi
    "$builder" "$name"
}

# All three by default, or the ones named on the command line.
declare -A BUILDERS=([python:3.11-slim-bookworm]=python_image [postgres:16]=postgres_image
                     [redis:7.2-bookworm]=redis_image)
for name in "${@:-python:3.11-slim-bookworm postgres:16 redis:7.2-bookworm}"; do
    for one in $name; do ensure "$one" "${BUILDERS[$one]:?unknown base image $one}"; done
done

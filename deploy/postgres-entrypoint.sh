#!/bin/sh
# The part of the official postgres image's entrypoint that docker-compose.yml
# relies on: on an empty $PGDATA, create the cluster with POSTGRES_USER as
# superuser (password auth), and the database POSTGRES_DB; then run the server as
# the postgres user. Installed by base_images.sh into the offline stand-in image.
set -eu
if [ "${1:-}" = postgres ] && [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown -R postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
        pwfile="$(mktemp)"
        printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
        chown postgres "$pwfile"
        setpriv --reuid=postgres --regid=postgres --init-groups \
            initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" --pwfile="$pwfile" \
            --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
        rm -f "$pwfile"
        echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
        echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
        # The server's own port (PGPORT) may differ from 5432: start it the same way.
        setpriv --reuid=postgres --regid=postgres --init-groups \
            pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
        db="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"
        if [ "$db" != postgres ]; then
            setpriv --reuid=postgres --regid=postgres --init-groups \
                psql -v ON_ERROR_STOP=1 -U "${POSTGRES_USER:-postgres}" -d postgres -q -c "create database \"$db\""
        fi
        setpriv --reuid=postgres --regid=postgres --init-groups pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
        echo "postgres: cluster initialised in $PGDATA"
    fi
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$@"
fi
exec "$@"

#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
#
# Runs COMMAND with DATABASE_URL pointing at a real PostgreSQL server on
# loopback, then cleans up whatever this script started. COMMAND's exit code
# is passed through.
#
# Why: Enlist runs on PostgreSQL in production, and the test suite has to run
# against the same thing (constraints, locking, JSON, collation behave
# differently on SQLite). It has to work the same way everywhere: on a
# developer's machine with or without PostgreSQL, and in CI (root, fresh
# clone, no stdin, only Debian/PyPI reachable). So by default we never depend
# on whatever server the machine may run; we start our own throw-away cluster:
#
#   * find initdb/pg_ctl (PATH, else the highest /usr/lib/postgresql/*/bin);
#     if there are none, install the Debian `postgresql` package (its own
#     cluster, if the package creates one, is ignored);
#   * initdb into a fresh temp dir (owned by the `postgres` user when we run as
#     root, since initdb refuses to run as root), trust auth, superuser
#     `enlist`, UTF8;
#   * start it on a free port on 127.0.0.1, with its socket in the temp dir and
#     durability turned off (fsync etc.: the data is thrown away anyway);
#   * create database `enlist`, export
#     DATABASE_URL=postgres://enlist@127.0.0.1:PORT/enlist and run COMMAND;
#   * on exit (success, failure or interruption) stop the server
#     (`pg_ctl -m immediate stop`) and delete the temp dir.
#
# ENLIST_PG=existing uses the machine's server on 127.0.0.1:5432 instead (trust
# auth, user `postgres`) if it answers, in a uniquely named database
# enlist_ci_<random> that is dropped afterwards. ENLIST_PG=own (or unset) is
# the default described above.
set -euo pipefail

PROG=with-postgres

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

if (($# == 0)); then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

MODE=${ENLIST_PG:-own}
case $MODE in
own | existing) ;;
*)
    echo "$PROG: ENLIST_PG must be 'own' (default) or 'existing', not '$MODE'" >&2
    exit 2
    ;;
esac

# State read by the cleanup trap.
TMP_ROOT=  # temp dir (data dir, socket, logs) of our own cluster
DATA=      # data dir of our own cluster
PG_CTL=    # pg_ctl matching the initdb we used
EXISTING_DB= # database we created on the machine's server
EXISTING_FORCE_DROP= # non-empty: drop with --force

is_root() { ((EUID == 0)); }

# Run a server-side tool as the cluster owner: `postgres` when we are root
# (initdb and postgres refuse to run as root), ourselves otherwise. Runs from
# the temp dir so that an unreadable current directory (e.g. /root) is no
# problem for the postgres user.
as_owner() {
    if is_root; then
        (cd "$TMP_ROOT" && runuser -u postgres -- "$@")
    else
        (cd "$TMP_ROOT" && "$@")
    fi
}

# Run a client tool without any PG* settings from the caller's environment
# (PGSSLMODE=require, PGUSER, a service file, ... would break our own calls).
# COMMAND itself still gets the caller's environment untouched.
pgclient() {
    env -u PGHOST -u PGHOSTADDR -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD \
        -u PGPASSFILE -u PGSERVICE -u PGSERVICEFILE -u PGSSLMODE -u PGREQUIRESSL \
        -u PGOPTIONS -u PGTARGETSESSIONATTRS -u PGCLUSTER -u PGCONNECT_TIMEOUT "$@"
}

# shellcheck disable=SC2329 # invoked by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT
    trap '' INT TERM HUP # a second Ctrl-C must not abort the cleanup
    set +e
    if [[ -n $EXISTING_DB ]]; then
        pgclient dropdb -w -h 127.0.0.1 -p 5432 -U postgres --if-exists ${EXISTING_FORCE_DROP:+--force} \
            "$EXISTING_DB" </dev/null >/dev/null 2>&1 ||
            log "warning: could not drop database $EXISTING_DB on 127.0.0.1:5432"
    fi
    if [[ -n $DATA && -f $DATA/postmaster.pid ]]; then
        as_owner "$PG_CTL" -D "$DATA" -m immediate -w -t 30 stop </dev/null >/dev/null 2>&1
        if [[ -f $DATA/postmaster.pid ]]; then
            # pg_ctl could not stop it: signal the postmaster directly.
            local pid
            pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null)
            if [[ $pid =~ ^[0-9]+$ ]]; then
                kill -QUIT "$pid" 2>/dev/null
                for _ in 1 2 3 4 5 6 7 8 9 10; do
                    kill -0 "$pid" 2>/dev/null || break
                    sleep 0.5
                done
                kill -KILL "$pid" 2>/dev/null
            fi
        fi
    fi
    if [[ -n $TMP_ROOT ]]; then
        rm -rf -- "$TMP_ROOT"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

random_suffix() {
    od -An -N6 -tx1 /dev/urandom | tr -d ' \n'
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
    else
        echo $((20000 + RANDOM % 30000)) # collisions are retried below
    fi
}

# ---------------------------------------------------------------------------
# Alternative mode: the machine's own server on 127.0.0.1:5432.
# ---------------------------------------------------------------------------
if [[ $MODE == existing ]]; then
    if command -v pg_isready >/dev/null 2>&1 &&
        pgclient pg_isready -q -h 127.0.0.1 -p 5432 -t 5 </dev/null; then
        for tool in createdb dropdb psql; do
            command -v "$tool" >/dev/null 2>&1 || die "ENLIST_PG=existing needs '$tool' on PATH"
        done
        version=$(pgclient psql -X -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc \
            'show server_version_num' </dev/null 2>/dev/null) ||
            die "cannot connect to 127.0.0.1:5432 as user postgres without a password" \
                "(ENLIST_PG=existing needs trust auth for postgres on 127.0.0.1)"
        ((version >= 130000)) && EXISTING_FORCE_DROP=1 # dropdb --force: PG 13+
        dbname=enlist_ci_$(random_suffix)
        EXISTING_DB=$dbname # set first: the trap drops it (--if-exists) whatever happens
        pgclient createdb -w -h 127.0.0.1 -p 5432 -U postgres "$dbname" </dev/null ||
            die "could not create database $dbname on 127.0.0.1:5432"
        version=$(pgclient psql -X -w -h 127.0.0.1 -p 5432 -U postgres -d "$dbname" -Atc \
            'show server_version' </dev/null 2>/dev/null) || version='?'
        log "using the machine's PostgreSQL ${version%% *} on 127.0.0.1:5432 (database $dbname, dropped afterwards)"
        export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$dbname"
        set +e
        "$@"
        rc=$?
        set -e
        exit "$rc"
    fi
    log "ENLIST_PG=existing but nothing answers on 127.0.0.1:5432; starting an own cluster instead"
fi

# ---------------------------------------------------------------------------
# Default mode: our own throw-away cluster.
# ---------------------------------------------------------------------------

# Prints the directory holding initdb and pg_ctl, or fails.
find_bindir() {
    local p d
    if p=$(command -v initdb 2>/dev/null); then
        d=$(dirname -- "$(readlink -f -- "$p")")
        if [[ -x $d/pg_ctl ]]; then
            printf '%s\n' "$d"
            return 0
        fi
    fi
    # Debian/Ubuntu layout. postgresql-client-NN alone has a bin dir too, but
    # without initdb, hence the checks.
    while IFS= read -r d; do
        if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
            printf '%s\n' "$d"
            return 0
        fi
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
    return 1
}

install_postgres() {
    is_root || die "PostgreSQL server binaries (initdb, pg_ctl) not found; install PostgreSQL" \
        "(Debian/Ubuntu: apt-get install postgresql) or run this as root to install it"
    command -v apt-get >/dev/null 2>&1 ||
        die "PostgreSQL server binaries (initdb, pg_ctl) not found and no apt-get to install them"
    log "PostgreSQL not found; installing the Debian package 'postgresql' (takes a minute)"
    apt-get update -qq </dev/null >&2 || log "warning: apt-get update failed; trying the install anyway"
    # The package may create and start its own cluster: irrelevant, we use ours.
    # A failing postinst (no init system in a container, ...) is not fatal as
    # long as the binaries are there.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
        postgresql </dev/null >&2 || log "warning: apt-get install postgresql failed; checking for the binaries anyway"
}

BINDIR=$(find_bindir) || {
    install_postgres
    BINDIR=$(find_bindir) || die "PostgreSQL server binaries still not found after installing 'postgresql'"
}
INITDB=$BINDIR/initdb
PG_CTL=$BINDIR/pg_ctl
tool_path() { # sibling of initdb if there is one, else from PATH
    if [[ -x $BINDIR/$1 ]]; then printf '%s\n' "$BINDIR/$1"; else command -v "$1"; fi
}
CREATEDB=$(tool_path createdb) || die "createdb not found (next to $INITDB or on PATH)"
PSQL=$(tool_path psql) || PSQL=

# The temp dir must be usable by the cluster owner, and short and plain enough
# for a Unix socket path and pg_ctl's shell-parsed -o options.
make_tmp_root() {
    local base=${TMPDIR:-/tmp} dir
    [[ $base =~ ^[A-Za-z0-9._/-]+$ && ${#base} -le 60 ]] || base=/tmp
    dir=$(mktemp -d "$base/enlist-pg.XXXXXX") || dir=$(mktemp -d /tmp/enlist-pg.XXXXXX)
    if is_root; then
        chown postgres: "$dir"
        if [[ $base != /tmp ]] && ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
            rm -rf -- "$dir"
            dir=$(mktemp -d /tmp/enlist-pg.XXXXXX)
            chown postgres: "$dir"
        fi
    fi
    printf '%s\n' "$dir"
}

if is_root && ! id -u postgres >/dev/null 2>&1; then
    if getent group postgres >/dev/null 2>&1; then
        useradd --system --gid postgres --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin postgres
    else
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin postgres
    fi
fi

TMP_ROOT=$(make_tmp_root)
DATA=$TMP_ROOT/data
SERVER_LOG=$TMP_ROOT/server.log

init_cluster() { # $1: locale
    rm -rf -- "$DATA"
    as_owner "$INITDB" -D "$DATA" -A trust -U enlist --encoding=UTF8 --locale="$1" --no-sync \
        </dev/null >"$TMP_ROOT/initdb.log" 2>&1
}
if ! init_cluster C.UTF-8; then
    init_cluster C || {
        tail -n 50 "$TMP_ROOT/initdb.log" >&2
        die "initdb failed (output above)"
    }
fi

started=
for attempt in 1 2 3; do
    PORT=$(free_port)
    rm -f -- "$SERVER_LOG" # created by pg_ctl, so the cluster owner can write it
    if as_owner "$PG_CTL" -w -t 60 -D "$DATA" -l "$SERVER_LOG" \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $TMP_ROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start </dev/null >"$TMP_ROOT/pg_ctl.log" 2>&1; then
        started=1
        break
    fi
    # Someone grabbed the port between free_port and the server's bind: retry.
    if [[ -f $DATA/postmaster.pid ]] ||
        ! grep -qE 'could not bind|could not create any TCP/IP sockets|Address already in use' \
            "$SERVER_LOG" 2>/dev/null; then
        break
    fi
    log "port $PORT was taken by someone else (attempt $attempt of 3)"
done
if [[ -z $started ]]; then
    {
        cat "$TMP_ROOT/pg_ctl.log"
        echo "--- last 50 lines of the server log ---"
        tail -n 50 "$SERVER_LOG" 2>/dev/null || echo "(no server log)"
    } >&2
    die "the PostgreSQL server did not start"
fi

pgclient "$CREATEDB" -w -h 127.0.0.1 -p "$PORT" -U enlist enlist </dev/null ||
    die "could not create database enlist on 127.0.0.1:$PORT"

version=
if [[ -n $PSQL ]]; then
    version=$(pgclient "$PSQL" -X -w -h 127.0.0.1 -p "$PORT" -U enlist -d enlist -Atc \
        'show server_version' </dev/null 2>/dev/null) || version=
fi
if [[ -z $version ]]; then
    version=$("$PG_CTL" --version 2>/dev/null) || version='?'
    version=${version#*) }
fi
log "using an own throw-away PostgreSQL ${version%% *} on 127.0.0.1:$PORT (database enlist, user enlist)"

export DATABASE_URL="postgres://enlist@127.0.0.1:$PORT/enlist"
set +e
"$@"
rc=$?
set -e
exit "$rc"

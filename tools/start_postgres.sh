#!/usr/bin/env bash
# Make sure a local PostgreSQL server runs with the course's test database, for tests/test_workers.py.
#
#   tools/start_postgres.sh        # as root on Debian/Ubuntu (as CI runs)
#
# 1. installs Debian's `postgresql` package if it is missing (apt-get);
# 2. creates a cluster if there is none, and starts it if it is down (the server runs as `postgres`);
# 3. creates the login role and the database the tests use, if they do not exist;
# 4. checks that the tests' URL really connects, over TCP with the password.
# Idempotent: a second run changes nothing. The tests read the URL from COURSE_POSTGRES_URL and default
# to postgresql+psycopg2://course:course@localhost:5432/course_test (utils.workers.POSTGRES_URL), which
# is what this script provides on the default port. Lesson 20 runs it when USE_POSTGRES is on.
set -euo pipefail

DB_USER=course
DB_PASSWORD=course
DB_NAME=course_test

log() { echo "start_postgres: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Run a command as the postgres user, from a directory it may read.
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

server_binaries() { compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" || true; }

if [ -z "$(server_binaries)" ] || ! command -v pg_lsclusters >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed; run this script as root (or: sudo apt-get install -y postgresql)"
  log "installing Debian's postgresql package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
[ "$(id -u)" -eq 0 ] || die "run this script as root: it starts the server as the postgres user"

VERSION=$(server_binaries | sed -E 's#/usr/lib/postgresql/([^/]+)/bin/pg_ctl#\1#' | sort -V | tail -n 1)

# pg_lsclusters -h prints: version cluster port status owner data-directory log-file
read_cluster() { pg_lsclusters -h | awk -v v="$VERSION" '$1 == v { print $2, $3, $4; exit }'; }
CLUSTER_INFO=$(read_cluster)
if [ -z "$CLUSTER_INFO" ]; then
  log "creating PostgreSQL $VERSION cluster 'main' (initdb runs as postgres)"
  pg_createcluster --user=postgres "$VERSION" main >/dev/null
  CLUSTER_INFO=$(read_cluster)
fi
read -r CLUSTER PORT STATUS <<<"$CLUSTER_INFO"

if [ "$STATUS" != "online" ]; then
  # The socket directory lives in /run, which a container may have emptied.
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  log "starting PostgreSQL $VERSION cluster '$CLUSTER' on port $PORT"
  as_postgres pg_ctlcluster "$VERSION" "$CLUSTER" start
fi
for _ in $(seq 1 30); do
  pg_isready -q -p "$PORT" && break
  sleep 1
done
pg_isready -q -p "$PORT" || die "the server on port $PORT is not accepting connections; see /var/log/postgresql/"

psql_admin() { as_postgres psql --port "$PORT" --no-psqlrc -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]; then
  log "creating role $DB_USER"
  psql_admin -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
  log "creating database $DB_NAME"
  as_postgres createdb --port "$PORT" --owner "$DB_USER" "$DB_NAME"
fi

URL="postgresql+psycopg2://$DB_USER:$DB_PASSWORD@localhost:$PORT/$DB_NAME"
PGPASSWORD=$DB_PASSWORD psql "host=localhost port=$PORT user=$DB_USER dbname=$DB_NAME" --no-psqlrc -qtA \
  -c "SELECT 1" >/dev/null || die "cannot connect as $DB_USER over TCP; check pg_hba.conf of cluster $VERSION/$CLUSTER"

echo "PostgreSQL $VERSION/$CLUSTER ready on port $PORT: COURSE_POSTGRES_URL=$URL"
if [ "$PORT" != "5432" ]; then
  log "the cluster is not on the default port: export COURSE_POSTGRES_URL=$URL before running the tests"
fi

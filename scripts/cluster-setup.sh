#!/usr/bin/env bash
# What the production-shaped cluster (npm run cluster, test/cluster/) needs besides npm start's
# servers, installed when missing and cached:
#   .temporal/bin/temporal-server     the Temporal server (go.temporal.io/server/cmd/server)
#   .temporal/bin/temporal-sql-tool   its schema tool (go.temporal.io/server/cmd/tools/sql)
#   .temporal/bin/temporal-ui-server  the Temporal Web UI server (github.com/temporalio/ui-server/v2)
#   PostgreSQL 15 (Debian's postgresql-15), with apt-get when we are root
# All from the registries (Go module proxy, Debian): no project site is contacted. Pinned to the
# versions the Temporal CLI v1.5.1 of `npm start` embeds: server 1.29.1, UI 2.42.1.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER_VERSION="${YAKKAN_TEMPORAL_SERVER_VERSION:-v1.29.1}"
UI_VERSION="${YAKKAN_TEMPORAL_UI_VERSION:-v2.42.1}"
PG_MAJOR=15
bin="$PWD/.temporal/bin"
mkdir -p "$bin"
log() { printf '[cluster-setup] %s\n' "$*" >&2; }

# go install names both binaries "server": build each into a folder of its own, then move it in
# under its own name (a half-built binary is never left under the final name).
build() { # <module path@version> <final name> <version stamp>
  local pkg="$1" name="$2" version="$3"
  if [ -x "$bin/$name" ] && [ "$(cat "$bin/.$name.version" 2>/dev/null)" = "$version" ]; then
    log "$name $version: cached"
    return
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "go not found: cannot build $name (the cluster and its test need Go; see README)"
    return 1
  fi
  log "building $name $version with go install (first time: several minutes)..."
  local tmp
  tmp=$(mktemp -d "$bin/.build-XXXXXX")
  CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS=-mod=mod go install -trimpath -ldflags "-s -w" "$pkg"
  local built
  built=$(find "$tmp" -maxdepth 1 -type f | head -1)
  mv -f "$built" "$bin/$name"
  rmdir "$tmp" 2>/dev/null || rm -rf "$tmp"
  echo "$version" > "$bin/.$name.version"
  log "$name built: $bin/$name"
}

status=0
build "go.temporal.io/server/cmd/server@$SERVER_VERSION" temporal-server "$SERVER_VERSION" || status=1
build "go.temporal.io/server/cmd/tools/sql@$SERVER_VERSION" temporal-sql-tool "$SERVER_VERSION" || status=1
build "github.com/temporalio/ui-server/v2/cmd/server@$UI_VERSION" temporal-ui-server "$UI_VERSION" || status=1

# --- PostgreSQL 15 -----------------------------------------------------------------------------
pg="/usr/lib/postgresql/$PG_MAJOR/bin"
if [ -x "$pg/postgres" ] && [ -x "$pg/initdb" ]; then
  log "PostgreSQL $PG_MAJOR: $pg"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing PostgreSQL $PG_MAJOR (apt-get install postgresql-$PG_MAJOR)..."
  apt-get update -qq >/dev/null
  # The package's own cluster is not used (the cluster scripts run initdb in data/), so keep the
  # post-install from creating and starting one.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/yakkan.conf
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PG_MAJOR" >/dev/null
  log "PostgreSQL $PG_MAJOR installed: $pg"
else
  log "PostgreSQL $PG_MAJOR is missing at $pg and apt-get cannot run here (needs root): install postgresql-$PG_MAJOR"
  status=1
fi
exit $status

#!/usr/bin/env bash
# Everything yakkan needs on a fresh machine, idempotent and fast when already done:
#   1. npm dependencies (npm ci when package-lock.json changed or node_modules is missing)
#   2. Temporal dev server + time-skipping test server (scripts/temporal-servers.sh, cached)
#   3. Prisma client generation (offline JS engine)
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[setup] %s\n' "$*" >&2; }

want=$(cat package.json package-lock.json | sha256sum | cut -c1-16)
stamp=node_modules/.yakkan-deps
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing npm dependencies (npm ci)..."
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
else
  log "npm dependencies: up to date"
fi

bash scripts/temporal-servers.sh

schema_hash=$(cat prisma/schema.prisma | sha256sum | cut -c1-16)
if [ ! -f generated/prisma/.schema-hash ] || [ "$(cat generated/prisma/.schema-hash)" != "$schema_hash" ]; then
  log "generating the Prisma client..."
  npx prisma generate >/dev/null
  echo "$schema_hash" > generated/prisma/.schema-hash
else
  log "Prisma client: up to date"
fi
mkdir -p data

#!/usr/bin/env bash
# Everything yakkan needs on a fresh machine, idempotent and fast when already done:
#   1. npm dependencies (when package.json/package-lock.json changed or node_modules is missing)
#   2. Temporal dev server + time-skipping test server (scripts/temporal-servers.sh, cached)
#   3. Prisma client generation (offline JS engine)
#   4. Schemathesis (API fuzzing in npm test) in a project-local virtualenv, .venv/ (ignored)
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[setup] %s\n' "$*" >&2; }

want=$(cat package.json package-lock.json | sha256sum | cut -c1-16)
stamp=node_modules/.yakkan-deps
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # npm install (not npm ci) because npm 11.19 here writes lockfiles without other platforms'
  # optional packages and its own `npm ci` then refuses them; install still honours the lock.
  log "installing npm dependencies (npm install from package-lock.json)..."
  npm install --no-audit --no-fund
  cat package.json package-lock.json | sha256sum | cut -c1-16 > "$stamp"
else
  log "npm dependencies: up to date"
fi

bash scripts/temporal-servers.sh

# A real browser for the page tests (auditor HTML report): Debian's chromium, plus a Japanese font
# so screenshots show the text. Installed when missing and we may use apt-get (root, as in CI).
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing chromium and a Japanese font (apt-get)..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null
  else
    log "WARNING: no chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}; install it (or set CHROMIUM_PATH) for test/audit/browser.test.ts"
  fi
fi

# Schemathesis from PyPI, every package pinned (scripts/schemathesis-requirements.txt), in .venv/.
# test/api/openapi-fuzz.test.ts runs it against the live API.
st_want=$(sha256sum < scripts/schemathesis-requirements.txt | cut -c1-16)
st_stamp=.venv/.yakkan-schemathesis
if [ ! -x .venv/bin/schemathesis ] || [ "$(cat "$st_stamp" 2>/dev/null)" != "$st_want" ]; then
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      log "installing python3-venv (apt-get)..."
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
      log "WARNING: python3 with venv/ensurepip is needed for the Schemathesis test; install python3-venv"
    fi
  fi
  log "installing Schemathesis into .venv (pip, pinned)..."
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r scripts/schemathesis-requirements.txt
  echo "$st_want" > "$st_stamp"
else
  log "Schemathesis: up to date"
fi

schema_hash=$(cat prisma/schema.prisma | sha256sum | cut -c1-16)
if [ ! -f generated/prisma/.schema-hash ] || [ "$(cat generated/prisma/.schema-hash)" != "$schema_hash" ]; then
  log "generating the Prisma client..."
  npx prisma generate >/dev/null
  echo "$schema_hash" > generated/prisma/.schema-hash
else
  log "Prisma client: up to date"
fi
mkdir -p data

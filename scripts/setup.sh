#!/usr/bin/env bash
# Everything yakkan needs on a fresh machine, idempotent and fast when already done:
#   1. npm dependencies (when package.json/package-lock.json changed or node_modules is missing)
#   2. Temporal dev server + time-skipping test server (scripts/temporal-servers.sh, cached)
#   3. Prisma client generation (offline JS engine), for SQLite and PostgreSQL
#   4. Schemathesis (API fuzzing in npm test) in a project-local virtualenv, .venv/ (ignored)
#   5. with the argument `cluster` (npm test, npm run cluster): the Temporal server, its sql tool,
#      the Web UI server and PostgreSQL 15 (scripts/cluster-setup.sh)
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
if [ "${1:-}" = cluster ]; then
  # Without Go or root, what is missing is named here and again by whatever needs it (the
  # scale-out test fails saying so; npm run cluster stops saying so); the rest still runs.
  bash scripts/cluster-setup.sh || log "WARNING: the cluster is incomplete (see above): test/cluster/ and npm run cluster will fail"
fi

# A real browser for the page tests (auditor HTML report, ops console, customer page): Debian's
# chromium, plus a Japanese font so screenshots show the text. The written notices are PDFs with an
# embedded Japanese font (IPAex, activities/notice-pdf.ts), and the tests read them back with
# poppler-utils (pdftoppm, pdftotext). Installed when missing and we may use apt-get (root, as in CI).
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium fonts-ipafont-gothic)
[ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] || missing+=(fonts-ipaexfont-gothic)
[ -f /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf ] || missing+=(fonts-ipaexfont-mincho)
{ command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null; } || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]} (apt-get)..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "WARNING: missing ${missing[*]}; install them (or set CHROMIUM_PATH) for the page and PDF tests"
  fi
fi

# One client per database (db/client.ts picks by DATABASE_URL); prisma/schema.postgres.prisma is
# generated from prisma/schema.prisma and committed (scripts/prisma-schemas.ts).
generate() { # <schema> <output folder>
  local hash
  hash=$(sha256sum < "$1" | cut -c1-16)
  if [ ! -f "$2/.schema-hash" ] || [ "$(cat "$2/.schema-hash")" != "$hash" ]; then
    log "generating the Prisma client for $1..."
    npx prisma generate --schema "$1" >/dev/null
    echo "$hash" > "$2/.schema-hash"
  else
    log "Prisma client for $1: up to date"
  fi
}
generate prisma/schema.prisma generated/prisma
generate prisma/schema.postgres.prisma generated/prisma-postgres

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

mkdir -p data

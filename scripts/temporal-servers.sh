#!/usr/bin/env bash
# Builds/fetches the two Temporal servers yakkan needs into .temporal/ (ignored), reusing the cache.
#   .temporal/bin/temporal            Temporal CLI dev server (Go module proxy, pinned)
#   .temporal/test-server/run.sh      Java time-skipping test server (Maven Central, pinned)
# Where Go or Java is missing, nothing is built and the SDK's own download is used instead
# (see test/temporal-env.ts and worker/dev.ts), which works on a machine with internet access.
set -euo pipefail
cd "$(dirname "$0")/.."
CLI_VERSION="${YAKKAN_TEMPORAL_CLI_VERSION:-v1.5.1}"
TEST_SERVER_VERSION="${YAKKAN_TEMPORAL_TEST_SERVER_VERSION:-1.38.0}"
root="$PWD/.temporal"
mkdir -p "$root/bin" "$root/test-server"

log() { printf '[temporal-servers] %s\n' "$*" >&2; }

# --- Temporal CLI (dev server) ---------------------------------------------------------------
cli="$root/bin/temporal"
stamp="$root/bin/.version"
if [ -x "$cli" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$CLI_VERSION" ]; then
  log "Temporal CLI $CLI_VERSION: cached"
elif command -v go >/dev/null 2>&1; then
  log "building Temporal CLI $CLI_VERSION with go install (first time: several minutes)..."
  CGO_ENABLED=0 GOBIN="$root/bin" GOFLAGS=-mod=mod go install -trimpath -ldflags "-s -w" \
    "github.com/temporalio/cli/cmd/temporal@$CLI_VERSION"
  echo "$CLI_VERSION" > "$stamp"
  log "Temporal CLI built: $cli"
else
  log "go not found: the dev server will come from the SDK's own download"
fi

# --- Java time-skipping test server ----------------------------------------------------------
ts="$root/test-server"
if [ -x "$ts/run.sh" ] && [ "$(cat "$ts/.version" 2>/dev/null)" = "$TEST_SERVER_VERSION" ]; then
  log "Temporal test server $TEST_SERVER_VERSION: cached"
elif command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
  log "fetching io.temporal:temporal-test-server:$TEST_SERVER_VERSION with Maven..."
  rm -rf "$ts/lib"
  cat > "$ts/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>yakkan</groupId><artifactId>temporal-test-server-jars</artifactId><version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
      <version>$TEST_SERVER_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
  mvn -B -q -f "$ts/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$ts/lib"
  # A class-data-sharing archive of a real start keeps the cold JVM well inside the SDK's ~5 s
  # connect wait on 2 busy cores. The JVM writes it when it exits after SIGTERM.
  rm -f "$ts/app.jsa"
  port=$(( 20000 + RANDOM % 20000 ))
  java -XX:ArchiveClassesAtExit="$ts/app.jsa" -XX:TieredStopAtLevel=1 -cp "$ts/lib/*" \
    io.temporal.testserver.TestServer "$port" >/dev/null 2>&1 & jpid=$!
  for _ in $(seq 1 120); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.25; done
  sleep 1; kill -TERM "$jpid" 2>/dev/null || true; wait "$jpid" 2>/dev/null || true
  cat > "$ts/run.sh" <<RUN
#!/usr/bin/env bash
# Wrapper the SDK spawns; it must exec so that killing it stops the JVM.
dir="\$(cd "\$(dirname "\$0")" && pwd)"
cds=""; [ -f "\$dir/app.jsa" ] && cds="-XX:SharedArchiveFile=\$dir/app.jsa -Xshare:auto"
exec java \$cds -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -cp "\$dir/lib/*" io.temporal.testserver.TestServer "\$@"
RUN
  chmod +x "$ts/run.sh"
  echo "$TEST_SERVER_VERSION" > "$ts/.version"
  log "Temporal test server ready: $ts/run.sh"
else
  log "java/mvn not found: the time-skipping server will come from the SDK's own download"
fi

#!/usr/bin/env bash
# A real single-node OpenSearch 2.19.1 with the k-NN plugin, for tests and CI, without Docker.
#
#   scripts/opensearch-node.sh start    assemble (once) and start; prints the node's URL
#   scripts/opensearch-node.sh status   prints the URL and exits 0 when the node answers
#   scripts/opensearch-node.sh stop
#
# Everything comes from Maven artifacts through the user's own Maven settings. The integ-test zip
# lacks lang-painless, which k-NN extends, so the module is assembled from its jars. The node
# refuses to run as root, so as root it runs as nobody (65534). It needs a JDK 17: the zip has
# no bundled JDK and 2.19 does not start on 25.
#
# Environment: OPENSEARCH_JAVA_HOME (a JDK 17; else one is looked for under /usr/lib/jvm),
# SLUICE_OPENSEARCH_DIR (where the node lives; default target/opensearch-node in the project),
# SLUICE_OPENSEARCH_HEAP (default 512m), SLUICE_OPENSEARCH_START_TIMEOUT (seconds, default 180),
# MVN (default mvn), MVN_FLAGS (extra Maven flags, e.g. -o).
set -euo pipefail

OPENSEARCH_VERSION=2.19.1
KNN_VERSION=2.19.1.0
ANTLR_VERSION=4.13.1   # what lang-painless 2.19.1 is built against
ASM_VERSION=9.7

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_DIR="${SLUICE_OPENSEARCH_DIR:-$ROOT/target/opensearch-node}"
HEAP="${SLUICE_OPENSEARCH_HEAP:-512m}"
START_TIMEOUT="${SLUICE_OPENSEARCH_START_TIMEOUT:-180}"
MVN="${MVN:-mvn}"
RUN_UID=65534

log() { echo "opensearch-node: $*" >&2; }
die() { log "$*"; exit 1; }

as_node_user() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=$RUN_UID --regid=$RUN_UID --clear-groups "$@"
  else
    "$@"
  fi
}

# As root the node runs as nobody, which must be able to reach NODE_DIR (a project under /root
# is not reachable): fall back to a directory under /tmp named after the project.
resolve_node_dir() {
  mkdir -p "$NODE_DIR"
  if [ "$(id -u)" = 0 ] && ! setpriv --reuid=$RUN_UID --regid=$RUN_UID --clear-groups test -x "$NODE_DIR"; then
    NODE_DIR="${TMPDIR:-/tmp}/sluice-opensearch-$(printf %s "$ROOT" | cksum | cut -d' ' -f1)"
    mkdir -p "$NODE_DIR"
  fi
}

find_java17() {
  if [ -n "${OPENSEARCH_JAVA_HOME:-}" ]; then
    echo "$OPENSEARCH_JAVA_HOME"; return
  fi
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    if "$candidate/bin/java" -version 2>&1 | head -1 | grep -q '"17\.'; then
      echo "$candidate"; return
    fi
  done
  die "no JDK 17 found: set OPENSEARCH_JAVA_HOME"
}

fetch() { # groupId:artifactId:version[:packaging] into $NODE_DIR/artifacts
  "$MVN" -q -B -N ${MVN_FLAGS:-} -f "$ROOT/pom.xml" dependency:copy \
    -Dartifact="$1" -DoutputDirectory="$NODE_DIR/artifacts" -Dmdep.overWriteIfNewer=false \
    >>"$NODE_DIR/fetch.log" 2>&1 || { tail -20 "$NODE_DIR/fetch.log" >&2; die "could not fetch $1"; }
}

assemble() {
  local home="$NODE_DIR/home" java17="$1"
  [ -f "$home/.assembled" ] && return
  log "assembling OpenSearch $OPENSEARCH_VERSION with k-NN $KNN_VERSION in $home"
  rm -rf "$home" "$NODE_DIR/artifacts"
  mkdir -p "$NODE_DIR/artifacts"
  fetch "org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip"
  fetch "org.opensearch.plugin:opensearch-knn:$KNN_VERSION:zip"
  fetch "org.opensearch.plugin:lang-painless:$OPENSEARCH_VERSION"
  fetch "org.opensearch.plugin:opensearch-scripting-painless-spi:$OPENSEARCH_VERSION"
  fetch "org.antlr:antlr4-runtime:$ANTLR_VERSION"
  local asm
  for asm in asm asm-util asm-tree asm-commons asm-analysis; do
    fetch "org.ow2.asm:$asm:$ASM_VERSION"
  done

  local unpacked="$NODE_DIR/unpacked"
  rm -rf "$unpacked" && mkdir -p "$unpacked"
  (cd "$unpacked" && jar_x "$NODE_DIR/artifacts/opensearch-$OPENSEARCH_VERSION.zip")
  mv "$unpacked/opensearch-$OPENSEARCH_VERSION" "$home"
  rm -rf "$unpacked"

  local painless="$home/modules/lang-painless"
  mkdir -p "$painless"
  cp "$NODE_DIR/artifacts/lang-painless-$OPENSEARCH_VERSION.jar" \
     "$NODE_DIR/artifacts/opensearch-scripting-painless-spi-$OPENSEARCH_VERSION.jar" \
     "$NODE_DIR/artifacts/antlr4-runtime-$ANTLR_VERSION.jar" \
     "$NODE_DIR"/artifacts/asm-*"$ASM_VERSION".jar "$painless/"
  cat > "$painless/plugin-descriptor.properties" <<EOF
description=An easy, safe and fast scripting language for OpenSearch
version=$OPENSEARCH_VERSION
name=lang-painless
classname=org.opensearch.painless.PainlessPlugin
java.version=11
opensearch.version=$OPENSEARCH_VERSION
extended.plugins=
has.native.controller=false
EOF
  # What the module's own policy grants: Painless defines classes at runtime.
  cat > "$painless/plugin-security.policy" <<'EOF'
grant {
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF

  OPENSEARCH_JAVA_HOME="$java17" "$home/bin/opensearch-plugin" install --batch \
    "file://$NODE_DIR/artifacts/opensearch-knn-$KNN_VERSION.zip" >"$NODE_DIR/plugin-install.log" 2>&1 \
    || { tail -20 "$NODE_DIR/plugin-install.log" >&2; die "k-NN plugin install failed"; }

  # Loopback only, one node, any free port (written to logs/http.ports), no disk-watermark
  # surprises on a full CI disk. The integ-test zip ships no security plugin: plain HTTP.
  cat >> "$home/config/opensearch.yml" <<'EOF'
cluster.name: sluice-test
network.host: 127.0.0.1
http.port: 0
transport.port: 0
node.portsfile: true
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: false
EOF
  touch "$home/.assembled"
}

# unzip may be missing on a minimal machine; every JDK has jar (which drops file modes).
jar_x() {
  if command -v unzip >/dev/null; then unzip -q "$1"; else "$JAVA17/bin/jar" xf "$1"; fi
}

url() { cat "$NODE_DIR/url" 2>/dev/null; }

healthy() {
  local u; u="$(url)" || return 1
  [ -n "$u" ] && curl -fsS -m 5 "$u/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null 2>&1
}

pid() { cat "$NODE_DIR/run/pid" 2>/dev/null; }

running() { local p; p="$(pid)" && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

start() {
  resolve_node_dir
  exec 9>"$NODE_DIR/lock"
  flock 9 # two test JVMs starting at once share one node
  if running && healthy; then url; return; fi
  JAVA17="$(find_java17)"
  assemble "$JAVA17"
  local home="$NODE_DIR/home"
  running && kill "$(pid)" 2>/dev/null || true
  rm -rf "$NODE_DIR/run" "$home/logs"/* "$NODE_DIR/url"
  mkdir -p "$NODE_DIR/run" "$NODE_DIR/data"
  if [ "$(id -u)" = 0 ]; then
    chown -R $RUN_UID:$RUN_UID "$home" "$NODE_DIR/run" "$NODE_DIR/data"
  fi
  local started=$SECONDS
  (cd "$home" && as_node_user env OPENSEARCH_JAVA_HOME="$JAVA17" JAVA_HOME= \
      OPENSEARCH_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" \
      bin/opensearch -d -p "$NODE_DIR/run/pid" -E path.data="$NODE_DIR/data" \
      >"$NODE_DIR/run/console.log" 2>&1 9>&-) || { # 9>&-: the node must not hold the start lock
    tail -40 "$NODE_DIR/run/console.log" >&2
    tail -40 "$home/logs/sluice-test.log" 2>/dev/null >&2 || true
    die "OpenSearch did not start"
  }
  while [ $((SECONDS - started)) -lt "$START_TIMEOUT" ]; do
    if [ -s "$home/logs/http.ports" ]; then
      echo "http://$(head -1 "$home/logs/http.ports")" >"$NODE_DIR/url"
      if healthy; then
        log "up at $(url) in $((SECONDS - started)) s (pid $(pid))"
        url
        return
      fi
    fi
    # The pid file appears a moment after the launcher returns: only a written pid can be dead.
    if [ -s "$NODE_DIR/run/pid" ] && ! running; then break; fi
    sleep 1
  done
  tail -60 "$home/logs/sluice-test.log" >&2 2>/dev/null || tail -40 "$NODE_DIR/run/console.log" >&2
  stop_node
  die "OpenSearch not healthy after $((SECONDS - started)) s; log: $home/logs/sluice-test.log"
}

stop_node() {
  local p; p="$(pid)" || return 0
  [ -n "$p" ] || return 0
  kill "$p" 2>/dev/null || return 0
  local i
  for i in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 1; done
  kill -9 "$p" 2>/dev/null || true
  rm -f "$NODE_DIR/url" "$NODE_DIR/run/pid"
}

case "${1:-}" in
  start) start ;;
  stop) resolve_node_dir; stop_node ;;
  status) resolve_node_dir; if running && healthy; then url; else echo "not running" >&2; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

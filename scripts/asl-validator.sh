#!/usr/bin/env bash
# Validates Amazon States Language files with the npm package asl-validator (what `mvn verify` runs
# through cdk's AslValidationTest).
#
#   scripts/asl-validator.sh                  every statemachines/*.asl.json
#   scripts/asl-validator.sh FILE...          the files given
#
# Exits 0 when every file is valid, otherwise non-zero with the validator's messages. Needs node
# and npm on PATH. The pinned validator is installed with npm once into .tools/asl-validator at
# the project root (git-ignored; outside target/ so that `mvn clean` does not throw it away) and
# installed again only when it is missing or at another version.
set -euo pipefail

ASL_VALIDATOR_VERSION=4.0.0
NODE_MAJOR_MIN=20

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$ROOT/.tools/asl-validator"
VALIDATOR="$TOOLS_DIR/node_modules/asl-validator"

die() { echo "asl-validator.sh: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
  || die "node and npm are needed on PATH: install Node.js $NODE_MAJOR_MIN or newer (it ships npm)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge "$NODE_MAJOR_MIN" ] \
  || die "Node.js $NODE_MAJOR_MIN or newer is needed, found $(node --version): install a newer one"

installed_version() {
  [ -f "$VALIDATOR/package.json" ] || return 0
  node -p 'require(process.argv[1]).version' "$VALIDATOR/package.json" 2>/dev/null || true
}

if [ "$(installed_version)" != "$ASL_VALIDATOR_VERSION" ]; then
  echo "asl-validator.sh: installing asl-validator $ASL_VALIDATOR_VERSION into ${TOOLS_DIR#"$ROOT"/}" >&2
  # From scratch: npm trusts its own lockfile over a damaged node_modules.
  rm -rf "$TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --save-exact --loglevel=error \
    "asl-validator@$ASL_VALIDATOR_VERSION" >/dev/null \
    || die "npm could not install asl-validator $ASL_VALIDATOR_VERSION (messages above)"
fi

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  shopt -s nullglob
  files=("$ROOT"/statemachines/*.asl.json)
  shopt -u nullglob
  [ ${#files[@]} -gt 0 ] || die "no state machine to validate: statemachines/*.asl.json matches nothing"
fi

# The validator stops at the first file it cannot read or parse, with a stack trace that does not
# name it: read them all first and name each bad one.
node -e '
  let bad = false;
  for (const file of process.argv.slice(1)) {
    try { JSON.parse(require("fs").readFileSync(file, "utf8")); }
    catch (e) { console.error(`asl-validator.sh: ${file}: ${e.message}`); bad = true; }
  }
  process.exit(bad ? 2 : 0);' "${files[@]}"

args=()
for file in "${files[@]}"; do args+=(--json-path "$file"); done
# One line per valid file on stdout; the reasons for each invalid one on stderr, and exit 1.
exec node "$VALIDATOR/dist/bin/asl-validator.js" "${args[@]}"

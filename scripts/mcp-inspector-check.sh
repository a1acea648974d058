#!/usr/bin/env bash
# Runs the MCP Inspector CLI (2.x) against `storage-ops mcp` over stdio: lists the tools (with
# the Inspector's --strict schema portability check: errors fail, warnings are counted), then
# calls read-only tools (alert_rules, which needs no engine, and hosts_list) and checks their
# structured results. The Inspector needs Node 22, so Node 22 (the npm registry's `node@22`
# package) and the Inspector are installed in a scratch folder outside the project; the project
# itself stays on Node 20.
#
#   scripts/mcp-inspector-check.sh            # uses dist/ (run `npm run build` first)
#   MCP_INSPECTOR_DIR=/var/tmp/insp scripts/mcp-inspector-check.sh
#
# Prints PASS/FAIL per check; exits non-zero on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${MCP_INSPECTOR_DIR:-${TMPDIR:-/tmp}/storage-ops-mcp-inspector}
INSPECTOR_VERSION=${MCP_INSPECTOR_VERSION:-2}
MAIN="$ROOT/dist/cli/main.js"
[ -f "$MAIN" ] || { echo "FAIL: $MAIN is missing; run npm run build first" >&2; exit 1; }

mkdir -p "$SCRATCH"
NODE22="$SCRATCH/node_modules/node/bin/node"
INSPECTOR="$SCRATCH/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"
if [ ! -x "$NODE22" ] || [ ! -f "$INSPECTOR" ] || ! "$NODE22" --version >/dev/null 2>&1; then
  echo "installing node@22 and @modelcontextprotocol/inspector@$INSPECTOR_VERSION into $SCRATCH" >&2
  ( cd "$SCRATCH"
    [ -f package.json ] || echo '{ "private": true }' > package.json
    # npm 11 runs install scripts only for approved packages: node@22 fetches its binary in one.
    npm install-scripts approve node @modelcontextprotocol/inspector >/dev/null 2>&1 || true
    npm install --no-audit --no-fund --loglevel=error "node@22" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" >&2
    npm rebuild node >/dev/null )
fi
"$NODE22" --version | grep -q '^v22\.' || { echo "FAIL: $NODE22 is not Node 22" >&2; exit 1; }

# A private data dir: the check must not touch the operator's state.
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
NODE20=$(command -v node)
inspect() {
  "$NODE22" "$INSPECTOR" --cli -e "STORAGE_OPS_DATA_DIR=$DATA" -e "STORAGE_OPS_LOG_LEVEL=error" "$@" "$NODE20" "$MAIN" mcp
}

failures=0
check() { # name, command...
  local name=$1; shift
  if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; failures=$((failures + 1)); fi
}

expected=$("$NODE20" "$MAIN" docs | grep -o '^| \[`[a-z-]*`\](#[a-z-]*) | `[a-z_]*`' | grep -o '`[a-z_]*`$' | tr -d '`' | sort | tr '\n' ' ')

tools_list() {
  inspect --strict --method tools/list >"$DATA/tools.json" 2>"$DATA/strict.txt" || { cat "$DATA/strict.txt" >&2; return 1; }
  local got
  got=$("$NODE20" -e 'const t=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).tools; console.log(t.map(x=>x.name).sort().join(" ")+" ")' "$DATA/tools.json")
  [ "$got" = "$expected" ] || { echo "  tools: $got" >&2; echo "  catalog: $expected" >&2; return 1; }
  echo "  $(echo "$got" | wc -w) tools; schema portability warnings: $(grep -c '^Warning' "$DATA/strict.txt" || true)"
}

annotations() {
  "$NODE20" -e '
    const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).tools;
    const bad = t.filter((x) => !x.annotations || typeof x.annotations.readOnlyHint !== "boolean" || typeof x.annotations.destructiveHint !== "boolean" || !x.outputSchema || !x.title);
    if (bad.length) { console.error("  without annotations/outputSchema/title: " + bad.map((x) => x.name).join(", ")); process.exit(1); }
    const rm = t.find((x) => x.name === "volume_remove");
    if (!rm.annotations.destructiveHint || rm.annotations.readOnlyHint) { console.error("  volume_remove is not marked destructive"); process.exit(1); }
  ' "$DATA/tools.json"
}

call_read_tool() { # tool, node check on structuredContent
  local tool=$1 test=$2
  inspect --method tools/call --tool-name "$tool" >"$DATA/$tool.json" 2>"$DATA/$tool.err" || { cat "$DATA/$tool.err" >&2; return 1; }
  "$NODE20" -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (r.isError) { console.error("  " + JSON.stringify(r.content)); process.exit(1); }
    const sc = r.structuredContent;
    if (!new Function("sc", "return " + process.argv[2])(sc)) { console.error("  unexpected: " + JSON.stringify(sc).slice(0, 300)); process.exit(1); }
  ' "$DATA/$tool.json" "$test"
}

check "tools/list over stdio: one tool per catalog op, --strict finds no schema errors" tools_list
check "every tool has a title, annotations and an outputSchema" annotations
check "tools/call alert_rules (read-only) returns structured YAML" call_read_tool alert_rules 'typeof sc.yaml === "string" && sc.yaml.includes("groups:")'
check "tools/call hosts_list (read-only) returns every configured host" call_read_tool hosts_list 'Array.isArray(sc.hosts) && sc.hosts.length >= 1'

if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"

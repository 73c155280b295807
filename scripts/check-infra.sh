#!/usr/bin/env bash
# Compiles and lints the Bicep templates in infra/ and fails on any diagnostic, then compiles
# main.bicep's parameters both with and without private networking (test/infra/params/:
# vnetEnabled true and false), so both configurations are checked against the template's types.
#
# infra/bicepconfig.json raises every linter rule of the core analyzer to "error", so the linter
# alone fails the build; this script also rejects any "Warning" or "Error" line (compiler
# diagnostics such as BCP081 "no types for this API version" are warnings by default).
# The Bicep CLI comes from scripts/bicep.sh (PATH, .local/tools, or a NuGet restore).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

bicep="$(bash scripts/bicep.sh)"
echo "check-infra: using $("$bicep" --version 2>&1 | head -n 1) at $bicep"

mkdir -p .local/infra
failed=0

# Runs a bicep command; fails when it exits non-zero or prints a diagnostic.
run() {
  local output status=0
  output="$("$bicep" "$@" 2>&1)" || status=$?
  if [[ -n "$output" ]]; then
    printf '%s\n' "$output"
  fi
  if ((status != 0)); then
    echo "check-infra: FAILED (exit $status): bicep $*" >&2
    failed=1
  elif grep -qE '(^|[[:space:]:])(Warning|Error)[[:space:]]' <<<"$output"; then
    echo "check-infra: FAILED (diagnostics): bicep $*" >&2
    failed=1
  else
    echo "check-infra: ok: bicep $*"
  fi
}

run build infra/main.bicep --outfile .local/infra/main.json
# `lint infra/main.bicep` covers the modules it references; the pattern lints every file, so a
# module that is not (yet) referenced cannot hide a problem. --no-restore: no registry access.
run lint --no-restore --pattern 'infra/**/*.bicep'
# Both values of vnetEnabled: build-params type-checks each file against main.bicep.
for params in test/infra/params/*.bicepparam; do
  run build-params "$params" --outfile ".local/infra/$(basename "$params" .bicepparam).parameters.json"
  run lint --no-restore "$params"
done

if ((failed)); then
  echo "check-infra: infra templates have errors or warnings" >&2
  exit 1
fi
echo "check-infra: infra templates compile and lint clean"

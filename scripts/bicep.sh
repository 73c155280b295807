#!/usr/bin/env bash
# Prints the path of a Bicep CLI executable, restoring one when none is at hand.
#
# Order: `bicep` on PATH; then .local/tools/bicep/bicep; otherwise the NuGet package
# Azure.Bicep.CommandLine.<rid> (pinned version) is restored with the machine's `dotnet` into
# .local/tools/nuget (no global install) and its binary is linked to .local/tools/bicep/bicep.
# Only the path goes to stdout; progress goes to stderr, so callers can do
#   BICEP="$(bash scripts/bicep.sh)"
set -euo pipefail

BICEP_VERSION="${BICEP_VERSION:-0.49.2}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="$repo_root/.local/tools"
local_bicep="$tools_dir/bicep/bicep"

log() { printf 'bicep.sh: %s\n' "$*" >&2; }

if command -v bicep >/dev/null 2>&1; then
  command -v bicep
  exit 0
fi

if [[ -x "$local_bicep" ]]; then
  printf '%s\n' "$local_bicep"
  exit 0
fi

if ! command -v dotnet >/dev/null 2>&1; then
  log "no bicep on PATH, no $local_bicep and no dotnet to restore Azure.Bicep.CommandLine with"
  exit 1
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
  Darwin-x86_64) rid=osx-x64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  *)
    log "unsupported platform $(uname -s)-$(uname -m)"
    exit 1
    ;;
esac
package="Azure.Bicep.CommandLine.$rid"

# A throwaway project whose only job is to download the package: PackageDownload fetches it
# without adding it to any build graph, so the target framework does not matter.
restore_dir="$tools_dir/bicep-restore"
packages_dir="$tools_dir/nuget"
mkdir -p "$restore_dir" "$packages_dir" "$(dirname "$local_bicep")"
tfm="net$(dotnet --version | cut -d. -f1-2)"
cat >"$restore_dir/bicep-restore.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>$tfm</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$package" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
CSPROJ

log "restoring $package $BICEP_VERSION with dotnet into $packages_dir"
start=$SECONDS
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
  dotnet restore "$restore_dir/bicep-restore.csproj" --packages "$packages_dir" >&2

# NuGet lower-cases package folder names. The binary sits in tools/ (0.49.2); look in
# runtimes/ too in case a later version moves it.
package_dir="$packages_dir/$(printf '%s' "$package" | tr '[:upper:]' '[:lower:]')/$BICEP_VERSION"
binary=""
for candidate in "$package_dir/tools/bicep" "$package_dir/runtimes/$rid/native/bicep"; do
  if [[ -f "$candidate" ]]; then
    binary="$candidate"
    break
  fi
done
if [[ -z "$binary" ]]; then
  binary="$(find "$package_dir" -type f -name bicep 2>/dev/null | head -n 1 || true)"
fi
if [[ -z "$binary" ]]; then
  log "restored $package_dir but found no bicep binary in it"
  exit 1
fi

chmod +x "$binary"
# A relative link keeps working if the clone is moved.
ln -sfn "../nuget/${binary#"$packages_dir"/}" "$local_bicep"
log "bicep $("$local_bicep" --version 2>&1 | head -n 1) ready at $local_bicep ($((SECONDS - start)) s)"
printf '%s\n' "$local_bicep"

#!/usr/bin/env bash
# Builds the Terraform provider binaries that `npm run validate` uses, from the Go module
# proxy, into a local filesystem mirror under .tools/tf-mirror (git-ignored):
#   .tools/tf-mirror/registry.terraform.io/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>
# Idempotent: a provider is rebuilt only when its pinned pseudo-version changes (a stamp file
# beside the binary records the module version it was built from).
#
# Usage: bash scripts/validate/build-providers.sh [aws|docker ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MIRROR="$ROOT/.tools/tf-mirror"
PINS="$ROOT/scripts/validate/providers.tsv"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export GOTOOLCHAIN=local
command -v go >/dev/null || { echo "build-providers: go is not on PATH" >&2; exit 1; }
os=$(go env GOOS); arch=$(go env GOARCH)

want=("$@")
built=0
while IFS=$'\t' read -r name source version module modversion; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if ((${#want[@]})) && [[ ! " ${want[*]} " == *" $name "* ]]; then continue; fi
  dir="$MIRROR/$source/$version/${os}_${arch}"
  bin="$dir/terraform-provider-${source##*/}_v$version"
  stamp="$dir/.built-from"
  if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$module@$modversion" ]]; then
    echo "build-providers: $source $version is cached ($module@$modversion)"
    continue
  fi
  echo "build-providers: building $source $version from $module@$modversion (this can take a long time for aws)"
  start=$(date +%s)
  src=$(go mod download -json "$module@$modversion" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  mkdir -p "$dir"
  # The module cache is read-only; go build writes only the -o output and the build cache.
  (cd "$src" && go build -trimpath -ldflags="-s -w" -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
  echo "$module@$modversion" >"$stamp"
  built=$((built + 1))
  echo "build-providers: built $bin in $(( $(date +%s) - start )) s"
done <"$PINS"
echo "build-providers: done ($built built)"

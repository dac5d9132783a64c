#!/usr/bin/env bash
# Installs actionlint, the GitHub Actions workflow linter, at a pinned version into
# the git-ignored .tools/bin, with `go install` (needs Go >= 1.25 on PATH).
# Idempotent: does nothing when .tools/bin/actionlint already is that version.
#
# Usage: bash scripts/install-actionlint.sh   (npm run lint:workflows runs it first)
set -euo pipefail

ACTIONLINT_VERSION="1.7.12"

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin"
actionlint="$bin/actionlint"

if [ -x "$actionlint" ] && [ "$("$actionlint" -version 2>/dev/null | head -n 1)" = "v$ACTIONLINT_VERSION" ]; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-actionlint: Go is required to install actionlint v$ACTIONLINT_VERSION (go install); install Go >= 1.25 first" >&2
  exit 1
fi

echo "install-actionlint: installing actionlint v$ACTIONLINT_VERSION into .tools/bin" >&2
mkdir -p "$bin"
GOBIN="$bin" go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"

installed="$("$actionlint" -version | head -n 1)"
if [ "$installed" != "v$ACTIONLINT_VERSION" ]; then
  echo "install-actionlint: expected v$ACTIONLINT_VERSION, got $installed" >&2
  exit 1
fi

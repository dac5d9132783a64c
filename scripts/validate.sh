#!/usr/bin/env bash
# npm run validate [-- stack ...]: builds (or reuses) the provider binaries, synthesizes every stage,
# then has Terraform validate each stack against them (scripts/validate/validate.ts).
# VALIDATE_SKIP_SYNTH=1 validates what cdktf.out already holds.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
command -v terraform >/dev/null || { echo "validate: terraform is required on PATH (>= 1.11)" >&2; exit 2; }
bash scripts/validate/build-providers.sh >&2
if [[ "${VALIDATE_SKIP_SYNTH:-}" != 1 ]]; then node scripts/run-ts.js main.ts >/dev/null; fi
exec node scripts/run-ts.js scripts/validate.ts "$@"

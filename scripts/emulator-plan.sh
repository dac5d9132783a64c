#!/usr/bin/env bash
# npm run emulator-plan [-- --apply] [stack ...]: terraform plan of every synthesized stack against
# moto's server mode, inside a network namespace that has only loopback (unshare -n, needs root),
# with the validate mirror's provider binaries (scripts/validate/emulator.ts says what it changes
# in the scratch copies). EMULATOR_SKIP_SYNTH=1 plans what cdktf.out already holds.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
command -v terraform >/dev/null || { echo "emulator-plan: terraform is required on PATH (>= 1.11)" >&2; exit 2; }
bash scripts/validate/build-providers.sh >&2
bash scripts/python-env.sh moto >/dev/null
if [[ "${EMULATOR_SKIP_SYNTH:-}" != 1 ]]; then node scripts/run-ts.js main.ts >/dev/null; fi
exec unshare -n -- bash -c 'PATH="$PATH:/usr/sbin"; ip link set lo up && exec node scripts/run-ts.js scripts/emulator-plan.ts "$@"' emulator-plan "$@"

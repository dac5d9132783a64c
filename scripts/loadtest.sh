#!/usr/bin/env bash
# npm run loadtest -- <stage> [options]: synthesizes, then runs scripts/loadtest.ts inside a new
# network namespace that has only loopback (unshare -n), so the load can reach nothing else.
# Installs its Python tools (.tools/py/loadtest) and needs nginx (scripts/ensure-nginx.sh) and root
# (for the namespace and the cgroup that limits Gunicorn to the task's CPU and memory).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
bash scripts/python-env.sh loadtest >/dev/null
if [[ "${LOADTEST_SKIP_SYNTH:-}" != 1 ]]; then node scripts/run-ts.js main.ts >/dev/null; fi
for tool in unshare ip; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "loadtest: $tool is required (util-linux, iproute2)" >&2; exit 2; }
done
exec unshare -n -- bash -c 'PATH="$PATH:/usr/sbin"; ip link set lo up && exec node scripts/run-ts.js scripts/loadtest.ts "$@"' loadtest "$@"

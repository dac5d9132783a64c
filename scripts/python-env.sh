#!/usr/bin/env bash
# Creates or refreshes the git-ignored virtualenv .tools/py/<name> from requirements/<name>.txt
# and prints the venv's path on stdout (logs go to stderr). Idempotent: the venv is rebuilt
# only when the requirements file changes (its sha256 is stamped in the venv).
# A requirements file that carries --hash lines is installed with --require-hashes (pip does so
# on its own once any hash is present), so a lock file pins every transitive dependency.
#
# Usage: venv=$(bash scripts/python-env.sh app) && "$venv/bin/python" ...
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: python-env.sh <requirements name>}
req="requirements/$name.txt"
[[ -f $req ]] || { echo "python-env: no $req" >&2; exit 1; }
venv="$PWD/.tools/py/$name"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [[ -x $venv/bin/python && -f $venv/.requirements-sha256 && $(cat "$venv/.requirements-sha256") == "$want" ]]; then
  echo "$venv"; exit 0
fi
command -v python3 >/dev/null || { echo "python-env: python3 is required on PATH" >&2; exit 1; }
echo "python-env: installing $req into .tools/py/$name" >&2
rm -rf "$venv"
mkdir -p "$(dirname "$venv")" .tools/logs
python3 -m venv "$venv"
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$req" >".tools/logs/python-env-$name.log" 2>&1; then
  echo "python-env: pip install of $req failed; last lines of .tools/logs/python-env-$name.log:" >&2
  tail -20 ".tools/logs/python-env-$name.log" >&2
  rm -rf "$venv"
  exit 1
fi
echo "$want" >"$venv/.requirements-sha256"
echo "$venv"

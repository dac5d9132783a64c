#!/usr/bin/env bash
# Makes sure an `nginx` binary is available for the real-nginx test
# (__tests__/nginx/nginx.test.ts). Runs as the `pretest` npm script, so `npm test`
# and CI (.ci/run) install it on a fresh machine.
#
# - nginx already on PATH (or in /usr/sbin): prints its version, does nothing else.
# - missing and running as root with apt-get: installs Debian's `nginx-light`
#   (falls back to `nginx`), after `apt-get update`, and without starting or
#   enabling the system service.
# - missing and not root (or no apt-get): prints how to install it and exits 0;
#   the test itself then fails with the same instructions, it never skips.
set -euo pipefail

find_nginx() {
  command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}

existing="$(find_nginx)"
if [ -n "$existing" ]; then
  echo "ensure-nginx: found $existing ($("$existing" -v 2>&1 | head -n1))"
  exit 0
fi

hint="install Debian's nginx: sudo apt-get update && sudo apt-get install -y --no-install-recommends nginx-light (or: nginx)"

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-nginx: nginx is not installed and this script can only install it as root with apt-get;" >&2
  echo "ensure-nginx: $hint" >&2
  exit 0
fi

echo "ensure-nginx: nginx not found; installing Debian's nginx-light with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Do not start the system nginx service on install (it would take port 80 and
# is not what the test runs): policy-rc.d exit 101 tells invoke-rc.d "not allowed".
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get update -qq
if ! apt-get install -y -qq --no-install-recommends nginx-light; then
  echo "ensure-nginx: nginx-light not installable here; trying the nginx package"
  apt-get install -y -qq --no-install-recommends nginx
fi

installed="$(find_nginx)"
if [ -z "$installed" ]; then
  echo "ensure-nginx: installation finished but no nginx binary was found; $hint" >&2
  exit 1
fi
echo "ensure-nginx: installed $installed ($("$installed" -v 2>&1 | head -n1))"

#!/usr/bin/env bash
# Makes sure PostgreSQL 15's server and Redis are installed for the reference-app contract test
# (__tests__/app-contract/reference-app.test.ts), which starts them itself on loopback, on free
# ports, as the test's own processes (never the system services). Runs as the `pretest` npm
# script, so `npm test` and CI (.ci/run) install them on a fresh machine.
#
# - both present: prints their versions, does nothing else.
# - missing, root with apt-get: installs Debian's postgresql-15 and redis-server without starting
#   or enabling their services (policy-rc.d), after `apt-get update`.
# - missing otherwise: prints how to install them and exits 0; the test then fails saying the same.
set -euo pipefail

pg_bin() { for d in /usr/lib/postgresql/15/bin; do [ -x "$d/initdb" ] && echo "$d" && return; done; true; }
have_redis() { command -v redis-server >/dev/null 2>&1; }

if [ -n "$(pg_bin)" ] && have_redis; then
  echo "ensure-app-services: found $("$(pg_bin)/postgres" --version), $(redis-server --version | cut -d' ' -f1-3)"
  exit 0
fi

hint="install Debian's PostgreSQL 15 and Redis: sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql-15 redis-server"
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-app-services: PostgreSQL 15 or Redis is missing and this script can only install them as root with apt-get;" >&2
  echo "ensure-app-services: $hint" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Installing must not start the system services (they would take 5432 and 6379): policy-rc.d exit 101.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

echo "ensure-app-services: installing postgresql-15 and redis-server with apt-get"
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql-15 redis-server openssl
if [ -z "$(pg_bin)" ] || ! have_redis; then
  echo "ensure-app-services: installation finished but a binary is still missing; $hint" >&2
  exit 1
fi
echo "ensure-app-services: installed $("$(pg_bin)/postgres" --version), $(redis-server --version | cut -d' ' -f1-3)"

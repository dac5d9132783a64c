#!/usr/bin/env bash
# npm run scan: the external scanners over every synthesized stack, then the allowlist.
#
#   1. installs, idempotently, into the git-ignored .tools/: checkov (PyPI, hash-pinned by
#      requirements/checkov.txt, in the virtualenv .tools/py/checkov), tflint and its AWS ruleset (go install; the plugin goes to
#      .tools/tflint-plugins, found through TFLINT_PLUGIN_DIR, so nothing is downloaded at
#      lint time), and actionlint (go install) when .github/workflows exists;
#   2. synthesizes (npm run synth) unless cdktf.out is newer than every source;
#   3. runs checkov (--framework terraform_json) and tflint on each cdktf.out/stacks/<stack>,
#      and actionlint on .github/workflows;
#   4. compares the findings with scan-allowlist.json (scripts/scan/compare.ts): fails on any
#      finding not allowlisted and prints the per-stage summary.
#
# The scan fails when it could not check: a scanner parse error, a stack where checkov passed no
# check, a stale allowlist entry (scripts/scan/compare.ts), or a missing tflint AWS ruleset.
# Environment: SCAN_SKIP_TFLINT_AWS="<reason>" lets the scan run tflint without the AWS ruleset
# when it cannot be built, and prints the reason (.ci/run sets it: the Go module proxy here
# refuses the ruleset). When `go install` of the ruleset fails but
# .tools/tflint-plugins/tflint-ruleset-aws exists (put there by hand, built from the ruleset's
# source at the pinned tag), that binary is used.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
export CHECKPOINT_DISABLE=1

# Pinned versions: bump deliberately, then re-run the scan and review the allowlist.
CHECKOV_VERSION=3.3.30
TFLINT_VERSION=v0.64.0
TFLINT_RULESET_AWS_VERSION=v0.48.0

mkdir -p "$TOOLS/bin" "$TOOLS/logs" "$TOOLS/tflint-plugins"
log() { echo "scan: $*" >&2; }
for tool in python3 go node; do
  command -v "$tool" >/dev/null || { log "$tool is required on PATH (checkov needs python3, tflint and actionlint are built with go)"; exit 1; }
done

# checkov and every dependency pinned by hash (requirements/checkov.txt, from requirements/checkov.in).
install_checkov() {
  CHECKOV=$(bash "$ROOT/scripts/python-env.sh" checkov)/bin/checkov
  [[ $("$CHECKOV" --version 2>/dev/null) == "$CHECKOV_VERSION" ]] \
    || { log "requirements/checkov.txt does not install checkov $CHECKOV_VERSION (got $("$CHECKOV" --version 2>&1 | head -1))"; return 1; }
}

# go_install <package@version> <binary>: builds into .tools/bin once per version.
go_install() {
  local package=$1 binary=$2 stamp=$TOOLS/bin/.$2.version
  if [[ -x $TOOLS/bin/$binary ]] && [[ $(cat "$stamp" 2>/dev/null) == "$package" ]]; then return 0; fi
  log "building $package (go install; takes a few minutes the first time)"
  if GOBIN=$TOOLS/bin go install "$package" >"$TOOLS/logs/$binary-install.log" 2>&1; then
    echo "$package" >"$stamp"
  else
    log "go install $package failed, see .tools/logs/$binary-install.log"
    tail -5 "$TOOLS/logs/$binary-install.log" >&2
    return 1
  fi
}

install_checkov
go_install "github.com/terraform-linters/tflint@$TFLINT_VERSION" tflint
NOTES=()
TFLINT_CONFIG=$ROOT/.tflint.hcl
AWS_PLUGIN=$TOOLS/tflint-plugins/tflint-ruleset-aws
if go_install "github.com/terraform-linters/tflint-ruleset-aws@$TFLINT_RULESET_AWS_VERSION" tflint-ruleset-aws; then
  cp "$TOOLS/bin/tflint-ruleset-aws" "$AWS_PLUGIN"
elif [[ -x $AWS_PLUGIN ]]; then
  # A plugin binary placed there by hand (e.g. built from the ruleset's source at the pinned tag).
  NOTES+=(--note "tflint AWS ruleset: go install failed; used the binary already in .tools/tflint-plugins")
else
  if [[ -z ${SCAN_SKIP_TFLINT_AWS:-} ]]; then
    log "the tflint AWS ruleset could not be built (see .tools/logs/tflint-ruleset-aws-install.log) and is required;"
    log "set SCAN_SKIP_TFLINT_AWS=\"<why>\" to scan without it"
    exit 1
  fi
  # Without the plugin binary, tflint refuses a config that enables it: lint with a copy minus the aws block.
  TFLINT_CONFIG=$TOOLS/tflint-without-aws.hcl
  awk '/^plugin "aws"/ { skip = 1 } !skip { print } skip && /^}/ { skip = 0 }' "$ROOT/.tflint.hcl" >"$TFLINT_CONFIG"
  NOTES+=(--not-run aws_ --note "tflint ran WITHOUT the AWS ruleset (SCAN_SKIP_TFLINT_AWS: $SCAN_SKIP_TFLINT_AWS): go install github.com/terraform-linters/tflint-ruleset-aws@$TFLINT_RULESET_AWS_VERSION failed; only the bundled terraform ruleset was applied")
fi
export TFLINT_PLUGIN_DIR=$TOOLS/tflint-plugins

# Synthesize unless cdktf.out is newer than every input of the synthesis.
MANIFEST=$ROOT/cdktf.out/manifest.json
if [[ -f $MANIFEST ]] && [[ -z $(find main.ts cdktf.json package.json package-lock.json config constructs stacks checks \
  -newer "$MANIFEST" -type f 2>/dev/null | head -1) ]]; then
  log "cdktf.out is up to date; not synthesizing again"
else
  npm run --silent synth
fi

RESULTS=$TOOLS/scan-results
WORK=$TOOLS/scan-work
rm -rf "$RESULTS" "$WORK"
mkdir -p "$RESULTS" "$WORK"
STACKS=()
for dir in "$ROOT"/cdktf.out/stacks/*/; do
  [[ -f $dir/cdk.tf.json ]] && STACKS+=("$(basename "$dir")")
done
[[ ${#STACKS[@]} -gt 0 ]] || { log "no stacks in cdktf.out/stacks"; exit 1; }

for stack in "${STACKS[@]}"; do
  src=$ROOT/cdktf.out/stacks/$stack/cdk.tf.json
  # checkov crashes on a scalar terraform.required_version (bridgecrewio/checkov#7454), which
  # our stacks set: it scans a copy without that key (the real file keeps it).
  mkdir -p "$WORK/$stack"
  node -e '
    const fs = require("fs");
    const stack = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    if (stack.terraform) delete stack.terraform.required_version;
    fs.writeFileSync(process.argv[2], JSON.stringify(stack, null, 2));
  ' "$src" "$WORK/$stack/cdk.tf.json"
  log "checkov $stack"
  # Exit code 1 means failed checks, which the comparison reads from the JSON; anything else is a crash.
  rc=0
  "$CHECKOV" -d "$WORK/$stack" --framework terraform_json --output json --compact --skip-download \
    >"$RESULTS/checkov-$stack.json" 2>"$TOOLS/logs/checkov-$stack.log" || rc=$?
  if [[ $rc -gt 1 ]]; then log "checkov crashed on $stack (exit $rc), see .tools/logs/checkov-$stack.log"; exit 1; fi

  log "tflint $stack"
  rc=0
  "$TOOLS/bin/tflint" --chdir "$ROOT/cdktf.out/stacks/$stack" --config "$TFLINT_CONFIG" --format json --force \
    >"$RESULTS/tflint-$stack.json" 2>"$TOOLS/logs/tflint-$stack.log" || rc=$?
  if [[ $rc -ne 0 ]] && [[ ! -s $RESULTS/tflint-$stack.json ]]; then
    log "tflint failed on $stack (exit $rc), see .tools/logs/tflint-$stack.log"; cat "$TOOLS/logs/tflint-$stack.log" >&2; exit 1
  fi
done

if [[ -d .github/workflows ]]; then
  # One installer, one pinned version, shared with npm run lint:workflows.
  bash "$ROOT/scripts/install-actionlint.sh"
  log "actionlint .github/workflows"
  "$TOOLS/bin/actionlint" -no-color || { log "actionlint found problems in .github/workflows"; exit 1; }
  NOTES+=(--note "actionlint $("$TOOLS/bin/actionlint" -version | head -n 1): .github/workflows OK")
else
  NOTES+=(--note "actionlint skipped: no .github/workflows")
fi

node scripts/run-ts.js scripts/scan/cli.ts --stacks cdktf.out/stacks --results "$RESULTS" --allowlist scan-allowlist.json \
  ${NOTES[@]+"${NOTES[@]}"}

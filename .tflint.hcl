# tflint configuration for `npm run scan` (scripts/scan.sh), which runs tflint on each
# synthesized stack folder (cdktf.out/stacks/<stack>, where it reads cdk.tf.json).
#
# No `source`/`version` in the plugin blocks, so `tflint --init` is never needed and
# nothing is downloaded: the terraform ruleset is bundled in tflint, and scan.sh builds
# the AWS ruleset with `go install` into .tools/tflint-plugins (TFLINT_PLUGIN_DIR).
config {
  call_module_type = "none"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
}

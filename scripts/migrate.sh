#!/usr/bin/env bash
# Runs a stage's Django migrations as a one-off ECS task (the migration task
# definition: the web image and settings, `python manage.py migrate --noinput`),
# waits for it to stop, prints its log, and exits with the container's exit code.
#
# Usage: npm run migrate -- <stage> [--before-apply]
#
# Reads the stage's Terraform outputs (cluster_name, migration_task_definition_arn,
# migration_network_configuration) in cdktf.out/stacks/<stage> (or
# $CDKTF_OUTDIR/stacks/<stage>), so run it after `terraform init` there, with AWS
# credentials for the stage's account. Needs terraform, the AWS CLI v2 and node.
#
# --before-apply: the deploy runs the migrations before `terraform apply` changes the web
# service, so new code never serves against the old schema, while the apply stays exactly
# the reviewed plan. The image comes from the migration task definition in the stack's
# cdk.tf.json (what that plan will deploy); the script registers a new revision of the
# deployed migration task definition with that image (everything else as deployed) and runs
# it. When the stage has no migration task definition yet (its first deploy), it says so and
# exits 10: the caller migrates after the apply instead.
set -euo pipefail

stage="${1:-}"
mode="${2:-}"
if [[ -z "$stage" || ( -n "$mode" && "$mode" != "--before-apply" ) || $# -gt 2 ]]; then
  echo "usage: npm run migrate -- <stage> [--before-apply]" >&2
  exit 64
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${CDKTF_OUTDIR:-$root/cdktf.out}/stacks/$stage"
if [[ ! -f "$dir/cdk.tf.json" ]]; then
  echo "migrate: no synthesized stack at $dir (run npm run synth, then terraform init there)" >&2
  exit 66
fi

# json '<document>' 'a.b.0.c': the value at that path (strings raw, the rest as JSON); exit 3 when absent.
json() {
  node -e '
    const value = process.argv[2].split(".").reduce((v, k) => (v == null ? undefined : v[k]), JSON.parse(process.argv[1]));
    if (value === undefined || value === null) process.exit(3);
    process.stdout.write(typeof value === "string" ? value : JSON.stringify(value));
  ' "$1" "$2"
}

outputs="$(terraform -chdir="$dir" output -json)"
cluster="$(json "$outputs" cluster_name.value)"
output_arn="$(json "$outputs" migration_task_definition_arn.value)"
# Run the family's latest revision, not the output's: --before-apply registers one before the
# apply, and old revisions stay registered (skip_destroy), so "latest" is the newest.
family="${output_arn##*:task-definition/}"
family="${family%:*}"
network="$(json "$outputs" migration_network_configuration.value)"
AWS_REGION="${AWS_REGION:-$(json "$(cat "$dir/cdk.tf.json")" provider.aws.0.region)}"
export AWS_REGION

if [[ "$mode" == "--before-apply" ]]; then
  # The image the reviewed configuration deploys: the migrate container of the task definition
  # whose family is the deployed one.
  image="$(node -e '
    const [file, family] = process.argv.slice(1);
    const defs = Object.values((JSON.parse(require("fs").readFileSync(file, "utf8")).resource || {}).aws_ecs_task_definition || {});
    const def = defs.find((d) => d.family === family);
    if (!def) { console.error(`migrate: no task definition of family ${family} in ${file}`); process.exit(3); }
    const container = JSON.parse(def.container_definitions).find((c) => c.name === "migrate");
    if (!container || typeof container.image !== "string" || container.image.includes("${")) {
      console.error(`migrate: the ${family} task definition in ${file} has no literal migrate image`); process.exit(3);
    }
    process.stdout.write(container.image);
  ' "$dir/cdk.tf.json" "$family")"
  if ! deployed="$(aws ecs describe-task-definition --task-definition "$family" --output json 2>/dev/null)"; then
    echo "migrate: stage $stage has no $family task definition yet (first deploy): migrate after the apply"
    exit 10
  fi
  registration="$(node -e '
    const [described, image] = process.argv.slice(1);
    const def = JSON.parse(described).taskDefinition;
    // What register-task-definition accepts of a described revision: drop the read-only fields.
    for (const k of ["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt"]) delete def[k];
    const container = def.containerDefinitions.find((c) => c.name === "migrate");
    if (!container) { console.error("migrate: the deployed task definition has no migrate container"); process.exit(3); }
    container.image = image;
    process.stdout.write(JSON.stringify(def));
  ' "$deployed" "$image")"
  task_definition="$(aws ecs register-task-definition --cli-input-json "$registration" --query 'taskDefinition.taskDefinitionArn' --output text)"
  echo "migrate: registered $task_definition with $image (before the service update)"
else
  task_definition="$(aws ecs describe-task-definition --task-definition "$family" --query 'taskDefinition.taskDefinitionArn' --output text)"
fi

echo "migrate: running $task_definition on $cluster ($AWS_REGION)"
run="$(aws ecs run-task --cluster "$cluster" --task-definition "$task_definition" --launch-type FARGATE \
  --count 1 --started-by npm-run-migrate --network-configuration "$network" --output json)"
if ! task_arn="$(json "$run" tasks.0.taskArn)"; then
  echo "migrate: ECS started no task: $(json "$run" failures || echo "$run")" >&2
  exit 1
fi
echo "migrate: task $task_arn started, waiting for it to stop"

# `aws ecs wait tasks-stopped` gives up after 10 minutes; migrations may take longer (up to an hour here).
attempt=1
until aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task_arn"; do
  if (( attempt >= 6 )); then
    echo "migrate: task $task_arn still running after an hour; not stopping it (see the ECS console)" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  echo "migrate: still running, waiting again"
done

described="$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task_arn" --output json)"
container="$(node -e '
  const task = JSON.parse(process.argv[1]).tasks[0];
  const c = task.containers.find((c) => c.name === "migrate") || task.containers[0];
  process.stdout.write(JSON.stringify({ exitCode: c.exitCode, reason: c.reason || "", stoppedReason: task.stoppedReason || "", logStream: c.name + "/" + c.name + "/" + task.taskArn.split("/").pop() }));
' "$described")"

group="$(aws ecs describe-task-definition --task-definition "$task_definition" \
  --query 'taskDefinition.containerDefinitions[0].logConfiguration.options."awslogs-group"' --output text || true)"
if [[ -n "$group" && "$group" != "None" ]]; then
  echo "migrate: log ($group, $(json "$container" logStream)):"
  aws logs tail "$group" --log-stream-names "$(json "$container" logStream)" --since 2h --format short || true
fi

if ! exit_code="$(json "$container" exitCode)"; then
  echo "migrate: the container never ran: $(json "$container" stoppedReason || true) $(json "$container" reason || true)" >&2
  exit 1
fi
echo "migrate: exit code $exit_code"
exit "$exit_code"

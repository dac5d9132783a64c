/**
 * scripts/migrate.sh against stand-in `terraform` and `aws` commands (no AWS, no network):
 * it runs the migration task with the stage's outputs, waits, and exits with the container's code.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.join(__dirname, "../../scripts/migrate.sh");
const OUTPUTS = {
  cluster_name: { value: "faq-stg-cluster" },
  migration_task_definition_arn: { value: "arn:aws:ecs:eu-west-1:123456789012:task-definition/faq-stg-migrate:7" },
  migration_network_configuration: {
    value: { awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-web"], assignPublicIp: "DISABLED" } },
  },
  web_service_name: { value: "faq-stg-web" },
};

/** The new image in the synthesized stack (what the reviewed plan deploys) and the deployed revision's. */
const NEW_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/django-faq:new-tag";
const DEPLOYED = {
  taskDefinition: {
    taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/faq-stg-migrate:8",
    family: "faq-stg-migrate",
    revision: 8,
    status: "ACTIVE",
    registeredAt: "2026-12-01T00:00:00Z",
    compatibilities: ["EC2", "FARGATE"],
    requiresAttributes: [{ name: "ecs.capability.secrets.asm.environment-variables" }],
    executionRoleArn: "arn:aws:iam::123456789012:role/faq-stg-web-execution",
    containerDefinitions: [{ name: "migrate", image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/django-faq:old-tag", command: ["python", "manage.py", "migrate", "--noinput"] }],
  },
};

function run(args: string[], container: Record<string, unknown>, options: { deployed?: boolean } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-"));
  const bin = path.join(tmp, "bin");
  const stackDir = path.join(tmp, "out", "stacks", "staging");
  fs.mkdirSync(bin);
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(
    path.join(stackDir, "cdk.tf.json"),
    JSON.stringify({
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_ecs_task_definition: {
          web: { family: "faq-stg-web", container_definitions: JSON.stringify([{ name: "django", image: NEW_IMAGE }]) },
          migrate: { family: "faq-stg-migrate", container_definitions: JSON.stringify([{ name: "migrate", image: NEW_IMAGE }]) },
        },
      },
    }),
  );
  const registered = path.join(tmp, "registered.json");
  fs.writeFileSync(path.join(tmp, "deployed.json"), JSON.stringify(DEPLOYED));
  const calls = path.join(tmp, "calls.log");
  const task = { taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/faq-stg-cluster/abc123", stoppedReason: "Essential container in task exited", containers: [{ name: "migrate", ...container }] };
  fs.writeFileSync(path.join(bin, "terraform"), `#!/bin/sh\necho "terraform $*" >> ${calls}\necho '${JSON.stringify(OUTPUTS)}'\n`, { mode: 0o755 });
  fs.writeFileSync(
    path.join(bin, "aws"),
    `#!/bin/sh
echo "aws $* region=$AWS_REGION" >> ${calls}
case "$1 $2" in
  "ecs run-task") echo '${JSON.stringify({ tasks: [{ taskArn: task.taskArn }], failures: [] })}' ;;
  "ecs wait") exit 0 ;;
  "ecs describe-tasks") echo '${JSON.stringify({ tasks: [task] })}' ;;
  "ecs describe-task-definition")
    case "$*" in
      *awslogs-group*) echo "/faq-stg/web/migrate" ;;
      *--query*) echo "arn:aws:ecs:eu-west-1:123456789012:task-definition/faq-stg-migrate:8" ;;
      *) ${options.deployed === false ? 'echo "An error occurred (ClientException): Unable to describe task definition." >&2; exit 254' : `cat ${tmp}/deployed.json`} ;;
    esac ;;
  "ecs register-task-definition")
    shift 2; [ "$1" = "--cli-input-json" ] && printf '%s' "$2" > ${registered}
    echo "arn:aws:ecs:eu-west-1:123456789012:task-definition/faq-stg-migrate:9" ;;
  "logs tail") echo "Applying faq.0001_initial... OK" ;;
esac
`,
    { mode: 0o755 },
  );
  const result = spawnSync("bash", [SCRIPT, ...args], {
    env: { PATH: `${bin}:${process.env.PATH}`, CDKTF_OUTDIR: path.join(tmp, "out"), HOME: tmp },
    encoding: "utf8",
  });
  const log = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8") : "";
  const registration = fs.existsSync(registered) ? JSON.parse(fs.readFileSync(registered, "utf8")) : undefined;
  fs.rmSync(tmp, { recursive: true, force: true });
  return { ...result, calls: log, registration };
}

describe("scripts/migrate.sh", () => {
  it("runs the latest migration task revision with the stage's outputs and exits 0 when the migrations succeed", () => {
    const { status, calls, stdout } = run(["staging"], { exitCode: 0 });
    expect(status).toBe(0);
    expect(calls).toContain("output -json");
    const runTask = calls.split("\n").find((l) => l.startsWith("aws ecs run-task"))!;
    expect(runTask).toContain("--cluster faq-stg-cluster");
    // The output names revision 7; a targeted apply has just registered 8.
    expect(calls).toContain("aws ecs describe-task-definition --task-definition faq-stg-migrate --query taskDefinition.taskDefinitionArn");
    expect(runTask).toContain("--task-definition arn:aws:ecs:eu-west-1:123456789012:task-definition/faq-stg-migrate:8");
    expect(runTask).toContain("--launch-type FARGATE");
    expect(runTask).toContain(`--network-configuration ${JSON.stringify(OUTPUTS.migration_network_configuration.value)}`);
    expect(runTask).toContain("region=eu-west-1");
    expect(calls).toMatch(/aws ecs wait tasks-stopped --cluster faq-stg-cluster --tasks arn:aws:ecs:.*abc123/);
    expect(calls).toContain("--log-stream-names migrate/migrate/abc123");
    expect(stdout).toContain("Applying faq.0001_initial... OK");
  });

  it("--before-apply registers the deployed revision with the plan's image and runs that, before any apply", () => {
    const { status, calls, registration, stdout } = run(["staging", "--before-apply"], { exitCode: 0 });
    expect(status).toBe(0);
    // Everything as deployed, but the image of the synthesized (reviewed) configuration; no read-only fields.
    const { taskDefinitionArn, revision, status: _s, registeredAt, compatibilities, requiresAttributes, ...kept } = DEPLOYED.taskDefinition;
    expect(registration).toEqual({ ...kept, containerDefinitions: [{ ...kept.containerDefinitions[0], image: NEW_IMAGE }] });
    const runTask = calls.split("\n").find((l) => l.startsWith("aws ecs run-task"))!;
    expect(runTask).toContain("--task-definition arn:aws:ecs:eu-west-1:123456789012:task-definition/faq-stg-migrate:9");
    expect(stdout).toContain(`registered arn:aws:ecs:eu-west-1:123456789012:task-definition/faq-stg-migrate:9 with ${NEW_IMAGE}`);
    expect(calls).not.toContain("terraform apply");
  });

  it("--before-apply exits 10 and runs nothing on a stage's first deploy (no migration task definition yet)", () => {
    const { status, calls, stdout } = run(["staging", "--before-apply"], { exitCode: 0 }, { deployed: false });
    expect(status).toBe(10);
    expect(stdout).toContain("first deploy");
    expect(calls).not.toContain("run-task");
    expect(calls).not.toContain("register-task-definition");
  });

  it("refuses an unknown option", () => {
    expect(run(["staging", "--after"], { exitCode: 0 }).status).toBe(64);
  });

  it("exits with the container's exit code when a migration fails", () => {
    expect(run(["staging"], { exitCode: 3 }).status).toBe(3);
  });

  it("fails when the container never ran, saying why", () => {
    const { status, stderr } = run(["staging"], { reason: "ResourceInitializationError: unable to pull secrets" });
    expect(status).toBe(1);
    expect(stderr).toContain("the container never ran: Essential container in task exited ResourceInitializationError: unable to pull secrets");
  });

  it("fails when no stage is given or the stage was not synthesized", () => {
    expect(run([], { exitCode: 0 }).status).toBe(64);
    const missing = run(["qa"], { exitCode: 0 });
    expect(missing.status).toBe(66);
    expect(missing.stderr).toContain("no synthesized stack");
  });
});

/**
 * `npm run emulator-plan`: `terraform plan` of every synthesized stack against moto's server
 * mode, an AWS API emulator, on loopback (scripts/emulator-plan.sh runs this inside a network
 * namespace that has nothing but loopback, so no call can reach AWS). The provider binaries
 * are the validate mirror's (.tools/tf-mirror).
 *
 * Only a scratch copy of each stack is changed, and the run prints every change:
 * - the AWS provider's endpoints all point at the emulator, with test credentials;
 * - the S3 backend is dropped (state stays in the scratch folder);
 * - provider versions name the mirror's builds (as `npm run validate` does);
 * - the docker resources (the nginx image build and push) and the docker provider are left out:
 *   there is no Docker daemon here; references to the image become a placeholder name.
 *
 * `--apply` then applies each plan and plans again: the second plan must show no changes
 * (a perpetual diff is a defect every pull request would show). The emulator does not
 * implement every API; the report lists, per resource type, what applied and what failed.
 *
 * Usage (through scripts/emulator-plan.sh): node scripts/run-ts.js scripts/emulator-plan.ts [--apply] [stack ...]
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT as ROOT } from "../repo-root";
import { chooseProviders, cliConfig, mirrorBuilds } from "./validate";

/** AWS provider endpoint keys of every service our stacks call. */
export const ENDPOINT_SERVICES = [
  "acm", "applicationautoscaling", "backup", "budgets", "ce", "cloudtrail", "cloudwatch", "ec2", "ecr", "ecs", "efs",
  "elasticache", "elbv2", "events", "iam", "kms", "logs", "rds", "route53", "s3", "s3control", "scheduler",
  "secretsmanager", "servicediscovery", "sfn", "sns", "ssm", "sts", "wafv2",
] as const;

/** What stands in for the nginx image built by the docker provider. */
export const IMAGE_PLACEHOLDER = "emulator.invalid/nginx:not-built";

/** A change the scratch copy makes to a stack, printed with the run. */
export interface EmulatorChange {
  readonly what: string;
  readonly detail: string;
}

/**
 * Rewrites a synthesized stack (parsed cdk.tf.json) for the emulator at `endpoint`; returns the
 * new document and the list of changes. `providerVersions` maps provider names to the
 * versions to require (the mirror's builds).
 */
export function forEmulator(stack: any, endpoint: string, providerVersions: Record<string, string>): { stack: any; changes: EmulatorChange[] } {
  const changes: EmulatorChange[] = [];
  // Serialized references to the docker resources become the placeholder; then the resources go.
  let text = JSON.stringify(stack);
  let references = 0;
  text = text.replace(/\$\{docker_(image|registry_image)\.[^}]+\}/g, () => {
    references++;
    return IMAGE_PLACEHOLDER;
  });
  const out = JSON.parse(text);
  const dockerTypes = Object.keys(out.resource ?? {}).filter((t) => t.startsWith("docker_"));
  for (const t of dockerTypes) delete out.resource[t];
  const dropDependsOn = (node: any): void => {
    if (Array.isArray(node)) node.forEach(dropDependsOn);
    else if (node && typeof node === "object") {
      if (Array.isArray(node.depends_on)) node.depends_on = node.depends_on.filter((d: string) => !String(d).startsWith("docker_"));
      Object.values(node).forEach(dropDependsOn);
    }
  };
  dropDependsOn(out.resource);
  if (out.provider?.docker) {
    delete out.provider.docker;
    delete out.terraform.required_providers.docker;
    // The ECR token only logged the docker provider in.
    for (const name of Object.keys(out.ephemeral?.aws_ecr_authorization_token ?? {})) delete out.ephemeral.aws_ecr_authorization_token[name];
    if (out.ephemeral?.aws_ecr_authorization_token && Object.keys(out.ephemeral.aws_ecr_authorization_token).length === 0) delete out.ephemeral.aws_ecr_authorization_token;
  }
  if (dockerTypes.length) {
    changes.push({ what: "docker resources left out", detail: `${dockerTypes.join(", ")} (no Docker daemon); ${references} reference(s) to the image -> ${IMAGE_PLACEHOLDER}` });
  }
  if (out.terraform?.backend) {
    changes.push({ what: "backend", detail: `${Object.keys(out.terraform.backend).join(", ")} backend dropped: local state in the scratch folder` });
    delete out.terraform.backend;
  }
  for (const [name, version] of Object.entries(providerVersions)) {
    if (out.terraform?.required_providers?.[name]) out.terraform.required_providers[name].version = version;
  }
  const endpoints = Object.fromEntries(ENDPOINT_SERVICES.map((s) => [s, endpoint]));
  for (const provider of out.provider?.aws ?? []) {
    Object.assign(provider, {
      access_key: "emulator",
      secret_key: "emulator",
      skip_credentials_validation: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      s3_use_path_style: true,
      endpoints: [endpoints],
    });
  }
  changes.push({ what: "aws provider", detail: `every endpoint -> ${endpoint}, test credentials, path-style S3` });
  return { stack: out, changes };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function ready(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/moto-api/", timeout: 1000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) > 0);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

interface StackOutcome {
  readonly stack: string;
  readonly plan: "ok" | "failed";
  readonly planSummary: string;
  readonly apply?: "ok" | "failed" | "skipped";
  readonly secondPlan?: "no changes" | "changes" | "failed" | "skipped";
  readonly notes: string[];
}

function tf(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutSeconds: number) {
  return spawnSync("terraform", args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: timeoutSeconds * 1000 });
}

/** The errors of a failed Terraform run, one line each ("Error: summary (address)"), at most `max`. */
function errorLines(output: string, max = 30): string[] {
  const lines = output.split("\n");
  const found: string[] = [];
  for (let i = 0; i < lines.length && found.length < max; i++) {
    const m = /Error: (.*)/.exec(lines[i]);
    if (!m) continue;
    const withLine = lines.slice(i + 1, i + 6).find((l) => /with (\S+),/.test(l));
    const address = withLine ? /with (\S+),/.exec(withLine)![1] : "";
    found.push(`${m[1]}${address ? ` (${address})` : ""}`);
  }
  return found;
}

/** Runs the emulator plan (and with --apply, apply and a second plan); returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const apply = args.includes("--apply");
  const only = args.filter((a) => !a.startsWith("--"));
  const stacksDir = path.join(process.env.CDKTF_OUTDIR ?? path.join(ROOT, "cdktf.out"), "stacks");
  const mirror = path.join(ROOT, ".tools/tf-mirror");
  const stacks = (fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir) : [])
    .filter((s) => fs.existsSync(path.join(stacksDir, s, "cdk.tf.json")) && (only.length === 0 || only.includes(s)))
    .sort();
  if (stacks.length === 0) {
    process.stderr.write(`emulator-plan: no synthesized stack in ${stacksDir}: checked nothing\n`);
    return 2;
  }
  const motoServer = path.join(ROOT, ".tools/py/moto/bin/moto_server");
  if (!fs.existsSync(motoServer)) throw new Error("emulator-plan: moto is missing: run bash scripts/python-env.sh moto");
  const builds = mirrorBuilds(mirror);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-plan-"));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const motoLog = fs.openSync(path.join(work, "moto.log"), "a");
  const moto: ChildProcess = spawn(motoServer, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", motoLog, motoLog] });
  const outcomes: StackOutcome[] = [];
  try {
    const until = Date.now() + 30_000;
    while (!(await ready(port))) {
      if (Date.now() > until || moto.exitCode !== null) throw new Error(`emulator-plan: moto did not start:\n${fs.readFileSync(path.join(work, "moto.log"), "utf8").slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const stack of stacks) {
      const dir = path.join(work, stack);
      fs.mkdirSync(dir);
      const original = JSON.parse(fs.readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8"));
      const requiredAws = Object.fromEntries(
        Object.entries(original.terraform?.required_providers ?? {}).filter(([name]) => name !== "docker"),
      ) as Record<string, { source?: string; version?: string }>;
      const versions = Object.fromEntries(chooseProviders(requiredAws, builds).map((p) => [p.name, p.used]));
      const { stack: rewritten, changes } = forEmulator(original, endpoint, versions);
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(rewritten, null, 2));
      fs.writeFileSync(path.join(dir, "cli.tfrc"), cliConfig(mirror));
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        TF_CLI_CONFIG_FILE: path.join(dir, "cli.tfrc"),
        CHECKPOINT_DISABLE: "1",
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        AWS_EC2_METADATA_DISABLED: "true",
      };
      process.stdout.write(`emulator-plan ${stack}: ${changes.map((c) => `${c.what}: ${c.detail}`).join("; ")}\n`);
      const init = tf(["init", "-input=false", "-no-color"], dir, env, 300);
      if (init.status !== 0) throw new Error(`emulator-plan ${stack}: terraform init failed:\n${init.stdout}${init.stderr}`);
      const started = Date.now();
      const plan = tf(["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.out"], dir, env, 900);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const summary = /Plan: .*|No changes\..*/.exec(plan.stdout)?.[0] ?? "";
      if (plan.status !== 0) {
        const errors = errorLines(`${plan.stdout}\n${plan.stderr}`);
        process.stdout.write(`emulator-plan ${stack}: plan FAILED in ${seconds} s:\n${errors.map((e) => `  Error: ${e}`).join("\n") || plan.stderr.slice(-3000)}\n`);
        outcomes.push({ stack, plan: "failed", planSummary: "", notes: errors });
        continue;
      }
      process.stdout.write(`emulator-plan ${stack}: plan ok in ${seconds} s: ${summary}\n`);
      if (!apply) {
        outcomes.push({ stack, plan: "ok", planSummary: summary, notes: [] });
        continue;
      }
      // Some waits never end against an emulator (a certificate that is never issued): bounded.
      const applyTimeout = Number(process.env.EMULATOR_APPLY_TIMEOUT_SECONDS ?? 600);
      const applied = tf(["apply", "-input=false", "-no-color", "-lock=false", "-parallelism=8", "plan.out"], dir, env, applyTimeout);
      const applyOutput = `${applied.stdout ?? ""}\n${applied.stderr ?? ""}`;
      const applyErrors = applied.status === 0 ? [] : errorLines(applyOutput, 200);
      const created = (applyOutput.match(/: Creation complete after/g) ?? []).length;
      const timedOut = applied.error !== undefined || applied.signal !== null;
      const pending = timedOut
        ? [...new Set([...applyOutput.matchAll(/^(\S+): Still creating\.\.\./gm)].map((m) => m[1]))].filter((a) => !applyOutput.includes(`${a}: Creation complete`))
        : [];
      process.stdout.write(
        `emulator-plan ${stack}: apply ${applied.status === 0 ? "ok" : timedOut ? `TIMED OUT after ${applyTimeout} s` : "FAILED"} ` +
          `(${created} created${applyErrors.length ? `, ${applyErrors.length} error(s)` : ""}${pending.length ? `, still creating: ${pending.join(", ")}` : ""})\n`,
      );
      for (const e of applyErrors) process.stdout.write(`  Error: ${e}\n`);
      const second = tf(["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"], dir, env, 900);
      const secondState = second.status === 0 ? "no changes" : second.status === 2 ? "changes" : "failed";
      const secondSummary = /Plan: .*|No changes\..*/.exec(second.stdout)?.[0] ?? "";
      const drift = second.status === 2 ? second.stdout.split("\n").filter((l) => /^  # .* (will|must) be /.test(l)).map((l) => l.trim()) : [];
      process.stdout.write(`emulator-plan ${stack}: second plan: ${secondState}${secondSummary ? ` (${secondSummary})` : ""}\n${drift.map((d) => `  ${d}\n`).join("")}`);
      outcomes.push({ stack, plan: "ok", planSummary: summary, apply: applied.status === 0 ? "ok" : "failed", secondPlan: secondState, notes: [...applyErrors, ...drift] });
    }
  } finally {
    moto.kill("SIGTERM");
    fs.closeSync(motoLog);
    if (!process.env.EMULATOR_KEEP) fs.rmSync(work, { recursive: true, force: true });
    else process.stdout.write(`emulator-plan: kept ${work}\n`);
  }
  const failedPlans = outcomes.filter((o) => o.plan !== "ok").map((o) => o.stack);
  process.stdout.write(
    failedPlans.length ? `emulator-plan: plan FAILED for ${failedPlans.join(", ")}\n` : `emulator-plan: all ${outcomes.length} stacks planned against the emulator\n`,
  );
  return failedPlans.length ? 1 : 0;
}

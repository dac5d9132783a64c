/**
 * `npm run validate`: asks Terraform and the real provider binaries whether every synthesized
 * stack is valid. For each cdktf.out/stacks/<stack>/cdk.tf.json it makes a scratch copy whose
 * provider versions name the builds in the local filesystem mirror (.tools/tf-mirror, built by
 * scripts/validate/build-providers.sh), runs `terraform init -backend=false` with a CLI config
 * that allows that mirror only (no registry is contacted), then `terraform validate`.
 *
 * Prints, per stack, which provider version validated it and whether that differs from the
 * version the stack pins; on an invalid stack, Terraform's own diagnostics. Exits 1 when any
 * stack is invalid, 2 when it could check nothing (no stacks, no terraform, no matching build).
 *
 * Usage: node scripts/run-ts.js scripts/validate.ts [--stacks-dir DIR] [--mirror DIR] [stack ...]
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT as ROOT } from "../repo-root";

/** A provider build in the mirror: registry.terraform.io/<namespace>/<type>/<version>/<os>_<arch>/. */
export interface MirrorBuild {
  readonly source: string; // namespace/type
  readonly version: string;
}

/** The builds a filesystem mirror holds for this platform. */
export function mirrorBuilds(mirror: string, platform = `${os.platform()}_${os.arch() === "x64" ? "amd64" : os.arch()}`): MirrorBuild[] {
  const host = path.join(mirror, "registry.terraform.io");
  if (!fs.existsSync(host)) return [];
  const builds: MirrorBuild[] = [];
  for (const ns of fs.readdirSync(host)) {
    for (const type of fs.readdirSync(path.join(host, ns))) {
      for (const version of fs.readdirSync(path.join(host, ns, type))) {
        const dir = path.join(host, ns, type, version, platform);
        if (fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith(`terraform-provider-${type}`))) builds.push({ source: `${ns}/${type}`, version });
      }
    }
  }
  return builds;
}

const semver = (v: string) => v.split(".").map((n) => parseInt(n, 10));
const newer = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

/** Provider source as Terraform resolves it: "aws" means hashicorp/aws. */
export function fullSource(source: string): string {
  return source.includes("/") ? source.replace(/^registry\.terraform\.io\//, "") : `hashicorp/${source}`;
}

/** One provider a stack requires and the build that validates it. */
export interface ProviderChoice {
  readonly name: string;
  readonly source: string;
  readonly pinned: string;
  readonly used: string;
  /** No build of the pinned major version was available: validated with another major (its schema may differ). */
  readonly otherMajor: boolean;
}

/**
 * Chooses, for every provider the stack requires, the newest mirror build of the same major
 * version as the stack's pin; when the mirror has none of that major, the newest build of
 * another, flagged (a different major may have a different schema: the report says so);
 * throws naming the provider when the mirror has no build of it at all.
 */
export function chooseProviders(requiredProviders: Record<string, { source?: string; version?: string }>, builds: readonly MirrorBuild[]): ProviderChoice[] {
  return Object.entries(requiredProviders).map(([name, req]) => {
    const source = fullSource(req.source ?? name);
    const pinned = (req.version ?? "").replace(/^[=~>< ]+/, "");
    const major = semver(pinned)[0];
    const all = builds.filter((b) => b.source === source);
    if (all.length === 0) {
      throw new Error(`no build of ${source} in the mirror for provider "${name}" (pinned ${req.version ?? "(none)"}): run bash scripts/validate/build-providers.sh`);
    }
    const sameMajor = all.filter((b) => semver(b.version)[0] === major);
    const candidates = sameMajor.length ? sameMajor : all;
    const used = candidates.reduce((best, b) => (newer(b.version, best.version) ? b : best)).version;
    return { name, source, pinned: req.version ?? "", used, otherMajor: sameMajor.length === 0 };
  });
}

/** A Terraform diagnostic as `terraform validate -json` reports it. */
interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number } };
  snippet?: { context?: string; code?: string };
}

/** The CLI configuration that installs providers from the mirror only. */
export function cliConfig(mirror: string): string {
  return `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`;
}

export interface StackResult {
  readonly stack: string;
  readonly valid: boolean;
  readonly resources: number;
  readonly providers: ProviderChoice[];
  readonly diagnostics: Diagnostic[];
  readonly seconds: number;
  /** init's output when it failed (then there are no diagnostics). */
  readonly initError?: string;
}

/** Validates one synthesized stack (cdk.tf.json) in a scratch directory. */
export function validateStack(stack: string, file: string, mirror: string, builds: readonly MirrorBuild[], terraform = "terraform"): StackResult {
  const started = Date.now();
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  const providers = chooseProviders(json.terraform?.required_providers ?? {}, builds);
  for (const p of providers) json.terraform.required_providers[p.name].version = p.used;
  const resources = Object.values(json.resource ?? {}).reduce((n: number, byName) => n + Object.keys(byName as object).length, 0);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `validate-${stack}-`));
  try {
    fs.writeFileSync(path.join(scratch, "cdk.tf.json"), JSON.stringify(json, null, 2));
    fs.writeFileSync(path.join(scratch, "cli.tfrc"), cliConfig(mirror));
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: path.join(scratch, "cli.tfrc"), CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
    delete env.TF_PLUGIN_CACHE_DIR;
    const init = spawnSync(terraform, ["init", "-backend=false", "-input=false", "-no-color"], { cwd: scratch, env, encoding: "utf8" });
    if (init.error) throw new Error(`cannot run ${terraform}: ${init.error.message}`);
    if (init.status !== 0) {
      return { stack, valid: false, resources, providers, diagnostics: [], seconds: (Date.now() - started) / 1000, initError: `${init.stdout}${init.stderr}` };
    }
    const run = spawnSync(terraform, ["validate", "-json", "-no-color"], { cwd: scratch, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    let report: { valid: boolean; diagnostics: Diagnostic[] };
    try {
      report = JSON.parse(run.stdout);
    } catch {
      throw new Error(`terraform validate printed no JSON for ${stack} (exit ${run.status}):\n${run.stdout}${run.stderr}`);
    }
    return { stack, valid: report.valid && run.status === 0, resources, providers, diagnostics: report.diagnostics ?? [], seconds: (Date.now() - started) / 1000 };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** One line per stack, then Terraform's diagnostics. */
export function formatResult(r: StackResult): string {
  const versions = r.providers
    .map(
      (p) =>
        `${p.source} ${p.used}` +
        (p.used === p.pinned ? "" : p.otherMajor ? ` (WARNING: the stack pins ${p.pinned}; no ${p.pinned.split(".")[0]}.x build here, so another major validated it)` : ` (the stack pins ${p.pinned})`),
    )
    .join(", ");
  const lines = [`validate ${r.stack}: ${r.valid ? "valid" : "INVALID"}, ${r.resources} resources, with ${versions}, ${r.seconds.toFixed(1)} s`];
  if (r.initError) lines.push(`  terraform init failed:\n${r.initError.replace(/^/gm, "    ")}`);
  for (const d of r.diagnostics) {
    const where = d.range ? ` (${d.address ?? ""}${d.address ? ", " : ""}${d.range.filename} line ${d.range.start.line})` : "";
    lines.push(`  ${d.severity}: ${d.summary}${where}`);
    if (d.detail) lines.push(`    ${d.detail.replace(/\n/g, "\n    ")}`);
    if (d.snippet?.code) lines.push(`    ${d.snippet.context ? `in ${d.snippet.context}: ` : ""}${d.snippet.code.trim()}`);
  }
  return lines.join("\n");
}

/** Validates the stacks named in args (all by default); returns the exit code. */
export function main(args: string[]): number {
  let stacksDir = path.join(process.env.CDKTF_OUTDIR ?? path.join(ROOT, "cdktf.out"), "stacks");
  let mirror = path.join(ROOT, ".tools/tf-mirror");
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--stacks-dir") stacksDir = path.resolve(args[++i] ?? "");
    else if (args[i] === "--mirror") mirror = path.resolve(args[++i] ?? "");
    else if (args[i].startsWith("--")) {
      process.stderr.write(`validate: unknown option ${args[i]}\n`);
      return 2;
    } else only.push(args[i]);
  }
  const stacks = fs.existsSync(stacksDir)
    ? fs.readdirSync(stacksDir).filter((s) => fs.existsSync(path.join(stacksDir, s, "cdk.tf.json")) && (only.length === 0 || only.includes(s)))
    : [];
  if (stacks.length === 0) {
    process.stderr.write(`validate: no synthesized stack${only.length ? ` named ${only.join(", ")}` : ""} in ${stacksDir}: checked nothing\n`);
    return 2;
  }
  const builds = mirrorBuilds(mirror);
  let invalid = 0;
  for (const stack of stacks.sort()) {
    let result: StackResult;
    try {
      result = validateStack(stack, path.join(stacksDir, stack, "cdk.tf.json"), mirror, builds);
    } catch (error) {
      process.stderr.write(`validate ${stack}: ${(error as Error).message}\n`);
      return 2;
    }
    process.stdout.write(`${formatResult(result)}\n`);
    if (!result.valid) invalid++;
  }
  process.stdout.write(invalid ? `validate: ${invalid} of ${stacks.length} stacks INVALID\n` : `validate: all ${stacks.length} stacks valid\n`);
  return invalid ? 1 : 0;
}

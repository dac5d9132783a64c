/**
 * The non-shell half of `npm run scan` (scripts/scan.sh runs the scanners, then cli.ts calls this):
 * reads each stack's checkov and tflint JSON output, matches the findings against the
 * allowlist, prints the summary table, and sets the exit code.
 *
 * Usage: node scripts/run-ts.js scripts/scan/cli.ts --stacks cdktf.out/stacks \
 *          --results .tools/scan-results --allowlist scan-allowlist.json [--tools checkov,tflint] \
 *          [--not-run <check prefix>]... [--note text]...
 *
 * --not-run aws_ says the rules whose ids start with aws_ did not run (the tflint AWS ruleset
 * could not be installed), so allowlist entries for them are not reported as stale.
 * Reads <results>/checkov-<stack>.json and <results>/tflint-<stack>.json for every stack
 * folder under --stacks. Exit code: 0 when every finding is allowlisted and every entry still
 * matches one; 1 on a finding not allowlisted, a stale entry, a scanner error, a checkov parse
 * error or a stack where checkov passed no check (it checked nothing); 2 when the allowlist
 * itself is invalid.
 */
import * as fs from "fs";
import * as path from "path";
import { AllowlistError, defaultToolOf, parseAllowlist, triage } from "./allowlist";
import { parseCheckov, parseTflint, type ScanFinding } from "./findings";
import { countsByStage, details, table } from "./summary";

interface Options {
  stacks: string;
  results: string;
  allowlist: string;
  tools: ScanFinding["tool"][];
  notes: string[];
  notRun: string[];
}

function options(argv: readonly string[]): Options {
  const o: Options = { stacks: "cdktf.out/stacks", results: ".tools/scan-results", allowlist: "scan-allowlist.json", tools: ["checkov", "tflint"], notes: [], notRun: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag}: needs a value`);
    if (flag === "--stacks") o.stacks = value;
    else if (flag === "--results") o.results = value;
    else if (flag === "--allowlist") o.allowlist = value;
    else if (flag === "--tools") o.tools = value.split(",").filter(Boolean) as ScanFinding["tool"][];
    else if (flag === "--note") o.notes.push(value);
    else if (flag === "--not-run") o.notRun.push(value);
    else throw new Error(`${flag}: unknown option`);
  }
  return o;
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Runs the comparison; returns the exit code. */
export function main(argv: readonly string[], log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  const o = options(argv);
  const stages = fs
    .readdirSync(o.stacks)
    .filter((s) => fs.existsSync(path.join(o.stacks, s, "cdk.tf.json")))
    .sort();
  let entries;
  try {
    entries = parseAllowlist(readJson(o.allowlist), stages);
  } catch (error) {
    if (error instanceof AllowlistError) {
      log(`${o.allowlist}: ${error.message}`);
      return 2;
    }
    throw error;
  }

  const findings: ScanFinding[] = [];
  const passed: Record<string, number> = {};
  const toolErrors: string[] = [];
  for (const stage of stages) {
    const stackFile = path.join(o.stacks, stage, "cdk.tf.json");
    const text = fs.readFileSync(stackFile, "utf8");
    const stack = JSON.parse(text);
    for (const tool of o.tools) {
      const file = path.join(o.results, `${tool}-${stage}.json`);
      if (!fs.existsSync(file)) {
        toolErrors.push(`${tool} [${stage}]: no results at ${file}`);
        continue;
      }
      let output: unknown;
      try {
        output = readJson(file);
      } catch {
        toolErrors.push(`${tool} [${stage}]: ${file} is not JSON (did the scanner crash? see .tools/logs/)`);
        continue;
      }
      if (tool === "checkov") {
        const result = parseCheckov(output, stage, stack);
        passed[stage] = result.passed;
        findings.push(...result.failed);
        // checkov exits 0 after a parse error and reports nothing for what it could not read.
        if (result.parsingErrors > 0) toolErrors.push(`checkov [${stage}]: ${result.parsingErrors} parsing error(s) (see .tools/logs/checkov-${stage}.log)`);
        if (result.passed === 0) toolErrors.push(`checkov [${stage}]: 0 passed checks: it checked nothing in ${stackFile}`);
      } else {
        const result = parseTflint(output, stage, stack, text);
        findings.push(...result.findings);
        toolErrors.push(...result.errors.map((e) => `tflint [${stage}]: ${e}`));
      }
    }
  }

  const t = triage(
    findings,
    entries,
    (e) =>
      (e.stage === "all" || stages.includes(e.stage)) &&
      o.tools.includes(defaultToolOf(e.check)) &&
      !o.notRun.some((prefix) => e.check.startsWith(prefix)),
  );
  log(table(countsByStage(stages, passed, t)));
  for (const line of [...details(t), ...toolErrors.map((e) => `scanner error: ${e}`), ...o.notes.map((n) => `note: ${n}`)]) log(line);
  // A stale entry would silently allow a finding that comes back later: it must go when it stops matching.
  const ok = t.unallowed.length === 0 && toolErrors.length === 0 && t.stale.length === 0;
  log(
    `scan: ${ok ? "OK" : "FAILED"} (${t.unallowed.length} finding(s) not allowlisted, ${t.allowed.length} allowlisted, ` +
      `${t.stale.length} stale entr${t.stale.length === 1 ? "y" : "ies"}, ${toolErrors.length} scanner error(s))`,
  );
  if (t.stale.length > 0) log(`Remove the stale entries from ${o.allowlist} (the finding they allowed is gone), or fix what they should match.`);
  if (!ok && t.unallowed.length > 0) {
    log(`Fix the resources, or add an entry to ${o.allowlist} with check, resource, stage and a reason (a full sentence): see docs/guardrails.md.`);
  }
  return ok ? 0 : 1;
}

/**
 * Arguments, file reading and exit codes of the plan risk report, as a function of
 * its inputs (argv and a file reader) so tests can run it without a process.
 *
 * @example
 * const result = runPlanReport(["plan.json", "--strict"], (p) => fs.readFileSync(p, "utf8"));
 * // result.stdout: the Markdown report; result.stderr: errors; result.exitCode: see EXIT_CODES
 */
import { parseArgs } from "util";
import { parsePlan, PlanInputError, renderReport, strictViolations, summarizePlan } from "./report";

/** Exit codes of `npm run plan-report`. */
export const EXIT_CODES = {
  /** The report was printed and nothing blocks the plan. */
  ok: 0,
  /** Bad usage or unreadable input (missing file, not JSON, not a plan). */
  badInput: 2,
  /** `--strict` and a stateful resource would be replaced or deleted (the report is still printed). */
  blocked: 3,
} as const;

export const USAGE =
  "usage: npm run plan-report -- <plan.json> [--strict] [--allow-destroy] [--stage <name>]\n" +
  "  <plan.json>       output of `terraform show -json plan.out`\n" +
  "  --strict          exit 3 when a stateful resource would be replaced or deleted\n" +
  "  --allow-destroy   with --strict: report such changes but do not fail on them\n" +
  "  --stage <name>    stage name for the report's heading\n";

/** What a run printed and how it ended. */
export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
}

/** Reads a file as UTF-8 text; throws Node's error (with `code`) when it cannot. */
export type ReadFile = (path: string) => string;

/** Runs the report for `argv` (the arguments after the script name). */
export function runPlanReport(argv: readonly string[], readFile: ReadFile): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        strict: { type: "boolean", default: false },
        "allow-destroy": { type: "boolean", default: false },
        stage: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    return { stdout: "", stderr: `plan-report: ${(error as Error).message}\n${USAGE}`, exitCode: EXIT_CODES.badInput };
  }
  if (parsed.values.help) return { stdout: USAGE, stderr: "", exitCode: EXIT_CODES.ok };
  if (parsed.positionals.length !== 1) {
    const got = parsed.positionals.length === 0 ? "no plan file" : `${parsed.positionals.length} files`;
    return { stdout: "", stderr: `plan-report: expected one plan file, got ${got}\n${USAGE}`, exitCode: EXIT_CODES.badInput };
  }
  const file = parsed.positionals[0];

  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const why =
      err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a directory, not a file" : err.message;
    return { stdout: "", stderr: `plan-report: cannot read plan file ${file}: ${why}\n`, exitCode: EXIT_CODES.badInput };
  }

  let summary;
  try {
    summary = summarizePlan(parsePlan(text, file));
  } catch (error) {
    if (!(error instanceof PlanInputError)) throw error;
    return { stdout: "", stderr: `plan-report: ${error.message}\n`, exitCode: EXIT_CODES.badInput };
  }

  const options = { stage: parsed.values.stage, strict: parsed.values.strict, allowDestroy: parsed.values["allow-destroy"] };
  const report = renderReport(summary, options);
  const violations = strictViolations(summary, options);
  if (violations.length > 0) {
    const list = violations.map((c) => `  - ${c.kind} ${c.address}`).join("\n");
    return {
      stdout: report,
      stderr:
        `plan-report: --strict: ${violations.length} stateful resource(s) would be replaced or deleted:\n${list}\n` +
        "Re-run with --allow-destroy (the deploy workflow's allow_destroy input) if this is intended.\n",
      exitCode: EXIT_CODES.blocked,
    };
  }
  return { stdout: report, stderr: "", exitCode: EXIT_CODES.ok };
}

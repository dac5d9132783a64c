/**
 * Plan risk report CLI: `npm run plan-report -- <plan.json> [--strict] [--allow-destroy] [--stage <name>]`.
 *
 * Prints a Markdown summary of a saved plan's JSON (`terraform show -json plan.out`):
 * counts per resource type, every replace and delete, and a warning block for
 * stateful resources. Exit codes: 0 fine, 2 bad usage or input, 3 blocked by --strict.
 * Logic in scripts/plan-report/ (report.ts: pure; cli.ts: arguments and exit codes).
 */
import * as fs from "fs";
import { runPlanReport } from "./plan-report/cli";

const result = runPlanReport(process.argv.slice(2), (file) => fs.readFileSync(file, "utf8"));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;

/**
 * Reads the validated stage configuration for the workflows, so they take the
 * stage list, the promotion order, the approval gates, the role variables, the
 * region or the health-check path from config/stages.ts instead of repeating them.
 *
 * Usage: node scripts/run-ts.js scripts/stage-config.ts --matrix
 *          prints the delivery matrix as one line of JSON (scripts/stage-config/matrix.ts)
 *        node scripts/run-ts.js scripts/stage-config.ts <stage> <dotted.path>
 *          prints one value, e.g. `... production region` prints eu-west-1
 *        node scripts/run-ts.js scripts/stage-config.ts <stage>
 *          prints the stage's web capacity, scale-out and rollback times (scripts/stage-config/capacity.ts)
 *          and its expected monthly cost with its breakdown (scripts/stage-config/cost.ts)
 * Exit 2 for bad usage, an unknown stage or path, or an invalid configuration
 * (the message lists every problem, as `npm run synth` does).
 */
import { ConfigError, loadStages } from "../config/load";
import { stages } from "../config/stages";
import { formatCapacity } from "./stage-config/capacity";
import { estimateMonthlyCost, formatEstimate } from "./stage-config/cost";
import { deliveryMatrix } from "./stage-config/matrix";
import { stageValue } from "./stage-config/value";

const USAGE = "usage: node scripts/run-ts.js scripts/stage-config.ts --matrix | <stage> [<dotted.path>]\n";

function run(args: readonly string[]): number {
  if (args.length === 1 && args[0] === "--matrix") {
    process.stdout.write(`${JSON.stringify(deliveryMatrix(loadStages(stages)))}\n`);
    return 0;
  }
  if (args.length === 1 && !args[0].startsWith("--")) {
    const stage = loadStages(stages).find((s) => s.name === args[0]);
    if (!stage) {
      process.stderr.write(`stage-config: unknown stage ${JSON.stringify(args[0])} (configured: ${Object.keys(stages).join(", ")})\n`);
      return 2;
    }
    process.stdout.write(formatCapacity(stage));
    process.stdout.write("\n");
    process.stdout.write(formatEstimate(stage, estimateMonthlyCost(stage, new Date())));
    return 0;
  }
  const [stageName, dottedPath, ...rest] = args;
  if (!stageName || !dottedPath || rest.length > 0 || stageName.startsWith("--")) {
    process.stderr.write(USAGE);
    return 2;
  }
  const result = stageValue(stages, stageName, dottedPath);
  if ("error" in result) {
    process.stderr.write(`stage-config: ${result.error}\n`);
    return 2;
  }
  process.stdout.write(`${result.value}\n`);
  return 0;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`stage-config: ${error.message}\n`);
  process.exitCode = 2;
}

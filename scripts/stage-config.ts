/**
 * Prints one value of a stage's validated configuration, so workflows read the
 * region or the health-check path from config/stages.ts instead of repeating them.
 *
 * Usage: node scripts/run-ts.js scripts/stage-config.ts <stage> <dotted.path>
 *   e.g. `... production region` prints eu-west-1; `... staging web.healthCheck.path` prints /health/
 * Exit 2 for bad usage, an unknown stage or an unknown path.
 */
import { stages } from "../config/stages";
import { stageValue } from "./stage-config/value";

const [stageName, dottedPath, ...rest] = process.argv.slice(2);
if (!stageName || !dottedPath || rest.length > 0) {
  process.stderr.write("usage: node scripts/run-ts.js scripts/stage-config.ts <stage> <dotted.path>\n");
  process.exitCode = 2;
} else {
  const result = stageValue(stages, stageName, dottedPath);
  if ("error" in result) {
    process.stderr.write(`stage-config: ${result.error}\n`);
    process.exitCode = 2;
  } else {
    process.stdout.write(`${result.value}\n`);
  }
}

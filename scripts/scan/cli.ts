/**
 * Entry point of the scan comparison (see compare.ts for the options):
 *   node scripts/run-ts.js scripts/scan/cli.ts --stacks cdktf.out/stacks --results .tools/scan-results --allowlist scan-allowlist.json
 */
import { main } from "./compare";

process.exitCode = main(process.argv.slice(2));

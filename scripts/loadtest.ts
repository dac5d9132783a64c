/**
 * Entry point of `npm run loadtest -- <stage> [options]` (scripts/loadtest.sh runs it inside a
 * loopback-only network namespace); the harness is scripts/loadtest/harness.ts.
 */
import { ConfigError } from "../config/load";
import { main } from "./loadtest/harness";

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`${error instanceof ConfigError ? `loadtest: ${error.message}` : (error as Error).message}\n`);
    process.exitCode = 2;
  },
);

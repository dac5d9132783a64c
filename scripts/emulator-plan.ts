/** Entry point of `npm run emulator-plan` (scripts/emulator-plan.sh); the logic is scripts/validate/emulator.ts. */
import { main } from "./validate/emulator";

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);

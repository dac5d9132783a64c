/**
 * Entry point of `npm run validate` (scripts/validate.sh): validates every synthesized stack
 * (scripts/validate/validate.ts); with --selftest, then proves it fails on a bogus argument
 * (scripts/validate/selftest.ts).
 */
import * as path from "path";
import { REPO_ROOT as ROOT } from "./repo-root";
import { main } from "./validate/validate";
import { selftest } from "./validate/selftest";

const args = process.argv.slice(2);
const withSelftest = args.includes("--selftest");
let code = main(args.filter((a) => a !== "--selftest"));
if (code === 0 && withSelftest) {
  const i = args.indexOf("--mirror");
  code = selftest(i >= 0 ? path.resolve(args[i + 1]) : path.join(ROOT, ".tools/tf-mirror"));
}
process.exitCode = code;

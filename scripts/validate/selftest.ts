/**
 * Proves `npm run validate` can fail: synthesizes the staging stage into a scratch folder with
 * one construct emitting an argument the AWS provider does not have (the web service's
 * `no_such_argument`), validates that stack the same way, and succeeds only when Terraform
 * rejects it with its own message. Writes nothing outside the scratch folder.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { loadStages } from "../../config/load";
import { stages } from "../../config/stages";
import { StageStack } from "../../stacks/stage-stack";
import { TARGET_VERSIONS_CONTEXT } from "../../stacks/terraform-version";
import { formatResult, mirrorBuilds, validateStack } from "./validate";

/** The argument the scratch construct emits, and what Terraform must say about it. */
export const BOGUS_ARGUMENT = "no_such_argument";
// What Terraform says of an unknown argument in JSON configuration.
export const EXPECTED_MESSAGE = `No argument or block type is named "${BOGUS_ARGUMENT}".`;

/** Returns the exit code: 0 when validate rejected the bogus argument with Terraform's message. */
export function selftest(mirror: string): number {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "validate-selftest-"));
  try {
    const stage = loadStages(stages).find((s) => s.name === "staging");
    if (!stage) throw new Error("validate selftest: no staging stage configured");
    const app = new App({ outdir: scratch, stackTraces: false, context: { ...TARGET_VERSIONS_CONTEXT } });
    const stack = new StageStack(app, stage.name, { stage });
    stack.web.service.addOverride(BOGUS_ARGUMENT, true);
    app.synth();
    const result = validateStack("staging (web service emits no_such_argument)", path.join(scratch, "stacks", stage.name, "cdk.tf.json"), mirror, mirrorBuilds(mirror));
    process.stdout.write(`${formatResult(result)}\n`);
    const caught = !result.valid && result.diagnostics.some((d) => d.severity === "error" && (d.detail ?? "").includes(EXPECTED_MESSAGE));
    process.stdout.write(
      caught
        ? `validate selftest: ok, Terraform rejected the bogus argument: "${EXPECTED_MESSAGE}"\n`
        : `validate selftest: FAILED, validate did not reject ${BOGUS_ARGUMENT} with "${EXPECTED_MESSAGE}"\n`,
    );
    return caught ? 0 : 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

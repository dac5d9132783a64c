/**
 * Jest global setup: synthesizes every configured stage once, before the test
 * files run, and leaves the JSON where helpers/stages.ts `synthStage` reads it.
 * A dozen test files assert on the same two stacks; synthesizing them once
 * instead of in each file is most of the suite's time saved.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { buildStageStack, SYNTH_CACHE_ENV, validStages } from "./stages";

export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stage-synth-"));
  for (const stage of validStages()) {
    fs.writeFileSync(path.join(dir, `${stage.name}.json`), Testing.synth(buildStageStack(stage)));
  }
  // Workers inherit the environment of the process that ran the global setup.
  process.env[SYNTH_CACHE_ENV] = dir;
}

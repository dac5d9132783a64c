/**
 * Builds the whole app (the state bootstrap stack and one stack per stage) and
 * synthesizes it so that nothing reaches the output folder unless every stage is
 * valid: config errors are thrown before any construct exists, and the stacks are
 * synthesized into a scratch folder that is copied over the output folder only
 * when synthesis succeeded and every stack passed the policy pack (checks/).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { ConfigError, loadStages, PLACEHOLDER_APP_IMAGE, type Stage } from "../config/load";
import { checkSynthesizedStacks, PolicyViolationError, summarize, type PackReport } from "../checks/pack";
import type { StageContext } from "../checks/types";
import { StageStack } from "./stage-stack";
import { StateBootstrapStack } from "./state-bootstrap-stack";
import { TARGET_VERSIONS_CONTEXT } from "./terraform-version";

/** Name of the stack that creates the state buckets. */
export const BOOTSTRAP_STACK = "state-bootstrap";

/** Adds every stack to `app`: the state bootstrap, then one StageStack per stage (named after it). */
export function buildApp(app: App, stages: readonly Stage[]): StageStack[] {
  new StateBootstrapStack(app, BOOTSTRAP_STACK, { stages });
  return stages.map((stage) => new StageStack(app, stage.name, { stage }));
}

/** What a synthesis wrote. */
export interface SynthResult {
  /** Stack names, in order. */
  readonly stacks: string[];
  /** The output folder. */
  readonly outdir: string;
  /** What the policy pack found in each stack (no violations: those throw). */
  readonly policy: PackReport[];
}

/**
 * The stage a synthesized stack is checked as: its Stage when it is one; any other
 * stack (the state bootstrap, which holds every stage's state) is checked as production.
 */
export function policyStageOf(stages: readonly Stage[], stackName: string): StageContext {
  const stage = stages.find((s) => s.name === stackName);
  return stage ? { name: stage.name, production: stage.production } : { name: stackName, production: true };
}

/**
 * Synthesizes every stage into `outdir` (the folder `cdktf` reads), all or nothing:
 * the policy pack runs on each stack in the scratch folder, and a violation throws
 * PolicyViolationError before anything is copied.
 * `build` defaults to buildApp; tests pass their own to synthesize a broken construct.
 */
export function synthesize(
  stages: readonly Stage[],
  outdir: string,
  build: (app: App, stages: readonly Stage[]) => unknown = buildApp,
): SynthResult {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-synth-"));
  try {
    const app = new App({ outdir: scratch, stackTraces: false, context: { ...TARGET_VERSIONS_CONTEXT } });
    build(app, stages);
    app.synth();
    const stacks = fs.readdirSync(path.join(scratch, "stacks")).sort();
    const policy = checkSynthesizedStacks(path.join(scratch, "stacks"), (name) => policyStageOf(stages, name));
    fs.mkdirSync(outdir, { recursive: true });
    fs.cpSync(scratch, outdir, { recursive: true, force: true });
    return { stacks, outdir, policy };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * What `main.ts` does: validate every stage, then synthesize them all. Returns the
 * process exit code; config problems print one message and return 2, policy
 * violations print each one and return 3, with nothing written either way.
 * `build` defaults to buildApp (tests pass their own).
 */
export function runSynth(
  rawStages: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  build: (app: App, stages: readonly Stage[]) => unknown = buildApp,
): number {
  let loaded: Stage[];
  try {
    loaded = loadStages(rawStages, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      log(error.message);
      return 2;
    }
    throw error;
  }
  if (loaded[0]?.appImage.tag === PLACEHOLDER_APP_IMAGE.tag) {
    log(
      `note: APP_IMAGE_REPOSITORY/APP_IMAGE_TAG not set; using the placeholder image ` +
        `${PLACEHOLDER_APP_IMAGE.repository}:${PLACEHOLDER_APP_IMAGE.tag} (fine to synthesize, not to deploy)`,
    );
  }
  let result: SynthResult;
  try {
    result = synthesize(loaded, env.CDKTF_OUTDIR || "cdktf.out", build);
  } catch (error) {
    if (error instanceof PolicyViolationError) {
      log(error.message);
      return 3;
    }
    throw error;
  }
  summarize(result.policy).forEach((line) => log(line));
  log(`synthesized ${result.stacks.join(", ")} into ${result.outdir}/stacks`);
  return 0;
}

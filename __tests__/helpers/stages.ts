/**
 * Test helpers: the configured stages (deep-copied so a test can break one
 * without touching the others), synthesized stacks memoized per test file, and
 * small readers over the synthesized JSON.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, Testing } from "cdktf";
import { ConfigError, loadStages, type Stage } from "../../config/load";
import { stages } from "../../config/stages";
import type { StageStack } from "../../stacks/stage-stack";
import { TARGET_VERSIONS_CONTEXT } from "../../stacks/terraform-version";

/**
 * Folder where jest's global setup (helpers/global-setup.ts) left each configured
 * stage's synthesized JSON, so test files read it instead of synthesizing again.
 */
export const SYNTH_CACHE_ENV = "STAGE_SYNTH_CACHE_DIR";

/** Builds a configured stage's stack (the stack classes load only when a test needs them). */
export function buildStageStack(stage: Stage): StageStack {
  const { StageStack: StageStackClass } = require("../../stacks/stage-stack") as typeof import("../../stacks/stage-stack");
  return new StageStackClass(testApp(), stage.name, { stage });
}

/** A deep copy of the raw stage config, safe to mutate. */
export function rawStages(): Record<string, any> {
  return JSON.parse(JSON.stringify(stages));
}

/** Validated stages; `edit` may change the raw config first. */
export function validStages(edit?: (raw: Record<string, any>) => void, env: Record<string, string> = {}): Stage[] {
  const raw = rawStages();
  edit?.(raw);
  return loadStages(raw, env);
}

/** The problem lines a broken config produces; fails the test if the config loads. */
export function problemsOf(edit: (raw: Record<string, any>) => void, env: Record<string, string> = {}): string[] {
  const raw = rawStages();
  edit(raw);
  try {
    loadStages(raw, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error("expected the config to be rejected");
}

/** An App that writes nothing unless synth() is called (tests only call Testing.synth). */
export function testApp(): App {
  return new App({ outdir: path.join(os.tmpdir(), "never-written"), stackTraces: false, context: { ...TARGET_VERSIONS_CONTEXT } });
}

/** The synthesized JSON of a stage stack, as an object. */
export type Synth = { resource: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>>; [k: string]: any };

const cache = new Map<string, { readonly stack: StageStack; json: string; parsed: Synth }>();

/**
 * A configured stage, synthesized: the JSON comes from the global setup's cache
 * when there is one, and the stack object is built only if a test reads it.
 * Memoized per test file.
 */
export function synthStage(name: string): { readonly stack: StageStack; json: string; parsed: Synth } {
  let hit = cache.get(name);
  if (!hit) {
    const stage = validStages().find((s) => s.name === name);
    if (!stage) throw new Error(`no stage ${name}`);
    let stack: StageStack | undefined;
    const dir = process.env[SYNTH_CACHE_ENV];
    const cached = dir ? path.join(dir, `${name}.json`) : undefined;
    let json: string;
    if (cached && fs.existsSync(cached)) json = fs.readFileSync(cached, "utf8");
    else json = Testing.synth((stack = buildStageStack(stage)));
    hit = {
      json,
      parsed: JSON.parse(json),
      get stack() {
        return (stack ??= buildStageStack(stage));
      },
    };
    cache.set(name, hit);
  }
  return hit;
}

/** Synthesizes a stage from an edited copy of the config (not memoized). */
export function synthEdited(name: string, edit: (raw: Record<string, any>) => void): Synth {
  const stage = validStages(edit).find((s) => s.name === name)!;
  return JSON.parse(Testing.synth(buildStageStack(stage)));
}

/** Every resource of a type, as [name, attributes] pairs. */
export function resources(synth: Synth, type: string): [string, Record<string, any>][] {
  return Object.entries(synth.resource?.[type] ?? {});
}

/** The one resource of a type whose name contains `fragment`. */
export function resource(synth: Synth, type: string, fragment = ""): Record<string, any> {
  const found = resources(synth, type).filter(([name]) => name.includes(fragment));
  if (found.length !== 1) throw new Error(`expected one ${type} matching "${fragment}", found ${found.map(([n]) => n).join(", ") || "none"}`);
  return found[0][1];
}

/** `${aws_x.name.attr}` for a resource, as it appears in references. */
export function ref(type: string, name: string, attribute = "id"): string {
  return "${" + `${type}.${name}.${attribute}` + "}";
}

/**
 * The resource name a reference points at (the inverse of `ref`). Without `type`,
 * `reference` must be exactly one `${type.name.attr}`; with it, the first reference
 * to that type inside `reference` is taken.
 */
export function refName(reference: string, type?: string): string {
  const pattern = type
    ? new RegExp(`\\$\\{${type.replace(/\./g, "\\.")}\\.([^.]+)\\.`)
    : /^\$\{(?:data\.)?[a-z0-9_]+\.([^.}]+)\.[^}]+\}$/;
  const match = pattern.exec(reference);
  if (!match) throw new Error(`${reference} is not a reference${type ? ` to a ${type}` : ""}`);
  return match[1];
}

/** `${aws_subnet.<name>.id}` of a stage's subnets of one tier (public, private, isolated). */
export function subnetRefs(synth: Synth, tier: string): string[] {
  return resources(synth, "aws_subnet")
    .filter(([, s]) => s.tags.Tier === tier)
    .map(([name]) => ref("aws_subnet", name));
}

/** The configured stage names (every test that loops over stages uses this). */
export const STAGE_NAMES = Object.keys(stages);

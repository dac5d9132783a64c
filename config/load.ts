/**
 * Parses every stage at once and reports every problem in one error, each line
 * naming the path and the value received:
 *
 *   production.network.vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR
 *
 * Nothing here touches the file system: the caller validates first and writes only
 * when the whole configuration is valid.
 */
import { z } from "zod";
import { crossFieldProblems, stageFieldsSchema, type StageConfig } from "./schema";

/** The application image, which is built elsewhere and handed to the stacks. */
export interface AppImage {
  /** Repository URI, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/django-faq. */
  readonly repository: string;
  /** Immutable tag, e.g. a git SHA. */
  readonly tag: string;
}

/** One validated stage: its config plus its name (the key it was configured under). */
export type Stage = StageConfig & {
  readonly name: string;
  readonly appImage: AppImage;
};

/** Placeholders used when APP_IMAGE_REPOSITORY / APP_IMAGE_TAG are not set: synthesis works, a deploy would not pull. */
export const PLACEHOLDER_APP_IMAGE: AppImage = {
  repository: "000000000000.dkr.ecr.eu-west-1.amazonaws.com/django-faq",
  tag: "set-APP_IMAGE_TAG",
};

/** Thrown for invalid configuration; `problems` has one line per problem. */
export class ConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(
      `Invalid stage configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was written:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

const MISSING = Symbol("missing");

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !(key in (current as object))) return MISSING;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function show(value: unknown): string {
  if (value === MISSING || value === undefined) return "(missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((k) => (typeof k === "number" ? `[${k}]` : String(k))).join(".").replace(/\.\[/g, "[");
}

/** Turns zod issues into "path: value predicate" lines, resolving values from the raw input. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], root: unknown, prefix: readonly PropertyKey[] = []): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const value = valueAt(root, issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        lines.push(`${pathText(keyPath)}: ${show(valueAt(root, [...issue.path, key]))} is not a known setting (check the spelling against docs/CONFIG.md)`);
      }
      continue;
    }
    const missing = value === MISSING || value === undefined;
    const message = missing && issue.code === "invalid_type" ? "is required" : issue.message;
    lines.push(`${pathText(path)}: ${show(value)} ${message}`);
  }
  return lines;
}

/**
 * Runs the cross-field rules over the sections of a stage that are valid on
 * their own, so that one run lists every problem it can, and no rule reasons
 * on a value that already failed its own check. A value the rule names but the
 * input left out (a default) is shown as the default.
 */
function crossFieldProblemLines(input: unknown, stageName: string, parsed?: Record<string, unknown>): string[] {
  if (input === null || typeof input !== "object") return [];
  const raw = input as Record<string, unknown>;
  // A stage that parsed whole has every section valid; otherwise parse each section on its own.
  const sections: Record<string, unknown> = parsed ?? {};
  const valid = new Set<string>(parsed ? Object.keys(stageFieldsSchema.shape) : []);
  if (!parsed) {
    for (const [key, schema] of Object.entries(stageFieldsSchema.shape)) {
      const result = (schema as z.ZodType).safeParse(raw[key]);
      if (result.success) {
        sections[key] = result.data;
        valid.add(key);
      }
    }
  }
  const lines: string[] = [];
  crossFieldProblems(sections, valid, (path, message) => {
    const given = valueAt(raw, path);
    const fallback = valueAt(sections, path);
    const value = given !== MISSING ? show(given) : fallback === MISSING || fallback === undefined ? show(fallback) : `(default ${show(fallback)})`;
    lines.push(`${pathText([stageName, ...path])}: ${value} ${message}`);
  });
  return lines;
}

const STAGE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const IMAGE_REPOSITORY = /^[a-z0-9]+([.-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Reads the application image from the environment, falling back to the documented placeholder. */
function appImageFrom(env: Readonly<Record<string, string | undefined>>, problems: string[]): AppImage {
  const repository = env.APP_IMAGE_REPOSITORY || PLACEHOLDER_APP_IMAGE.repository;
  const tag = env.APP_IMAGE_TAG || PLACEHOLDER_APP_IMAGE.tag;
  if (!IMAGE_REPOSITORY.test(repository)) {
    problems.push(`APP_IMAGE_REPOSITORY: ${show(repository)} is not an image repository URI (host/path, no tag)`);
  }
  if (!IMAGE_TAG.test(tag)) {
    problems.push(`APP_IMAGE_TAG: ${show(tag)} is not a valid image tag`);
  } else if (tag === "latest") {
    problems.push(`APP_IMAGE_TAG: "latest" is not allowed: deploy an immutable tag (a git SHA or a version)`);
  }
  return { repository, tag };
}

/**
 * Validates every stage and the image settings. Returns the stages in
 * configuration order, or throws one ConfigError listing every problem found.
 */
export function loadStages(raw: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>> = {}): Stage[] {
  const problems: string[] = [];
  const parsed: Stage[] = [];
  const appImage = appImageFrom(env, problems);

  if (Object.keys(raw).length === 0) problems.push("stages: {} must configure at least one stage");
  for (const [name, input] of Object.entries(raw)) {
    if (!STAGE_NAME.test(name)) {
      problems.push(`${name}: is not a valid stage name (lower-case letters, digits, hyphens; it becomes the stack name)`);
      continue;
    }
    const result = stageFieldsSchema.safeParse(input);
    const lines = [...(result.success ? [] : formatIssues(result.error.issues, input, [name])), ...crossFieldProblemLines(input, name, result.success ? result.data : undefined)];
    if (lines.length > 0) problems.push(...lines);
    else if (result.success) parsed.push({ ...result.data, name, appImage });
  }

  // Rules across stages: names and state locations must not collide.
  const seen = new Map<string, string>();
  for (const stage of parsed) {
    const claims = [
      [`namePrefix ${stage.namePrefix}`, `${stage.name}.namePrefix: ${show(stage.namePrefix)}`],
      [`state s3://${stage.state.bucket}/${stage.state.key}`, `${stage.name}.state.key: ${show(stage.state.key)}`],
    ];
    for (const [claim, where] of claims) {
      const owner = seen.get(claim);
      if (owner) problems.push(`${where} is already used by stage ${owner}; every stage needs its own`);
      else seen.set(claim, stage.name);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return parsed;
}

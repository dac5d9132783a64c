/**
 * Parses every stage at once and reports every problem in one error, each line
 * naming the path and the value received:
 *
 *   production.network.vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR
 *
 * Nothing here touches the file system: the caller validates first and writes only
 * when the whole configuration is valid. A secret-shaped value is refused wherever it
 * is and never printed: messages show `<redacted: ...>` in its place.
 */
import { z } from "zod";
import { appImageRepositoryFor } from "./app-image";
import { STAGE_CHECKS } from "./checks";
import { crossStageProblems } from "./checks/cross-stage";
import { findSecrets, redact, redactAll, secretKind } from "./checks/secrets";
import { INVALID, partialParse, runGuarded } from "./partial";
import { crossFieldRules, stageFieldsSchema, type StageConfig } from "./schema";

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
  if (typeof value === "string" && secretKind(value)) return redact(value);
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" && secretKind(v) ? redact(v) : v)) ?? String(value);
  // Long enough for an ARN (its region and account are what a message is about).
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
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
    // zod's own wording ("Invalid input: expected object, received string") where a schema gave none.
    const generic = issue.code === "invalid_type" && issue.message.startsWith("Invalid input");
    const message = missing && issue.code === "invalid_type" ? "is required" : generic ? `must be ${issue.expected === "object" ? "an object of settings" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}` : issue.message;
    lines.push(`${pathText(path)}: ${show(value)} ${message}`);
  }
  return lines;
}

/**
 * Runs the cross-field rules and the checks of config/checks over the stage as far
 * as it parsed (config/partial.ts), so one run lists every problem it can: a field
 * error does not hide the section's other rules, and no rule reasons on a value that
 * already failed its own check. A value the rule names but the input left out (a
 * default) is shown as the default.
 */
function crossFieldProblemLines(input: unknown, stageName: string, stage: unknown): string[] {
  if (stage === INVALID) return [];
  const lines: string[] = [];
  const problem = (path: (string | number)[], message: string) => lines.push(problemLine(input, stage, [stageName], path, message));
  for (const rule of crossFieldRules) runGuarded(() => rule.check(stage as StageConfig, problem));
  for (const check of STAGE_CHECKS) runGuarded(() => check(stage as StageConfig, problem));
  return lines;
}

/** "path: value message", the value read from the raw input, else from the parsed stage (a default). */
function problemLine(input: unknown, parsed: unknown, prefix: readonly PropertyKey[], path: readonly PropertyKey[], message: string): string {
  const given = valueAt(input, path);
  let fallback: unknown = MISSING;
  runGuarded(() => (fallback = valueAt(parsed, path)));
  const value = given !== MISSING ? show(given) : fallback === MISSING || fallback === undefined ? show(fallback) : `(default ${show(fallback)})`;
  return `${pathText([...prefix, ...path])}: ${value} ${message}`;
}

/** Secret-shaped values anywhere in a stage: refused, and collected so no message prints them. */
function secretProblemLines(input: unknown, stageName: string, found: string[]): string[] {
  return findSecrets(input).map(({ path, value, kind }) => {
    found.push(value);
    return `${pathText([stageName, ...path])}: ${redact(value)} looks like ${kind}: secrets go in Secrets Manager, never in the stage config (it lands in the task definition, in Terraform state and in logs)`;
  });
}

const STAGE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const IMAGE_REPOSITORY = /^[a-z0-9]+([.-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Reads the application image from the environment, falling back to the documented
 * placeholder. Each stage's repository is then chosen and checked by config/app-image.ts.
 */
function appImageFrom(env: Readonly<Record<string, string | undefined>>, problems: string[], secrets: string[]): AppImage {
  const repository = env.APP_IMAGE_REPOSITORY || PLACEHOLDER_APP_IMAGE.repository;
  const tag = env.APP_IMAGE_TAG || PLACEHOLDER_APP_IMAGE.tag;
  for (const [name, value] of [["APP_IMAGE_REPOSITORY", repository], ["APP_IMAGE_TAG", tag]] as const) {
    const kind = secretKind(value);
    if (kind) {
      secrets.push(value);
      problems.push(`${name}: ${redact(value)} looks like ${kind}, not an image ${name === "APP_IMAGE_TAG" ? "tag" : "repository"}`);
    }
  }
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
  const secrets: string[] = [];
  const appImage = appImageFrom(env, problems, secrets);
  const partial: { name: string; stage: StageConfig }[] = [];

  if (Object.keys(raw).length === 0) problems.push("stages: {} must configure at least one stage");
  for (const [name, input] of Object.entries(raw)) {
    if (secretKind(name)) {
      secrets.push(name);
      problems.push(`${redact(name)}: is a stage name that looks like ${secretKind(name)}; secrets go in Secrets Manager, never in the stage config`);
      continue;
    }
    if (!STAGE_NAME.test(name)) {
      problems.push(`${name}: is not a valid stage name (lower-case letters, digits, hyphens; it becomes the stack name)`);
      continue;
    }
    const result = stageFieldsSchema.safeParse(input);
    const stage = result.success ? result.data : partialParse(stageFieldsSchema, input);
    const lines = [
      ...(result.success ? [] : formatIssues(result.error.issues, input, [name])),
      ...crossFieldProblemLines(input, name, stage),
      ...secretProblemLines(input, name, secrets),
    ];
    if (stage !== INVALID) partial.push({ name, stage: stage as StageConfig });
    let repository: string | undefined;
    runGuarded(() => {
      if (stage === INVALID) return;
      const s = stage as StageConfig;
      const choice = appImageRepositoryFor({ name, region: s.region, appImageRepository: s.appImageRepository }, env);
      repository = choice.repository;
      // APP_IMAGE_REPOSITORY's own form is reported once, above.
      if (choice.problem && !(choice.source === "APP_IMAGE_REPOSITORY" && !IMAGE_REPOSITORY.test(choice.repository))) {
        lines.push(`${choice.source === "placeholder" ? `${name}.appImageRepository` : choice.source}: ${show(choice.repository)} ${choice.problem}`);
      }
    });
    if (lines.length > 0) problems.push(...lines);
    else if (result.success) parsed.push({ ...result.data, name, appImage: { repository: repository!, tag: appImage.tag } });
  }

  // Rules across stages (names, state, DNS names, VPC ranges), on every stage as far as it parsed.
  crossStageProblems(partial, (stageName, path, message) => {
    const entry = partial.find((p) => p.name === stageName)!;
    problems.push(problemLine(raw[stageName], entry.stage, [stageName], path, message));
  });

  // One line per problem: an environment value wrong for several stages is said once.
  if (problems.length > 0) throw new ConfigError([...new Set(problems.map((line) => redactAll(line, secrets)))]);
  return parsed;
}

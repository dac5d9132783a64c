/**
 * The policy pack: runs every rule over every resource of a synthesized stack and
 * sorts the outcomes into violations, suppressed findings and unused suppressions.
 * `synthesize()` (stacks/platform-app.ts) runs it on each stack before anything is
 * written, and throws PolicyViolationError when a stack has a violation.
 *
 * Stacks that are not a stage (the state bootstrap) are checked as production: they
 * hold the state of every stage.
 */
import * as fs from "fs";
import * as path from "path";
import { RULES } from "./rules";
import { reasonProblem } from "./reason";
import { SUPPRESSIONS_KEY, type Rule, type StageContext, type Suppression, type SynthResource, type SynthStack } from "./types";

/** One resource a rule found non-compliant. */
export interface Finding {
  readonly ruleId: string;
  readonly info: string;
  readonly fix: string;
  /** Terraform address, e.g. aws_cloudwatch_log_group.network_flow-logs_D7C94307. */
  readonly address: string;
  /** Construct path, e.g. production/network/flow-logs. */
  readonly path: string;
  /** What exactly is wrong. */
  readonly details: readonly string[];
}

/** A finding silenced by a suppression, with its reason. */
export interface SuppressedFinding extends Finding {
  readonly reason: string;
}

/**
 * A suppression that silences nothing: its rule finds the resource compliant, or no such rule
 * exists. (A rule that does not apply, e.g. a production-only rule in staging, leaves it unused
 * without reporting it.)
 */
export interface UnusedSuppression extends Suppression {
  readonly path: string;
}

/** What the pack found in one stack. */
export interface PackReport {
  readonly stack: string;
  readonly stage: StageContext;
  /** Resources checked. */
  readonly resources: number;
  readonly violations: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly unusedSuppressions: readonly UnusedSuppression[];
}

function suppressionsOf(comment: unknown): Suppression[] {
  const raw = (comment as Record<string, unknown> | undefined)?.[SUPPRESSIONS_KEY];
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((s): s is Record<string, unknown> => s !== null && typeof s === "object")
    .map((s) => ({ ruleId: String(s.rule_id), reason: typeof s.reason === "string" ? s.reason : "" }));
}

/** The resources of a synthesized stack, with construct paths and suppressions read from `"//"`. */
export function stackResources(stack: SynthStack, stage: StageContext): SynthResource[] {
  const found: SynthResource[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, raw] of Object.entries(byName ?? {})) {
      const { "//": comment, ...attributes } = (raw ?? {}) as Record<string, any>;
      const metadataPath = comment?.metadata?.path;
      found.push({
        type,
        name,
        path: typeof metadataPath === "string" ? metadataPath : `${type}.${name}`,
        attributes,
        stage,
        suppressions: suppressionsOf(comment),
      });
    }
  }
  return found;
}

/** Runs `rules` over every resource of `stack`. Pure. */
export function runPack(stack: SynthStack, stage: StageContext, rules: readonly Rule[] = RULES, stackName: string = stage.name): PackReport {
  const violations: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const unusedSuppressions: UnusedSuppression[] = [];
  const resources = stackResources(stack, stage);
  for (const resource of resources) {
    const stale = new Set<Suppression>(resource.suppressions.filter((s) => !rules.some((r) => r.id === s.ruleId)));
    for (const rule of rules) {
      const outcome = rule.check(resource, stack);
      if (outcome === "not-applicable") continue;
      if (outcome === "compliant") {
        resource.suppressions.filter((s) => s.ruleId === rule.id).forEach((s) => stale.add(s));
        continue;
      }
      const finding: Finding = {
        ruleId: rule.id,
        info: rule.info,
        fix: rule.fix,
        address: `${resource.type}.${resource.name}`,
        path: resource.path,
        details: outcome.details,
      };
      // A suppression counts only with a proper reason, even if written into the JSON by hand.
      const suppression = resource.suppressions.find((s) => s.ruleId === rule.id && reasonProblem(s.reason) === undefined);
      if (suppression) {
        suppressed.push({ ...finding, reason: suppression.reason });
      } else violations.push(finding);
    }
    stale.forEach((s) => unusedSuppressions.push({ ...s, path: resource.path }));
  }
  return { stack: stackName, stage, resources: resources.length, violations, suppressed, unusedSuppressions };
}

/** Thrown when a stack has violations; the message lists each with its construct path, rule id and fix. */
export class PolicyViolationError extends Error {
  public readonly violations: readonly Finding[];
  constructor(public readonly reports: readonly PackReport[]) {
    const violations = reports.flatMap((r) => r.violations);
    super(
      `Policy check failed: ${violations.length} violation${violations.length === 1 ? "" : "s"}; nothing was written.\n` +
        violations.map(formatFinding).join("\n") +
        "\nFix each resource; if a rule truly does not apply, suppress it with a reason: " +
        'suppress(construct, "<rule id>", "<why, a full sentence>") from checks/suppress.ts (see docs/guardrails.md).',
    );
    this.name = "PolicyViolationError";
    this.violations = violations;
  }
}

/** One violation as printed: path and address, rule id and info, what was found, the fix. */
export function formatFinding(f: Finding): string {
  return [
    `  - ${f.path} (${f.address})`,
    `    ${f.ruleId}: ${f.info}`,
    ...f.details.map((d) => `    found: ${d}`),
    `    fix: ${f.fix}`,
  ].join("\n");
}

/** One line per stack: resources checked, violations, suppressed (with rule ids), unused suppressions. */
export function summarize(reports: readonly PackReport[]): string[] {
  return reports.map((r) => {
    const suppressed = r.suppressed.length > 0 ? ` (${r.suppressed.map((s) => `${s.ruleId} on ${s.path}`).join(", ")})` : "";
    const unused = r.unusedSuppressions.length > 0 ? `, ${r.unusedSuppressions.length} unused suppression(s): ${r.unusedSuppressions.map((s) => `${s.ruleId} on ${s.path}`).join(", ")}` : "";
    return `policy ${r.stack}: ${r.resources} resources, ${r.violations.length} violations, ${r.suppressed.length} suppressed${suppressed}${unused}`;
  });
}

/**
 * Runs the pack on every stack synthesized under `stacksDir` (<stacksDir>/<stack>/cdk.tf.json).
 * `stageOf` gives the stage of a stack name. Throws PolicyViolationError if any stack has a violation.
 */
export function checkSynthesizedStacks(
  stacksDir: string,
  stageOf: (stackName: string) => StageContext,
  rules: readonly Rule[] = RULES,
): PackReport[] {
  const reports = fs
    .readdirSync(stacksDir)
    .sort()
    .filter((stack) => fs.existsSync(path.join(stacksDir, stack, "cdk.tf.json")))
    .map((stack) => {
      const json = JSON.parse(fs.readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8")) as SynthStack;
      return runPack(json, stageOf(stack), rules, stack);
    });
  if (reports.some((r) => r.violations.length > 0)) throw new PolicyViolationError(reports);
  return reports;
}

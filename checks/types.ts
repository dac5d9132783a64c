/**
 * The vocabulary of the policy pack (in the style of cdk-nag): a rule is a pure
 * function over one synthesized resource, with an id, a one-line `info`, an
 * `explanation` (why it matters) and a one-line `fix`.
 *
 * Rules read the synthesized Terraform JSON (snake_case keys, `${...}` references),
 * never constructs, so they apply to every resource any tier adds later.
 */

/** What a rule knows about the stage the stack belongs to (from config/load.ts `Stage`). */
export interface StageContext {
  /** Stage (stack) name. */
  readonly name: string;
  /** The stage is production: stricter rules (deletion protection) apply. */
  readonly production: boolean;
}

/** Key under a resource's `"//"` comment object (ignored by Terraform) holding its suppressions. */
export const SUPPRESSIONS_KEY = "policy_suppressions";

/** A suppression recorded on a resource by `suppress()` (see checks/suppress.ts). */
export interface Suppression {
  /** The rule it silences, e.g. DFP-PROD-1. */
  readonly ruleId: string;
  /** Why the rule does not apply here: at least a full sentence. */
  readonly reason: string;
}

/** One resource of a synthesized stack. */
export interface SynthResource {
  /** Terraform type, e.g. aws_ecs_task_definition. */
  readonly type: string;
  /** Terraform logical name (cdktf's unique id), e.g. web_task_1A2B3C4D. */
  readonly name: string;
  /** Construct path, e.g. production/web/task (from `"//".metadata.path`; `type.name` if absent). */
  readonly path: string;
  /** Its attributes as synthesized, without the `"//"` comment key. */
  readonly attributes: Readonly<Record<string, any>>;
  /** The stage of its stack. */
  readonly stage: StageContext;
  /** Suppressions recorded on it. */
  readonly suppressions: readonly Suppression[];
}

/** The synthesized JSON of a stack (cdk.tf.json), read-only. */
export interface SynthStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, any>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, any>>>>;
  readonly [key: string]: unknown;
}

/** A rule's verdict on a resource it checked and found wanting, with what exactly is wrong. */
export interface NonCompliance {
  readonly status: "non-compliant";
  /** One line per problem found (e.g. per container or per ingress block). */
  readonly details: readonly string[];
}

/** A rule's verdict. */
export type Outcome = "compliant" | "not-applicable" | NonCompliance;

/** A rule of the pack. */
export interface Rule {
  /** Stable id, e.g. DFP-ECS-2: suppressions and reports name it. */
  readonly id: string;
  /** One line: what compliant looks like. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  /** One line: how to comply. */
  readonly fix: string;
  /**
   * The check. Pure: reads the resource and, for rules that need context from
   * other resources (an S3 bucket's encryption configuration), the whole stack.
   */
  readonly check: (resource: SynthResource, stack: SynthStack) => Outcome;
}

/** A non-compliant outcome with the given details (at least one). */
export function nonCompliant(...details: string[]): NonCompliance {
  return { status: "non-compliant", details: details.length > 0 ? details : ["non-compliant"] };
}

/** The outcome for a list of problems: compliant when empty. */
export function outcomeOf(problems: readonly string[]): Outcome {
  return problems.length === 0 ? "compliant" : nonCompliant(...problems);
}

/**
 * The one way to make an exception to a policy rule: a suppression that names the
 * rule and says why, recorded in the synthesized JSON of the resource under the
 * `"//"` comment key (which Terraform ignores), where the pack finds it and reports
 * it as suppressed.
 *
 * @example
 * suppress(this.key.key, "DFP-PROD-1",
 *   "The alarm topic key only protects SNS messages in flight; destroying it loses no stored data.");
 *
 * Synthesized:
 *   "aws_kms_key": { "alarms_key_448A2D87": { "//": { "metadata": {...},
 *     "policy_suppressions": [{ "rule_id": "DFP-PROD-1", "reason": "..." }] }, ... } }
 */
import type { IConstruct } from "constructs";
import { TerraformResource } from "cdktf";
import { reasonProblem } from "./reason";
import { RULES } from "./rules";
import { SUPPRESSIONS_KEY, type Suppression } from "./types";

export { SUPPRESSIONS_KEY };
export { MIN_REASON_LENGTH, reasonProblem } from "./reason";

/** Thrown for a suppression without a proper reason or for an unknown rule. */
export class SuppressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SuppressionError";
  }
}

const recorded = new WeakMap<TerraformResource, Suppression[]>();

/**
 * Suppresses rule `ruleId` on a Terraform resource, or on every Terraform resource
 * inside a construct (e.g. all the resources of a PrivateBucket). Throws, naming the
 * rule and the construct path, when the reason is shorter than a full sentence
 * (MIN_REASON_LENGTH characters, three words: checks/reason.ts) or
 * the rule does not exist. Suppressing the same rule again replaces the reason.
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  const path = construct.node.path;
  if (!RULES.some((r) => r.id === ruleId)) {
    throw new SuppressionError(`suppress(${path}, ${ruleId}): no such rule (known: ${RULES.map((r) => r.id).join(", ")})`);
  }
  const problem = reasonProblem(reason);
  if (problem) throw new SuppressionError(`suppress(${path}, ${ruleId}): the reason ${problem} the rule does not apply`);
  const targets =
    construct instanceof TerraformResource
      ? [construct]
      : construct.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
  if (targets.length === 0) throw new SuppressionError(`suppress(${path}, ${ruleId}): the construct holds no Terraform resource`);
  for (const resource of targets) {
    const list = (recorded.get(resource) ?? []).filter((s) => s.ruleId !== ruleId);
    list.push({ ruleId, reason: reason.trim() });
    recorded.set(resource, list);
    resource.addOverride(`//.${SUPPRESSIONS_KEY}`, list.map((s) => ({ rule_id: s.ruleId, reason: s.reason })));
  }
}

/**
 * An AWS Budgets cost budget for one stage (monthly, or daily), optionally limited to the
 * costs carrying a cost allocation tag (e.g. Stage=production), notifying an SNS
 * topic when actual spend crosses each threshold percentage.
 *
 * The tag filter counts only after the tag is activated as a cost allocation tag
 * (once per account, by the state-bootstrap stack; AWS applies it from then on,
 * and tagged costs appear up to 24 hours later).
 *
 * @example
 * new CostBudget(this, "budget", {
 *   budgetName: "faq-prod-monthly", limitUsd: 1200, thresholdsPercent: [50, 80, 100],
 *   topicArn: alarmTopic.topic.arn, costAllocationTag: { key: "Stage", value: "production" },
 * });
 */
import { Construct } from "constructs";
import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";

export interface CostBudgetProps {
  /** Budget name (unique in the account). */
  readonly budgetName: string;
  /** Limit in USD per timeUnit. */
  readonly limitUsd: number;
  /**
   * Period the limit applies to. A daily budget alerts on a day's actual spend (AWS Budgets refreshes it up to 3 times a day).
   * @default "MONTHLY"
   */
  readonly timeUnit?: "MONTHLY" | "DAILY";
  /** Notify when actual spend exceeds each of these percentages of the limit. */
  readonly thresholdsPercent: readonly number[];
  /** SNS topic notified (its policy must let budgets.amazonaws.com publish). */
  readonly topicArn: string;
  /**
   * Count only costs carrying this cost allocation tag.
   * @default - every cost of the account
   */
  readonly costAllocationTag?: { readonly key: string; readonly value: string };
}

export class CostBudget extends Construct {
  /** The budget. */
  public readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const timeUnit = props.timeUnit ?? "MONTHLY";
    if (!(props.limitUsd > 0)) throw new Error(`CostBudget ${id}: limitUsd must be above 0, got ${props.limitUsd}`);
    if (props.thresholdsPercent.length === 0) throw new Error(`CostBudget ${id}: thresholdsPercent must list at least one threshold, got none`);
    const duplicate = props.thresholdsPercent.find((p, i) => props.thresholdsPercent.indexOf(p) !== i);
    if (duplicate !== undefined) throw new Error(`CostBudget ${id}: thresholdsPercent lists ${duplicate} twice`);

    this.budget = new BudgetsBudget(this, "budget", {
      name: props.budgetName,
      budgetType: "COST",
      timeUnit,
      limitAmount: props.limitUsd.toFixed(2),
      limitUnit: "USD",
      // https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html (CostFilters TagKeyValue)
      costFilter: props.costAllocationTag
        ? [{ name: "TagKeyValue", values: [`user:${props.costAllocationTag.key}$${props.costAllocationTag.value}`] }]
        : undefined,
      notification: [...props.thresholdsPercent]
        .sort((a, b) => a - b)
        .map((threshold) => ({
          notificationType: "ACTUAL",
          comparisonOperator: "GREATER_THAN",
          threshold,
          thresholdType: "PERCENTAGE",
          subscriberSnsTopicArns: [props.topicArn],
        })),
    });
  }
}

/**
 * The delivery matrix: what the workflows need to know about each stage, in
 * promotion order, as the JSON a GitHub Actions `strategy.matrix` takes
 * (`matrix: ${{ fromJSON(needs.stages.outputs.matrix) }}`).
 *
 * @example
 * deliveryMatrix(loadStages(stages)).include[1];
 * // { stage: "production", "promotion-step": 2, "requires-approval": true, environment: "production",
 * //   "plan-role-variable": "AWS_PLAN_ROLE_ARN_PRODUCTION", "deploy-role-variable": "AWS_DEPLOY_ROLE_ARN_PRODUCTION", ... }
 *
 * Promotion order is the order of the entries in config/stages.ts: the deploy
 * workflow runs one entry at a time, in this order, and stops at the first
 * failure. A stage requires approval when its config says so (`requiresApproval`,
 * which defaults to `production`): its deploy job waits on the GitHub environment
 * named after the stage, whose required reviewers approve the reported plan.
 */
import type { Stage } from "../../config/load";

/** One stage, as the workflows see it. Keys are kebab-case like the rest of a workflow's expressions. */
export interface MatrixEntry {
  /** Stage name: the stack directory is cdktf.out/stacks/<stage>. */
  readonly stage: string;
  /** 1-based position in the promotion order. */
  readonly "promotion-step": number;
  /** The stage's AWS region (where its role is assumed). */
  readonly region: string;
  /** Whether the stage is marked production. */
  readonly production: boolean;
  /** Whether its apply waits for a reviewer's approval (and its plan report runs with --strict). */
  readonly "requires-approval": boolean;
  /** GitHub environment the deploy job is bound to (required reviewers live there). */
  readonly environment: string;
  /** Repository variable holding the read-only plan role ARN. */
  readonly "plan-role-variable": string;
  /** Repository variable holding the deploy role ARN. */
  readonly "deploy-role-variable": string;
  /** Path the deploy job checks after the services are stable. */
  readonly "health-check-path": string;
}

/** The matrix: `include` only, so every entry is exactly one job. */
export interface DeliveryMatrix {
  readonly include: readonly MatrixEntry[];
}

/** The stage name as it appears in a variable name: staging -> STAGING, eu-prod -> EU_PROD. */
export function variableSuffix(stageName: string): string {
  return stageName.toUpperCase().replace(/-/g, "_");
}

/** The repository variable holding a stage's plan role ARN. */
export function planRoleVariable(stageName: string): string {
  return `AWS_PLAN_ROLE_ARN_${variableSuffix(stageName)}`;
}

/** The repository variable holding a stage's deploy role ARN. */
export function deployRoleVariable(stageName: string): string {
  return `AWS_DEPLOY_ROLE_ARN_${variableSuffix(stageName)}`;
}

/** Whether a stage's apply waits for approval: its own setting, else whether it is production. */
export function requiresApproval(stage: Pick<Stage, "production" | "requiresApproval">): boolean {
  return stage.requiresApproval ?? stage.production;
}

/** The matrix of validated stages, in the order given (the promotion order). */
export function deliveryMatrix(stages: readonly Stage[]): DeliveryMatrix {
  return {
    include: stages.map((stage, i) => ({
      stage: stage.name,
      "promotion-step": i + 1,
      region: stage.region,
      production: stage.production,
      "requires-approval": requiresApproval(stage),
      environment: stage.name,
      "plan-role-variable": planRoleVariable(stage.name),
      "deploy-role-variable": deployRoleVariable(stage.name),
      "health-check-path": stage.web.healthCheck.path,
    })),
  };
}

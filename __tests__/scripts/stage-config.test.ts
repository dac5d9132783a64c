/** scripts/stage-config: the values workflows read from the stage config. */
import { stages } from "../../config/stages";
import { stageValue } from "../../scripts/stage-config/value";
import { formatCapacity, stageRollback } from "../../scripts/stage-config/capacity";
import { deliveryMatrix, deployRoleVariable } from "../../scripts/stage-config/matrix";
import { problemsOf, STAGE_NAMES, validStages } from "../helpers/stages";

describe.each(STAGE_NAMES)("stage %s", (name) => {
  const stage = validStages().find((s) => s.name === name)!;

  it("gives the region and the health-check path the deploy workflow uses", () => {
    expect(stageValue(stages, name, "region")).toEqual({ value: stage.region });
    expect(stageValue(stages, name, "web.healthCheck.path")).toEqual({ value: stage.web.healthCheck.path });
  });

  it("prints non-strings as JSON", () => {
    expect(stageValue(stages, name, "production")).toEqual({ value: String(stage.production) });
  });

  it("fails when the path does not exist, naming it", () => {
    expect(stageValue(stages, name, "web.nope")).toEqual({ error: `${name}.web.nope: no such setting` });
  });
});

it("fails when the stage does not exist, naming it", () => {
  expect(stageValue(stages, "dev", "region")).toEqual({ error: `unknown stage "dev" (configured: ${Object.keys(stages).join(", ")})` });
});

describe("the delivery matrix", () => {
  const matrix = deliveryMatrix(validStages());

  it("lists every configured stage once, in config order, numbered", () => {
    expect(matrix.include.map((e) => e.stage)).toEqual(STAGE_NAMES);
    expect(matrix.include.map((e) => e["promotion-step"])).toEqual(STAGE_NAMES.map((_, i) => i + 1));
  });

  it("gates production stages on approval, and others only when their config asks", () => {
    for (const entry of matrix.include) expect(entry["requires-approval"]).toBe(entry.production);
    const gated = deliveryMatrix(validStages((raw) => (raw.staging.requiresApproval = true)));
    expect(gated.include.find((e) => e.stage === "staging")!["requires-approval"]).toBe(true);
  });

  it("names each stage's role variables after the stage", () => {
    const entry = matrix.include.find((e) => e.stage === "production")!;
    expect(entry["plan-role-variable"]).toBe("AWS_PLAN_ROLE_ARN_PRODUCTION");
    expect(entry["deploy-role-variable"]).toBe("AWS_DEPLOY_ROLE_ARN_PRODUCTION");
    expect(deployRoleVariable("eu-prod-2")).toBe("AWS_DEPLOY_ROLE_ARN_EU_PROD_2");
  });

  it("fails when a production stage turns its approval off, naming the field", () => {
    expect(problemsOf((raw) => (raw.production.requiresApproval = false))).toEqual([
      "production.requiresApproval: false cannot be false in a production stage (its deploy waits for an approval)",
    ]);
  });
});

describe("the capacity report", () => {
  it.each(STAGE_NAMES)("prints %s's slots, tasks needed, scale-out time and a rollback within 5 minutes", (name) => {
    const stage = validStages().find((s) => s.name === name)!;
    const text = formatCapacity(stage);
    expect(text).toMatch(/slots per task/);
    expect(text).toMatch(/\(web\.minTasks \d+, web\.maxTasks \d+: covered\)/);
    expect(text).toMatch(/scale-out \d+ -> \d+ tasks: request tracking .* = \d+ s/);
    expect(text).toMatch(/target ≤ 300 s: met/);
    expect(stageRollback(stage).seconds).toBeLessThanOrEqual(300);
  });
});

/** scripts/stage-config/cost.ts: the expected monthly cost of a stage from its config and config/prices.ts. */
import { execFileSync } from "child_process";
import * as path from "path";
import { INTERFACE_ENDPOINT_SERVICES } from "../../constructs/network";
import { HOURS_PER_MONTH, PRICES, PRICES_AS_OF, USAGE_ASSUMPTIONS } from "../../config/prices";
import { estimateMonthlyCost, FIXED_COUNTS, formatEstimate } from "../../scripts/stage-config/cost";
import { resources, STAGE_NAMES, synthStage, validStages } from "../helpers/stages";

const fresh = new Date(`${PRICES_AS_OF}T12:00:00Z`);
const line = (estimate: ReturnType<typeof estimateMonthlyCost>, item: string) => estimate.lines.find((l) => l.item === item)!;

describe.each(STAGE_NAMES)("cost of %s", (name) => {
  const stage = validStages().find((s) => s.name === name)!;
  const estimate = estimateMonthlyCost(stage, fresh);

  it("adds up its lines to the total, every line priced", () => {
    expect(estimate.unpriced).toEqual([]);
    const sum = estimate.lines.reduce((s, l) => s + l.usd!, 0);
    expect(estimate.totalUsd).toBeCloseTo(sum, 1);
    expect(estimate.totalUsd).toBeGreaterThan(50);
  });

  it("prices the config: web task hours, the NAT gateways, the database class with Multi-AZ doubling", () => {
    const h = HOURS_PER_MONTH;
    const f = PRICES.fargate[stage.web.cpuArchitecture];
    const webTask = (stage.web.cpu / 1024) * f.vcpuHour * h + (stage.web.memoryMiB / 1024) * f.gbHour * h;
    expect(line(estimate, "Web tasks (Fargate)").usd).toBeCloseTo(stage.web.minTasks * webTask, 1);
    expect(estimate.totalAtMaxTasksUsd - estimate.totalUsd).toBeCloseTo((stage.web.maxTasks - stage.web.minTasks) * webTask, 1);
    const nats = stage.network.natGateways === "perAz" ? stage.network.azCount : 1;
    const usage = stage.production ? USAGE_ASSUMPTIONS.production : USAGE_ASSUMPTIONS.other;
    expect(line(estimate, "NAT gateways").usd).toBeCloseTo(
      nats * h * (PRICES.natGateway.hour + PRICES.publicIpv4Hour) + usage.natGbProcessed * PRICES.natGateway.gb,
      1,
    );
    expect(line(estimate, "RDS PostgreSQL instance").usd).toBeCloseTo(
      PRICES.rdsPostgresHour[stage.database.instanceClass] * (stage.database.multiAz ? 2 : 1) * h,
      1,
    );
    expect(estimate.lines.some((l) => l.item === "Interface VPC endpoints")).toBe(stage.network.interfaceEndpoints);
  });

  it("counts the fixed items the stage stack really synthesizes", () => {
    const { parsed } = synthStage(name);
    const count = (type: string) => resources(parsed, type).length;
    expect({
      kmsKeys: count("aws_kms_key"),
      secrets: count("aws_secretsmanager_secret"),
      alarms: count("aws_cloudwatch_metric_alarm"),
      dashboards: count("aws_cloudwatch_dashboard"),
      wafRules: resources(parsed, "aws_wafv2_web_acl")[0][1].rule.length,
      interfaceEndpointServices: INTERFACE_ENDPOINT_SERVICES.length,
    }).toEqual(FIXED_COUNTS);
    const interfaceEndpoints = resources(parsed, "aws_vpc_endpoint").filter(([, e]) => e.vpc_endpoint_type === "Interface");
    expect(interfaceEndpoints).toHaveLength(stage.network.interfaceEndpoints ? FIXED_COUNTS.interfaceEndpointServices : 0);
  });

  it("prints the breakdown, the total and the budgets it is compared with", () => {
    const text = formatEstimate(stage, estimate);
    expect(text).toContain(`Expected monthly cost of ${name} (${stage.region})`);
    expect(text).toContain(`as of ${PRICES_AS_OF}`);
    expect(text).toMatch(new RegExp(`Total +\\$${estimate.totalUsd.toFixed(2).replace(".", "\\.")}`));
    expect(text).toContain(`operations.monthlyBudgetUsd: $${stage.operations.monthlyBudgetUsd.toFixed(2)}`);
    expect(text).not.toContain("warning:");
  });
});

it("leaves an instance class without a price out of the total and says so", () => {
  const [, production] = validStages((raw) => (raw.production.database.instanceClass = "db.r6i.large"));
  const estimate = estimateMonthlyCost(production, fresh);
  expect(line(estimate, "RDS PostgreSQL instance").usd).toBeUndefined();
  expect(estimate.unpriced).toEqual(["RDS PostgreSQL instance"]);
  expect(formatEstimate(production, estimate)).toContain(
    "warning: RDS PostgreSQL instance: no price in config/prices.ts, left out of the total (add it there)",
  );
});

it("warns when the price table is stale or the stage runs in another region", () => {
  const [, production] = validStages((raw) => (raw.production.region = "us-east-1"));
  const later = new Date(Date.parse(`${PRICES_AS_OF}T00:00:00Z`) + 400 * 86_400_000);
  expect(estimateMonthlyCost(production, later).warnings).toEqual([
    "the price table is 400 days old (more than 180): refresh config/prices.ts (its header says how)",
    "the prices are for eu-west-1, the stage runs in us-east-1: expect differences of a few percent either way",
  ]);
});

it("warns when the expected cost exceeds the budgets", () => {
  const [, production] = validStages((raw) => {
    raw.production.operations.monthlyBudgetUsd = 100;
    raw.production.operations.dailyBudgetUsd = 1;
  });
  const text = formatEstimate(production, estimateMonthlyCost(production, fresh));
  expect(text).toContain("warning: the expected cost exceeds the monthly budget");
  expect(text).toContain("warning: the expected daily cost exceeds the daily budget");
});

it("`stage-config <stage>` prints the expected monthly cost; an unknown stage exits 2", () => {
  const root = path.join(__dirname, "../..");
  const run = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(root, "scripts/run-ts.js"), "scripts/stage-config.ts", ...args], {
      cwd: root,
      encoding: "utf8",
      stdio: "pipe",
    });
  expect(run("production")).toMatch(/^Web capacity of production[\s\S]*\nExpected monthly cost of production[\s\S]*\n {2}Total +\$\d+\.\d\d/);
  expect(() => run("dev")).toThrow(/unknown stage "dev"/);
});

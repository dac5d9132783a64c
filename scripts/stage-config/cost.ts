/**
 * The expected monthly cost of a stage, computed from its validated config and the
 * price table in config/prices.ts, line by line, for `npm run stage-config -- <stage>`.
 *
 * What the config states (task sizes and counts, instance classes, Multi-AZ, NAT
 * gateways, endpoints, storage) is priced exactly; what it does not (traffic, log
 * volume, stored vectors) comes from USAGE_ASSUMPTIONS and is labelled as assumed.
 * The counts of per-stage fixed items (keys, secrets, alarms, WAF rules, endpoint
 * services) are those the stage stack synthesizes; a test keeps them equal. (This
 * module imports no construct: the workflows load stage-config on a bare checkout.)
 *
 * @example
 * const estimate = estimateMonthlyCost(stage, new Date());
 * process.stdout.write(formatEstimate(stage, estimate));
 */
import type { Stage } from "../../config/load";
import { HOURS_PER_MONTH, PRICE_REGION, PRICE_TABLE_MAX_AGE_DAYS, PRICES, PRICES_AS_OF, USAGE_ASSUMPTIONS } from "../../config/prices";

/** Per-stage resources whose number does not depend on the config (counted in the synthesized stack by a test). */
export const FIXED_COUNTS = {
  kmsKeys: 10,
  secrets: 5,
  alarms: 16,
  dashboards: 1,
  wafRules: 7,
  /** Interface endpoint services when network.interfaceEndpoints is on (Network's INTERFACE_ENDPOINT_SERVICES). */
  interfaceEndpointServices: 6,
} as const;

/** One line of the estimate. */
export interface CostLine {
  /** What is billed. */
  readonly item: string;
  /** How the amount is computed. */
  readonly basis: string;
  /** USD per month, or undefined when the table has no price for it. */
  readonly usd: number | undefined;
  /** True when part of the amount rests on USAGE_ASSUMPTIONS rather than the config. */
  readonly assumed?: boolean;
}

export interface CostEstimate {
  readonly lines: readonly CostLine[];
  /** Sum of the priced lines. */
  readonly totalUsd: number;
  /** Web tasks at web.maxTasks instead of web.minTasks: the ceiling under autoscaling. */
  readonly totalAtMaxTasksUsd: number;
  /** Lines without a price (an instance class missing from the table). */
  readonly unpriced: readonly string[];
  /** Why the table may not fit this stage (age, region). */
  readonly warnings: readonly string[];
}

const money = (usd: number) => Math.round(usd * 100) / 100;

function fargateMonth(cpu: number, memoryMiB: number, arch: "X86_64" | "ARM64", hours: number): number {
  const p = PRICES.fargate[arch];
  return (cpu / 1024) * p.vcpuHour * hours + (memoryMiB / 1024) * p.gbHour * hours;
}

/** The estimate for one validated stage; `today` decides whether the table is stale. */
export function estimateMonthlyCost(stage: Stage, today: Date): CostEstimate {
  const h = HOURS_PER_MONTH;
  const usage = stage.production ? USAGE_ASSUMPTIONS.production : USAGE_ASSUMPTIONS.other;
  const { web, qdrant, database: db, cache, network } = stage;
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  const add = (item: string, basis: string, usd: number | undefined, assumed = false) => {
    lines.push({ item, basis, usd: usd === undefined ? undefined : money(usd), assumed });
    if (usd === undefined) unpriced.push(item);
  };

  const webTask = fargateMonth(web.cpu, web.memoryMiB, web.cpuArchitecture, h);
  add("Web tasks (Fargate)", `${web.minTasks} × ${web.cpu / 1024} vCPU / ${web.memoryMiB / 1024} GiB ${web.cpuArchitecture}, ${h} h`, web.minTasks * webTask);
  add("Qdrant task (Fargate)", `1 × ${qdrant.cpu / 1024} vCPU / ${qdrant.memoryMiB / 1024} GiB, ${h} h`, fargateMonth(qdrant.cpu, qdrant.memoryMiB, "X86_64", h));
  // Snapshot trigger: 0.25 vCPU / 0.5 GiB, ~6 minutes a day; restore drill: Qdrant's size, ~1 hour a week.
  const scheduled = fargateMonth(256, 512, "X86_64", 30 * 0.1) + fargateMonth(qdrant.cpu, qdrant.memoryMiB, "X86_64", 4.35);
  add("Scheduled tasks (Fargate)", "snapshot trigger ~6 min/day, restore drill ~1 h/week", scheduled, true);

  const natCount = network.natGateways === "perAz" ? network.azCount : 1;
  add(
    "NAT gateways",
    `${natCount} × ${h} h + ${usage.natGbProcessed} GB processed (assumed) + ${natCount} public IPv4`,
    natCount * h * (PRICES.natGateway.hour + PRICES.publicIpv4Hour) + usage.natGbProcessed * PRICES.natGateway.gb,
    true,
  );
  add(
    "Application Load Balancer",
    `${h} h + ${usage.albAverageLcu} LCU average (assumed) + ${network.azCount} public IPv4 (one per AZ node)`,
    h * (PRICES.alb.hour + usage.albAverageLcu * PRICES.alb.lcuHour + network.azCount * PRICES.publicIpv4Hour),
    true,
  );
  if (network.interfaceEndpoints) {
    const n = FIXED_COUNTS.interfaceEndpointServices;
    add("Interface VPC endpoints", `${n} services × ${network.azCount} AZs × ${h} h`, n * network.azCount * h * PRICES.interfaceEndpointAzHour);
  }

  const azFactor = db.multiAz ? 2 : 1;
  const dbHour = PRICES.rdsPostgresHour[db.instanceClass];
  add(
    "RDS PostgreSQL instance",
    `${db.instanceClass}${db.multiAz ? " Multi-AZ (×2)" : ""}, ${h} h`,
    dbHour === undefined ? undefined : dbHour * azFactor * h,
  );
  add(
    "RDS storage and backups",
    `${db.allocatedStorageGiB} GiB gp3${db.multiAz ? " ×2" : ""} + one full AWS Backup snapshot`,
    db.allocatedStorageGiB * (PRICES.rdsStorageGbMonth * azFactor + PRICES.backup.rdsSnapshotGbMonth),
  );
  const nodes = cache.replicas + 1;
  const nodeHour = PRICES.elasticacheNodeHour[cache.nodeType];
  add("ElastiCache nodes", `${nodes} × ${cache.nodeType}, ${h} h`, nodeHour === undefined ? undefined : nodes * nodeHour * h);

  add(
    "EFS (Qdrant) and its backups",
    `${usage.efsStoredGb} GB stored, ${usage.efsElasticGbRead} GB read / ${usage.efsElasticGbWritten} GB written (assumed), backup copy`,
    usage.efsStoredGb * (PRICES.efs.standardGbMonth + PRICES.backup.efsGbMonth) +
      (qdrant.efsThroughputMode === "elastic"
        ? usage.efsElasticGbRead * PRICES.efs.elasticReadGb + usage.efsElasticGbWritten * PRICES.efs.elasticWriteGb
        : 0),
    true,
  );
  add("S3 (Qdrant snapshots)", `${usage.snapshotBucketGb} GB (assumed)`, usage.snapshotBucketGb * PRICES.s3GbMonth, true);
  add(
    "CloudWatch",
    `${usage.logIngestGb} GB logs ingested (assumed), ${FIXED_COUNTS.alarms} alarms, ${FIXED_COUNTS.dashboards} dashboard`,
    usage.logIngestGb * PRICES.cloudwatch.logIngestGb +
      FIXED_COUNTS.alarms * PRICES.cloudwatch.alarmMonth +
      FIXED_COUNTS.dashboards * PRICES.cloudwatch.dashboardMonth,
    true,
  );
  add(
    "WAF",
    `1 web ACL, ${FIXED_COUNTS.wafRules} rules, ${usage.wafMillionRequests} M requests (assumed)`,
    PRICES.waf.aclMonth + FIXED_COUNTS.wafRules * PRICES.waf.ruleMonth + usage.wafMillionRequests * PRICES.waf.millionRequests,
    true,
  );
  add(
    "KMS keys and secrets",
    `${FIXED_COUNTS.kmsKeys} keys, ${FIXED_COUNTS.secrets} secrets`,
    FIXED_COUNTS.kmsKeys * PRICES.kmsKeyMonth + FIXED_COUNTS.secrets * PRICES.secretMonth,
  );

  const totalUsd = money(lines.reduce((sum, l) => sum + (l.usd ?? 0), 0));
  const warnings: string[] = [];
  const ageDays = Math.floor((today.getTime() - Date.parse(`${PRICES_AS_OF}T00:00:00Z`)) / 86_400_000);
  if (ageDays > PRICE_TABLE_MAX_AGE_DAYS) {
    warnings.push(`the price table is ${ageDays} days old (more than ${PRICE_TABLE_MAX_AGE_DAYS}): refresh config/prices.ts (its header says how)`);
  }
  if (stage.region !== PRICE_REGION) {
    warnings.push(`the prices are for ${PRICE_REGION}, the stage runs in ${stage.region}: expect differences of a few percent either way`);
  }
  for (const item of unpriced) warnings.push(`${item}: no price in config/prices.ts, left out of the total (add it there)`);
  return {
    lines,
    totalUsd,
    totalAtMaxTasksUsd: money(totalUsd + (web.maxTasks - web.minTasks) * webTask),
    unpriced,
    warnings,
  };
}

/** The printout: one line per item, the total, the budgets it is compared with, the table's date. */
export function formatEstimate(stage: Stage, estimate: CostEstimate): string {
  const usd = (v: number | undefined) => (v === undefined ? "not priced".padStart(10) : `$${v.toFixed(2)}`.padStart(10));
  const itemWidth = Math.max(...estimate.lines.map((l) => l.item.length));
  const out = [
    `Expected monthly cost of ${stage.name} (${stage.region}), USD, on-demand list prices (config/prices.ts, ${PRICE_REGION}, as of ${PRICES_AS_OF}):`,
    "",
    ...estimate.lines.map((l) => `  ${l.item.padEnd(itemWidth)}  ${usd(l.usd)}  ${l.basis}`),
    `  ${"".padEnd(itemWidth, "-")}  ----------`,
    `  ${"Total".padEnd(itemWidth)}  ${usd(estimate.totalUsd)}  web.minTasks (${stage.web.minTasks}) tasks; at web.maxTasks (${stage.web.maxTasks}): ${usd(estimate.totalAtMaxTasksUsd).trim()}`,
    "",
  ];
  const { monthlyBudgetUsd, dailyBudgetUsd } = stage.operations;
  const share = Math.round((estimate.totalUsd / monthlyBudgetUsd) * 100);
  out.push(`operations.monthlyBudgetUsd: $${monthlyBudgetUsd.toFixed(2)} (the expected cost is ${share} % of it)`);
  const perDay = estimate.totalUsd / 30.4;
  out.push(`operations.dailyBudgetUsd:   $${dailyBudgetUsd.toFixed(2)} (the expected cost is $${perDay.toFixed(2)} a day)`);
  if (estimate.totalUsd > monthlyBudgetUsd) out.push("warning: the expected cost exceeds the monthly budget: its alerts will fire every month");
  if (perDay > dailyBudgetUsd) out.push("warning: the expected daily cost exceeds the daily budget: its alert will fire every day");
  out.push(
    "Lines marked by their basis as \"assumed\" rest on USAGE_ASSUMPTIONS in config/prices.ts (traffic, logs, stored data); " +
      "no tax, free tier, Savings Plans or data transfer out to the internet. Estimate, not a bill: compare with Cost Explorer (tag Stage).",
  );
  for (const w of estimate.warnings) out.push(`warning: ${w}`);
  return `${out.join("\n")}\n`;
}

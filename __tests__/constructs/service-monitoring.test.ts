import { TerraformStack } from "cdktf";
import { ALARM_KEYS, ServiceAlarms } from "../../constructs/service-alarms";
import { CostBudget } from "../../constructs/cost-budget";
import { DASHBOARD_WIDGETS } from "../../constructs/service-dashboard";
import { resource, resources, STAGE_NAMES, testApp } from "../helpers/stages";
import { ALB_ARN_SUFFIX, ARNS, webFixtureOf } from "../helpers/web-fixture";

describe.each(STAGE_NAMES)("alarms of %s", (stageName) => {
  const { parsed, stage } = webFixtureOf(stageName);
  const t = stage.operations.alarms;
  const alarms: Record<string, any> = Object.fromEntries(resources(parsed, "aws_cloudwatch_metric_alarm").filter(([id]) => id.startsWith("web-alarms_")).map(([, a]) => [a.alarm_name.replace(`${stage.namePrefix}-`, ""), a]));
  const tg = "${aws_lb_target_group.web_target-group_00CECBCF.arn_suffix}";
  const nodes = Array.from({ length: stage.cache.replicas + 1 }, (_, i) => `${stage.namePrefix}-redis-00${i + 1}`);

  it("has every alarm, each notifying the alarm topic on ALARM and OK", () => {
    expect(Object.keys(alarms).sort()).toEqual([...ALARM_KEYS].sort());
    for (const a of Object.values(alarms) as any[]) {
      expect(a.alarm_actions).toEqual([ARNS.topic]);
      expect(a.ok_actions).toEqual([ARNS.topic]);
      expect(a.alarm_description.length).toBeGreaterThan(40);
    }
  });

  it(`alarms when 5xx (targets + load balancer) exceed ${t.alb5xxRatePercent}% of requests`, () => {
    const a = alarms["alb-5xx-rate"];
    expect(a).toMatchObject({ comparison_operator: "GreaterThanThreshold", threshold: t.alb5xxRatePercent });
    const queries = Object.fromEntries(a.metric_query.map((q: any) => [q.id, q]));
    expect(queries.rate).toMatchObject({ expression: "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests", return_data: true });
    expect(queries.target5xx.metric).toMatchObject({ metric_name: "HTTPCode_Target_5XX_Count", stat: "Sum", dimensions: { LoadBalancer: ALB_ARN_SUFFIX } });
    expect(queries.elb5xx.metric).toMatchObject({ metric_name: "HTTPCode_ELB_5XX_Count", stat: "Sum" });
    expect(queries.requests.metric).toMatchObject({ metric_name: "RequestCount", stat: "Sum" });
  });

  it(`alarms when p95 target response time exceeds ${t.targetResponseTimeP95Seconds} s, and on any unhealthy target`, () => {
    expect(alarms["target-response-time-p95"]).toMatchObject({
      namespace: "AWS/ApplicationELB", metric_name: "TargetResponseTime", extended_statistic: "p95",
      threshold: t.targetResponseTimeP95Seconds, comparison_operator: "GreaterThanThreshold",
      dimensions: { LoadBalancer: ALB_ARN_SUFFIX, TargetGroup: tg },
    });
    expect(alarms["unhealthy-targets"]).toMatchObject({ metric_name: "UnHealthyHostCount", threshold: 0, comparison_operator: "GreaterThanThreshold", statistic: "Maximum" });
  });

  it("alarms on the service's CPU and memory and the database's CPU and free storage (bytes from GiB)", () => {
    const ecs = { ClusterName: "${aws_ecs_cluster.cluster_A4C38409.name}", ServiceName: "${aws_ecs_service.web_service_10983F6A.name}" };
    expect(alarms["service-cpu"]).toMatchObject({ namespace: "AWS/ECS", metric_name: "CPUUtilization", threshold: t.serviceCpuPercent, dimensions: ecs });
    expect(alarms["service-memory"]).toMatchObject({ namespace: "AWS/ECS", metric_name: "MemoryUtilization", threshold: t.serviceMemoryPercent, dimensions: ecs });
    expect(alarms["database-cpu"]).toMatchObject({ namespace: "AWS/RDS", metric_name: "CPUUtilization", threshold: t.databaseCpuPercent });
    expect(alarms["database-free-storage"]).toMatchObject({
      namespace: "AWS/RDS", metric_name: "FreeStorageSpace", comparison_operator: "LessThanThreshold",
      threshold: t.databaseFreeStorageGiB * 1073741824, statistic: "Minimum",
    });
  });

  it("alarms on Redis memory and evictions across every node", () => {
    const memory = alarms["redis-memory"];
    expect(memory).toMatchObject({ threshold: t.redisMemoryPercent, comparison_operator: "GreaterThanThreshold" });
    const memoryNodes = memory.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric.dimensions.CacheClusterId);
    expect(memoryNodes).toEqual(nodes);
    memory.metric_query.filter((q: any) => q.metric).forEach((q: any) => expect(q.metric.metric_name).toBe("DatabaseMemoryUsagePercentage"));
    expect(memory.metric_query.find((q: any) => q.return_data).expression).toMatch(/^MAX\(\[memory0(, memory\d)*\]\)$/);
    const evictions = alarms["redis-evictions"];
    expect(evictions).toMatchObject({ threshold: t.redisEvictions, comparison_operator: "GreaterThanThreshold" });
    expect(evictions.metric_query.find((q: any) => q.return_data).expression).toMatch(/^SUM\(/);
    evictions.metric_query.filter((q: any) => q.metric).forEach((q: any) => expect(q.metric).toMatchObject({ metric_name: "Evictions", stat: "Sum", period: 300 }));
  });

  it("has a dashboard with request rate, error rate, latency percentiles, tasks, CPU/memory, DB connections, Redis memory", () => {
    const body = JSON.parse(resource(parsed, "aws_cloudwatch_dashboard").dashboard_body);
    expect(body.widgets.map((w: any) => w.properties.title)).toEqual([...DASHBOARD_WIDGETS]);
    const metricsOf = (title: string) => JSON.stringify(body.widgets.find((w: any) => w.properties.title === title).properties.metrics);
    expect(metricsOf(DASHBOARD_WIDGETS[2])).toMatch(/p50.*p95.*p99/);
    expect(metricsOf(DASHBOARD_WIDGETS[5])).toContain("DatabaseConnections");
    expect(metricsOf(DASHBOARD_WIDGETS[6])).toContain("DatabaseMemoryUsagePercentage");
  });

  it("has a monthly cost budget for the stage's Stage tag, notifying the topic at each configured threshold", () => {
    const budget = resource(parsed, "aws_budgets_budget");
    expect(budget).toMatchObject({
      budget_type: "COST", time_unit: "MONTHLY", limit_unit: "USD",
      limit_amount: stage.operations.monthlyBudgetUsd.toFixed(2),
      cost_filter: [{ name: "TagKeyValue", values: [`user:Stage$${stageName}`] }],
    });
    expect(budget.notification.map((n: any) => n.threshold)).toEqual([...stage.operations.budgetAlertThresholdsPercent].sort((a, b) => a - b));
    for (const n of budget.notification) {
      expect(n).toMatchObject({ notification_type: "ACTUAL", threshold_type: "PERCENTAGE", comparison_operator: "GREATER_THAN", subscriber_sns_topic_arns: [ARNS.topic] });
    }
  });
});

describe("monitoring constructs", () => {
  it("fails when the budget has no threshold or a repeated one", () => {
    const make = (thresholdsPercent: number[]) => () =>
      new CostBudget(new TerraformStack(testApp(), "s"), "budget", { budgetName: "b", limitUsd: 10, thresholdsPercent, topicArn: "t" });
    expect(make([])).toThrow("CostBudget budget: thresholdsPercent must list at least one threshold, got none");
    expect(make([80, 80])).toThrow("CostBudget budget: thresholdsPercent lists 80 twice");
  });

  it("fails when the alarms are given no Redis node", () => {
    const { stage } = webFixtureOf(STAGE_NAMES[0]);
    expect(
      () =>
        new ServiceAlarms(new TerraformStack(testApp(), "s"), "alarms", {
          namePrefix: "t", alarmTopicArn: "t", thresholds: stage.operations.alarms, loadBalancerArnSuffix: "a", targetGroupArnSuffix: "b",
          clusterName: "c", serviceName: "s", databaseInstanceIdentifier: "d", cacheClusterIds: [],
        }),
    ).toThrow("ServiceAlarms alarms: cacheClusterIds must list at least one node, got none");
  });
});

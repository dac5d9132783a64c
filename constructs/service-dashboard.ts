/**
 * The stage's CloudWatch dashboard: request rate, 5xx error rate, p50/p95/p99
 * latency, running task count, web CPU and memory, database connections and
 * Redis memory, on one page.
 *
 * @example
 * new ServiceDashboard(this, "dashboard", {
 *   dashboardName: "faq-prod", region: "eu-west-1",
 *   loadBalancerArnSuffix: edge.loadBalancer.arnSuffix, targetGroupArnSuffix: web.targetGroup.arnSuffix,
 *   clusterName: cluster.cluster.name, serviceName: web.service.name,
 *   databaseInstanceIdentifier: database.instance.identifier, cacheClusterIds: ["faq-prod-redis-001"],
 * });
 */
import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { MonitoredResources } from "./service-alarms";

export interface ServiceDashboardProps extends MonitoredResources {
  /** Dashboard name. */
  readonly dashboardName: string;
  /** Region of the metrics. */
  readonly region: string;
}

/** Widget titles, in order (tests and docs name them). */
export const DASHBOARD_WIDGETS = [
  "Requests per minute",
  "5xx error rate (%)",
  "Target response time p50 / p95 / p99 (s)",
  "Running tasks",
  "Web CPU and memory (%)",
  "Database connections",
  "Redis memory (%)",
] as const;

export class ServiceDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const lb = ["LoadBalancer", props.loadBalancerArnSuffix];
    const tg = [...lb, "TargetGroup", props.targetGroupArnSuffix];
    const svc = ["ClusterName", props.clusterName, "ServiceName", props.serviceName];
    const [requests, errors, latency, tasks, usage, connections, redis] = DASHBOARD_WIDGETS;
    const widget = (title: string, metrics: unknown[][], extra: Record<string, unknown> = {}) => ({
      type: "metric",
      width: 12,
      height: 6,
      properties: { title, region: props.region, view: "timeSeries", period: 60, metrics, ...extra },
    });

    const widgets = [
      widget(requests, [["AWS/ApplicationELB", "RequestCount", ...lb, { stat: "Sum", label: "requests" }]]),
      widget(
        errors,
        [
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb, { stat: "Sum", id: "t5", visible: false }],
          ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...lb, { stat: "Sum", id: "e5", visible: false }],
          ["AWS/ApplicationELB", "RequestCount", ...lb, { stat: "Sum", id: "rq", visible: false }],
          [{ expression: "100 * (FILL(t5, 0) + FILL(e5, 0)) / rq", label: "5xx %", id: "rate" }],
        ],
      ),
      widget(latency, ["p50", "p95", "p99"].map((stat) => ["AWS/ApplicationELB", "TargetResponseTime", ...tg, { stat, label: stat }])),
      widget(tasks, [
        ["ECS/ContainerInsights", "RunningTaskCount", ...svc, { stat: "Average", label: "running" }],
        ["ECS/ContainerInsights", "DesiredTaskCount", ...svc, { stat: "Average", label: "desired" }],
      ]),
      widget(usage, [
        ["AWS/ECS", "CPUUtilization", ...svc, { stat: "Average", label: "CPU" }],
        ["AWS/ECS", "MemoryUtilization", ...svc, { stat: "Average", label: "memory" }],
      ]),
      widget(connections, [["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", props.databaseInstanceIdentifier, { stat: "Maximum" }]]),
      widget(
        redis,
        props.cacheClusterIds.map((node) => ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", node, { stat: "Maximum" }]),
      ),
    ];

    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify({ widgets }),
    });
  }
}

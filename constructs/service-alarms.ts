/**
 * The stage's CloudWatch alarms, thresholds from config, every state change
 * (ALARM and back to OK) published to the alarm topic: load balancer 5xx rate
 * and p95 latency, unhealthy targets, web service CPU and memory, database CPU
 * and free storage, Redis memory and evictions.
 *
 * @example
 * const alarms = new ServiceAlarms(this, "web-alarms", {
 *   namePrefix: "faq-prod", alarmTopicArn: alarmTopic.topic.arn, thresholds: stage.operations.alarms,
 *   loadBalancerArnSuffix: edge.loadBalancer.arnSuffix, targetGroupArnSuffix: web.targetGroup.arnSuffix,
 *   clusterName: cluster.cluster.name, serviceName: web.service.name,
 *   databaseInstanceIdentifier: database.instance.identifier,
 *   cacheClusterIds: ["faq-prod-redis-001", "faq-prod-redis-002"],
 * });
 */
import { Construct } from "constructs";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DEPLOYMENT_ALARM_KEYS, DEPLOYMENT_ALARM_TIMING } from "../config/capacity";
import type { StageConfig } from "../config/schema";

/** The stage's validated `operations.alarms` section. */
export type AlarmThresholds = StageConfig["operations"]["alarms"];

/** What the alarms and the dashboard watch: the web path's resources, by the names CloudWatch dimensions use. */
export interface MonitoredResources {
  /** ARN suffix of the load balancer (`app/<name>/<id>`). */
  readonly loadBalancerArnSuffix: string;
  /** ARN suffix of the web target group (`targetgroup/<name>/<id>`). */
  readonly targetGroupArnSuffix: string;
  /** ECS cluster name. */
  readonly clusterName: string;
  /** Web service name. */
  readonly serviceName: string;
  /** RDS instance identifier. */
  readonly databaseInstanceIdentifier: string;
  /** ElastiCache node (cache cluster) IDs of the replication group: `<group id>-001`, `-002`, ... */
  readonly cacheClusterIds: readonly string[];
}

export interface ServiceAlarmsProps extends MonitoredResources {
  /** Prefix of alarm names. */
  readonly namePrefix: string;
  /** SNS topic notified on ALARM and on OK. */
  readonly alarmTopicArn: string;
  /** Thresholds. */
  readonly thresholds: AlarmThresholds;
}

/** The alarms, by key (the key is also the suffix of the alarm name). */
export const ALARM_KEYS = [
  "alb-5xx-rate",
  "target-response-time-p95",
  "unhealthy-targets",
  "service-cpu",
  "service-memory",
  "database-cpu",
  "database-free-storage",
  "redis-memory",
  "redis-evictions",
] as const;
export type AlarmKey = (typeof ALARM_KEYS)[number];
export { DEPLOYMENT_ALARM_KEYS, DEPLOYMENT_ALARM_TIMING };
// Every deployment alarm is one of the alarms above.
const _deploymentAlarmsAreAlarms: readonly AlarmKey[] = DEPLOYMENT_ALARM_KEYS;
void _deploymentAlarmsAreAlarms;

const GIB = 1024 ** 3;

/** Alarm name of `key` for a stage's name prefix. */
export function alarmName(namePrefix: string, key: AlarmKey): string {
  return `${namePrefix}-${key}`;
}

export class ServiceAlarms extends Construct {
  /** Every alarm, by key. */
  public readonly alarms: Record<AlarmKey, CloudwatchMetricAlarm>;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const fast = DEPLOYMENT_ALARM_TIMING;
    if (props.cacheClusterIds.length === 0) throw new Error(`ServiceAlarms ${id}: cacheClusterIds must list at least one node, got none`);

    const alb = { LoadBalancer: props.loadBalancerArnSuffix };
    const albTarget = { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: props.targetGroupArnSuffix };
    const ecs = { ClusterName: props.clusterName, ServiceName: props.serviceName };
    const rds = { DBInstanceIdentifier: props.databaseInstanceIdentifier };

    type AlarmSpec = Omit<CloudwatchMetricAlarmConfig, "alarmName" | "alarmActions" | "okActions"> & { alarmDescription: string };
    const alarm = (key: AlarmKey, spec: AlarmSpec) =>
      new CloudwatchMetricAlarm(this, key, {
        alarmName: alarmName(props.namePrefix, key),
        alarmActions: [props.alarmTopicArn],
        okActions: [props.alarmTopicArn],
        treatMissingData: "notBreaching",
        ...spec,
      });
    const metric = (id: string, namespace: string, metricName: string, dimensions: Record<string, string>, stat: string, period = 60) => ({
      id,
      returnData: false,
      metric: { namespace, metricName, dimensions, stat, period },
    });
    const nodes = props.cacheClusterIds.map((node, i) => ({ node, i }));

    this.alarms = {
      "alb-5xx-rate": alarm("alb-5xx-rate", {
        alarmDescription:
          `More than ${t.alb5xxRatePercent}% of requests answered 5xx (by the targets or the load balancer itself) ` +
          `in ${fast.datapointsToAlarm} of ${fast.evaluationPeriods} minutes: check the web service's events, the django and nginx logs, ` +
          "and recent deploys (during a deploy this alarm rolls the service back).",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.alb5xxRatePercent,
        evaluationPeriods: fast.evaluationPeriods,
        datapointsToAlarm: fast.datapointsToAlarm,
        metricQuery: [
          metric("target5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", alb, "Sum"),
          metric("elb5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", alb, "Sum"),
          metric("requests", "AWS/ApplicationELB", "RequestCount", alb, "Sum"),
          {
            id: "rate",
            label: "5xx responses, % of requests",
            expression: "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests",
            returnData: true,
          },
        ],
      }),
      "target-response-time-p95": alarm("target-response-time-p95", {
        alarmDescription:
          `p95 target response time above ${t.targetResponseTimeP95Seconds} s in ${fast.datapointsToAlarm} of ${fast.evaluationPeriods} minutes: ` +
          "slow queries, Gemini latency, or too few tasks (check CPU and the scaling activity); during a deploy this alarm rolls the service back.",
        namespace: "AWS/ApplicationELB",
        metricName: "TargetResponseTime",
        dimensions: albTarget,
        extendedStatistic: "p95",
        period: fast.periodSeconds,
        evaluationPeriods: fast.evaluationPeriods,
        datapointsToAlarm: fast.datapointsToAlarm,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.targetResponseTimeP95Seconds,
      }),
      "unhealthy-targets": alarm("unhealthy-targets", {
        alarmDescription:
          "At least one web task has failed the load balancer health check for 3 minutes: " +
          "see the target group's health reasons and the task's stopped reason.",
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions: albTarget,
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 3,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
      }),
      "service-cpu": alarm("service-cpu", {
        alarmDescription:
          `Web service average CPU above ${t.serviceCpuPercent}% for 5 minutes: autoscaling may be at web.maxTasks, ` +
          "or a request path is CPU-bound (embeddings).",
        namespace: "AWS/ECS",
        metricName: "CPUUtilization",
        dimensions: ecs,
        statistic: "Average",
        period: 60,
        evaluationPeriods: 5,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.serviceCpuPercent,
      }),
      "service-memory": alarm("service-memory", {
        alarmDescription:
          `Web service average memory above ${t.serviceMemoryPercent}% for 5 minutes: tasks near their limit are ` +
          "OOM-killed; raise web.memoryMiB or lower the Gunicorn workers.",
        namespace: "AWS/ECS",
        metricName: "MemoryUtilization",
        dimensions: ecs,
        statistic: "Average",
        period: 60,
        evaluationPeriods: 5,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.serviceMemoryPercent,
      }),
      "database-cpu": alarm("database-cpu", {
        alarmDescription:
          `Database CPU above ${t.databaseCpuPercent}% for 10 minutes: look at slow statements in the PostgreSQL log ` +
          "and Performance Insights; consider a larger database.instanceClass.",
        namespace: "AWS/RDS",
        metricName: "CPUUtilization",
        dimensions: rds,
        statistic: "Average",
        period: 300,
        evaluationPeriods: 2,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.databaseCpuPercent,
      }),
      "database-free-storage": alarm("database-free-storage", {
        alarmDescription:
          `Database free storage below ${t.databaseFreeStorageGiB} GiB: storage autoscaling may be at ` +
          "database.maxAllocatedStorageGiB; raise it before the instance fills up.",
        namespace: "AWS/RDS",
        metricName: "FreeStorageSpace",
        dimensions: rds,
        statistic: "Minimum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "LessThanThreshold",
        threshold: t.databaseFreeStorageGiB * GIB,
        unit: "Bytes",
      }),
      "redis-memory": alarm("redis-memory", {
        alarmDescription:
          `Redis memory use above ${t.redisMemoryPercent}% on a node for 10 minutes: keys will be evicted soon; ` +
          "lower CACHE_TTL or choose a larger cache.nodeType.",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.redisMemoryPercent,
        evaluationPeriods: 2,
        metricQuery: [
          ...nodes.map(({ node, i }) =>
            metric(`memory${i}`, "AWS/ElastiCache", "DatabaseMemoryUsagePercentage", { CacheClusterId: node }, "Maximum", 300),
          ),
          {
            id: "memory",
            label: "Highest memory use of a node, %",
            expression: `MAX([${nodes.map(({ i }) => `memory${i}`).join(", ")}])`,
            returnData: true,
          },
        ],
      }),
      "redis-evictions": alarm("redis-evictions", {
        alarmDescription:
          `More than ${t.redisEvictions} Redis evictions in 5 minutes: the cache is full and drops keys ` +
          "(sessions, cached answers); see the redis-memory alarm.",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.redisEvictions,
        evaluationPeriods: 1,
        metricQuery: [
          ...nodes.map(({ node, i }) => metric(`evictions${i}`, "AWS/ElastiCache", "Evictions", { CacheClusterId: node }, "Sum", 300)),
          {
            id: "evictions",
            label: "Evictions, all nodes",
            expression: `SUM([${nodes.map(({ i }) => `evictions${i}`).join(", ")}])`,
            returnData: true,
          },
        ],
      }),
    };
  }
}

/**
 * Alarms on what only the application's log says: the LLM provider refusing a
 * request for quota (HTTP 429 or RESOURCE_EXHAUSTED) and unhandled exceptions.
 * Metric filters on the app container's log group count the matching lines; an
 * alarm per metric publishes ALARM and OK to the stage's alarm topic.
 *
 * The quota pattern is part of the app contract (docs/operations.md): the app logs
 * one line containing `LLM_QUOTA_EXCEEDED` per refused LLM call. An unhandled
 * exception is a line containing `UNHANDLED_EXCEPTION` (the app's 500 handler) or
 * the first line of a Python traceback, which Gunicorn and Django print for
 * errors nothing caught.
 *
 * @example
 * new AppLogAlarms(this, "app-log-alarms", {
 *   namePrefix: "faq-prod", logGroupName: web.logGroups.django.name, alarmTopicArn: alarmTopic.topic.arn,
 *   llmQuotaErrorsPer5Minutes: 0, unhandledExceptionsPer5Minutes: 5,
 * });
 */
import { Construct } from "constructs";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";

/** The token the app writes in one log line per LLM call refused for quota (the app contract). */
export const LLM_QUOTA_MARKER = "LLM_QUOTA_EXCEEDED";
/** The token the app's error handler writes for an exception nothing else caught (the app contract). */
export const UNHANDLED_EXCEPTION_MARKER = "UNHANDLED_EXCEPTION";
/** First line of every Python traceback. */
export const TRACEBACK_LINE = "Traceback (most recent call last)";

/** CloudWatch Logs filter patterns (term matches; `?` joins alternatives). */
export const LOG_PATTERNS = {
  llmQuotaErrors: `"${LLM_QUOTA_MARKER}"`,
  unhandledExceptions: `?"${UNHANDLED_EXCEPTION_MARKER}" ?"${TRACEBACK_LINE}"`,
} as const;

export interface AppLogAlarmsProps {
  /** Prefix of alarm, filter and metric namespace names. */
  readonly namePrefix: string;
  /** Log group of the application container. */
  readonly logGroupName: string;
  /** SNS topic notified on ALARM and on OK. */
  readonly alarmTopicArn: string;
  /** Alarm when more quota errors than this are logged in 5 minutes (0: the first one). */
  readonly llmQuotaErrorsPer5Minutes: number;
  /** Alarm when more unhandled exceptions than this are logged in 5 minutes. */
  readonly unhandledExceptionsPer5Minutes: number;
  /**
   * CloudWatch namespace of the metrics.
   * @default `DjangoFaq/${namePrefix}`
   */
  readonly metricNamespace?: string;
}

export class AppLogAlarms extends Construct {
  /** Metric filters, by metric. */
  public readonly metricFilters: Record<keyof typeof LOG_PATTERNS, CloudwatchLogMetricFilter>;
  /** Alarms, by metric. */
  public readonly alarms: Record<keyof typeof LOG_PATTERNS, CloudwatchMetricAlarm>;

  constructor(scope: Construct, id: string, props: AppLogAlarmsProps) {
    super(scope, id);
    const namespace = props.metricNamespace ?? `DjangoFaq/${props.namePrefix}`;
    for (const [name, value] of [
      ["llmQuotaErrorsPer5Minutes", props.llmQuotaErrorsPer5Minutes],
      ["unhandledExceptionsPer5Minutes", props.unhandledExceptionsPer5Minutes],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) throw new Error(`AppLogAlarms ${id}: ${name} must be a whole number >= 0, got ${value}`);
    }
    const specs = {
      llmQuotaErrors: {
        metricName: "LlmQuotaErrors",
        threshold: props.llmQuotaErrorsPer5Minutes,
        description: `The LLM provider refused calls for quota (log lines with ${LLM_QUOTA_MARKER}): answers fail until the quota resets or is raised.`,
      },
      unhandledExceptions: {
        metricName: "UnhandledExceptions",
        threshold: props.unhandledExceptionsPer5Minutes,
        description: "Unhandled exceptions in the application log (tracebacks or UNHANDLED_EXCEPTION lines): read the django container's log group.",
      },
    } as const;
    const keys = Object.keys(specs) as (keyof typeof specs)[];
    this.metricFilters = {} as AppLogAlarms["metricFilters"];
    this.alarms = {} as AppLogAlarms["alarms"];
    for (const key of keys) {
      const spec = specs[key];
      const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      this.metricFilters[key] = new CloudwatchLogMetricFilter(this, `${kebab}-filter`, {
        name: `${props.namePrefix}-${kebab}`,
        logGroupName: props.logGroupName,
        pattern: LOG_PATTERNS[key],
        // No defaultValue: periods without a match have no data, which the alarm treats as OK.
        metricTransformation: { name: spec.metricName, namespace, value: "1", unit: "Count" },
      });
      this.alarms[key] = new CloudwatchMetricAlarm(this, kebab, {
        alarmName: `${props.namePrefix}-${kebab}`,
        alarmDescription: spec.description,
        namespace,
        metricName: spec.metricName,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: spec.threshold,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [props.alarmTopicArn],
        okActions: [props.alarmTopicArn],
        dependsOn: [this.metricFilters[key]],
      });
    }
  }
}

/**
 * Config sections of the operational requirements: the Qdrant restore drill, the
 * WAF rate rules beside the per-IP limit, the limits the application enforces
 * itself (through Redis), and the daily budget and alarm subscribers. Each is a
 * zod schema that config/schema.ts places in its section, with defaults so a stage
 * states only what it changes. Documented in docs/CONFIG.md.
 */
import { z } from "zod";
import { parseIpv4Cidr } from "./cidr";

const int = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

/** `qdrant.restoreDrill`: the weekly restore of the latest S3 snapshot into a throwaway Qdrant. */
export const restoreDrillSchema = (isScheduleExpression: (expr: string) => boolean) =>
  z
    .strictObject({
      /** When the drill runs (EventBridge Scheduler expression, UTC). @default "cron(0 5 ? * MON *)" (Mondays 05:00) */
      schedule: z
        .string({ error: "must be a schedule expression" })
        .refine(isScheduleExpression, { error: 'is not a valid cron(...) or rate(...) expression such as "cron(0 5 ? * MON *)"' })
        .default("cron(0 5 ? * MON *)"),
      /** The drill fails when the newest snapshot is older than this; at least the snapshot interval. @default 26 */
      maxSnapshotAgeHours: int(1, 24 * 366).default(26),
      /** Allowed difference between the restored and the live point count, in percent of the live count. @default 0 */
      pointCountTolerancePercent: z
        .number({ error: "must be a number" })
        .min(0, { error: "must be at least 0" })
        .max(100, { error: "must be at most 100" })
        .default(0),
    })
    .default({ schedule: "cron(0 5 ? * MON *)", maxSnapshotAgeHours: 26, pointCountTolerancePercent: 0 });

/** `edge.wafQueryRateLimit`: a tighter per-IP limit on the query endpoint, counted over 60 seconds. */
export const wafQueryRateLimitSchema = z
  .strictObject({
    /** Path prefix of the query endpoint (the app's route); the rule counts requests whose path starts with it. @default "/api/query/" */
    pathPrefix: z
      .string({ error: "must be a path" })
      .regex(/^\/[A-Za-z0-9._~\/-]*$/, { error: 'is not an absolute URL path such as "/api/query/"' })
      .default("/api/query/"),
    /** Requests one client IP may send to that path per 60 seconds (WAF accepts 10 and above). @default 60 */
    limitPer60Seconds: int(10, 2_000_000_000).default(60),
  })
  .default({ pathPrefix: "/api/query/", limitPer60Seconds: 60 });

/** `edge.wafRateLimitAllowlistCidrs`: source ranges the rate rules never count (load-test agents). */
export const wafAllowlistSchema = z
  .array(
    z.string({ error: "must be an IPv4 CIDR" }).refine((c) => parseIpv4Cidr(c) !== undefined, { error: "is not a valid IPv4 CIDR" }),
    { error: "must be a list of IPv4 CIDRs" },
  )
  .default([]);

/** `web.appRateLimits`: the limits the WAF cannot express, enforced by the application in Redis. */
export const appRateLimitsSchema = z
  .strictObject({
    /** Queries one session may make per minute (RATE_LIMIT_QUERIES_PER_SESSION_PER_MINUTE). @default 10 */
    queriesPerSessionPerMinute: int(1).default(10),
    /** Queries one client IP may make per UTC day (RATE_LIMIT_QUERIES_PER_IP_PER_DAY). @default 1000 */
    queriesPerIpPerDay: int(1).default(1000),
    /** Prefix of the Redis keys of the counters (RATE_LIMIT_REDIS_KEY_PREFIX). @default "ratelimit" */
    redisKeyPrefix: z
      .string({ error: "must be a key prefix" })
      .regex(/^[A-Za-z0-9:_-]{1,64}$/, { error: "is not 1-64 letters, digits, ':', '_' or '-'" })
      .default("ratelimit"),
  })
  .default({ queriesPerSessionPerMinute: 10, queriesPerIpPerDay: 1000, redisKeyPrefix: "ratelimit" });

/** `operations.dailyBudgetUsd`: the daily cost budget. */
export const dailyBudgetUsdSchema = z.number({ error: "must be a number" }).positive({ error: "must be above 0" });

/** `operations.dailyBudgetAlertThresholdsPercent`: notifications of the daily budget. @default [100] */
export const dailyBudgetThresholdsSchema = z.array(int(1, 1000)).min(1, { error: "must list at least one threshold" }).default([100]);

/** `operations.noAlarmSubscriberReason`: why a stage may have no alarm subscriber (else alarmEmail is required). */
export const noAlarmSubscriberReasonSchema = z
  .string({ error: "must be a sentence" })
  .min(20, { error: "must explain in at least 20 characters who watches the alarms instead" })
  .optional();

/** The environment the application reads its own rate limits from (see docs/operations.md). */
export function appRateLimitEnvironment(limits: z.output<typeof appRateLimitsSchema>): Record<string, string> {
  return {
    RATE_LIMIT_QUERIES_PER_SESSION_PER_MINUTE: String(limits.queriesPerSessionPerMinute),
    RATE_LIMIT_QUERIES_PER_IP_PER_DAY: String(limits.queriesPerIpPerDay),
    RATE_LIMIT_REDIS_KEY_PREFIX: limits.redisKeyPrefix,
  };
}

/**
 * Hours between two runs of a schedule expression, where that is simple to read:
 * rate(...), or a cron that runs every day (day-of-month `*` or `?` with day-of-week `*` or `?`),
 * once per hour field value. Undefined for anything else (weekly, monthly, lists of days).
 */
export function scheduleIntervalHours(expr: string): number | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    return rate[2].startsWith("minute") ? n / 60 : rate[2].startsWith("hour") ? n : n * 24;
  }
  const cron = /^cron\((.+)\)$/.exec(expr);
  if (!cron) return undefined;
  const [, hours, dayOfMonth, month, dayOfWeek] = cron[1].trim().split(/\s+/);
  const everyDay = ["*", "?"].includes(dayOfMonth) && ["*", "?"].includes(dayOfWeek) && month === "*";
  if (!everyDay) return undefined;
  if (/^\d+$/.test(hours)) return 24;
  if (/^\d+(,\d+)+$/.test(hours)) {
    const h = hours.split(",").map(Number).sort((a, b) => a - b);
    return Math.max(...h.map((v, i) => (i === 0 ? v + 24 - h[h.length - 1] : v - h[i - 1])));
  }
  return undefined;
}

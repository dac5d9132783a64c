/**
 * The schema of one stage's configuration. Every difference between staging and
 * production is a value checked here; constructs only obey what the config says.
 *
 * Rules that concern one field live on the field; rules that span fields are the
 * `crossFieldRules` at the end (run by config/load.ts on the stage as far as it parsed,
 * see config/partial.ts), each reporting the path of the field to change.
 * Messages are predicates ("is not a valid IPv4 CIDR"): the loader prefixes them
 * with the path and the value received (see `config/load.ts`).
 */
import { z } from "zod";
import { parseIpv4Cidr } from "./cidr";
import { DEFAULT_GEMINI_MODEL, DEFAULT_RAG_SIMILARITY_THRESHOLD, GEMINI_MODELS } from "./gemini-models";
import { compareVersions, MIN_QDRANT_VERSION } from "./qdrant-version";
import { capacityPlan, ROLLING_DEPLOY_FACTOR, SIDECAR_MEMORY_MIB } from "./capacity";
import { fargateSizeProblem, postgresMaxConnections } from "./sizing";
import { dailyOverlapsWeekly, windowMinutes } from "./windows";
import {
  appRateLimitsSchema,
  dailyBudgetThresholdsSchema,
  dailyBudgetUsdSchema,
  noAlarmSubscriberReasonSchema,
  restoreDrillSchema,
  wafAllowlistSchema,
  wafQueryRateLimitSchema,
} from "./operations";

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** TLS 1.3 listener policies of Application Load Balancers (all keep TLS 1.2 as the floor or better). */
export const TLS13_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
] as const;

const HOSTNAME =
  /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const S3_BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const WEEKLY_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
const DAILY_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

const int = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const bool = () => z.boolean({ error: "must be true or false" });

const text = (pattern: RegExp, what: string) =>
  z.string({ error: `must be ${what}` }).regex(pattern, { error: `is not ${what}` });

const logRetentionDays = z
  .number({ error: "must be a number" })
  .refine((d) => (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(d), {
    error: `is not a CloudWatch Logs retention period (one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")})`,
  });

const ipv4Cidr = z.string({ error: "must be an IPv4 CIDR" }).refine((c) => parseIpv4Cidr(c) !== undefined, {
  error: "is not a valid IPv4 CIDR",
});

/** EventBridge Scheduler expression: `rate(1 day)` or a six-field `cron(...)`. */
function isScheduleExpression(expr: string): boolean {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    return n >= 1 && (n === 1) === !rate[2].endsWith("s");
  }
  const cron = /^cron\((.+)\)$/.exec(expr);
  if (!cron) return false;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return false;
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  const numeric = (f: string, lo: number, hi: number) =>
    f === "*" ||
    f.split(",").every((part) => {
      const m = /^(\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part) ?? /^\*\/(\d+)$/.exec(part);
      if (!m) return false;
      return m.slice(1, 3).every((v) => v === undefined || (Number(v) >= lo && Number(v) <= hi));
    });
  // Exactly one of day-of-month and day-of-week must be "?" (EventBridge rule).
  const dayFields = (dayOfMonth === "?") !== (dayOfWeek === "?");
  return (
    numeric(minutes, 0, 59) &&
    numeric(hours, 0, 23) &&
    (dayOfMonth === "?" || /^(\*|L|W|\d{1,2}W?|[\d,\-/]+)$/.test(dayOfMonth)) &&
    (month === "*" || /^([\d,\-/]+|[A-Z,\-]+)$/.test(month)) &&
    (dayOfWeek === "?" || /^(\*|[1-7A-Z,\-#L/]+)$/.test(dayOfWeek)) &&
    (year === "*" || /^[\d,\-/*]+$/.test(year)) &&
    dayFields
  );
}

const fargateCpu = z.union([256, 512, 1024, 2048, 4096, 8192, 16384].map((v) => z.literal(v)), {
  error: "is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192 or 16384 units)",
});

const stateSchema = z.strictObject({
  /** S3 bucket holding Terraform state (created by the `state-bootstrap` stack). */
  bucket: text(S3_BUCKET, "a valid S3 bucket name"),
  /** Object key of this stage's state; must differ between stages sharing a bucket. */
  key: text(/^[A-Za-z0-9!_.*'()\/-]+\.tfstate$/, "an S3 key ending in .tfstate"),
  /** Region of the state bucket. */
  region: text(REGION, "an AWS region such as eu-west-1"),
  /** IAM role names that may use the state bucket's KMS key: the stage's plan and deploy roles (and any role that runs Terraform by hand). */
  accessRoleNames: z
    .array(text(/^[\w+=,.@-]{1,64}$/, "an IAM role name (not an ARN)"), { error: "must be a list of IAM role names" })
    .min(1, { error: "must name at least the stage's plan and deploy roles" }),
});

const domainSchema = z.strictObject({
  /** Public hostname of the application, e.g. faq.example.com. */
  name: text(HOSTNAME, "a lower-case hostname such as faq.example.com"),
  /** Route 53 public hosted zone: an ACM certificate is issued and DNS-validated in it, and the alias records go there. */
  hostedZoneId: text(/^Z[A-Z0-9]{1,32}$/, "a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ").optional(),
  /** Existing ACM certificate to use instead of issuing one (DNS is then managed outside this stack). */
  certificateArn: text(
    /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
    "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)",
  ).optional(),
  /** Extra names on the issued certificate (only with hostedZoneId). */
  subjectAlternativeNames: z
    .array(text(HOSTNAME, "a lower-case hostname"), { error: "must be a list of hostnames" })
    .default([]),
});

const networkSchema = z.strictObject({
  /** VPC range, /16 to /24; every subnet is derived from it. */
  vpcCidr: ipv4Cidr,
  /** Availability zones to spread over: 2 or 3. */
  azCount: z.union([z.literal(2), z.literal(3)], { error: "must be 2 or 3 availability zones" }),
  /** Availability zone IDs (`euw1-az1`), one per azCount, in subnet order; default: the region's first azCount in config/regions.ts. */
  azIds: z.array(text(/^[a-z]{2,5}\d-az\d{1,2}$/, 'an availability zone ID such as "euw1-az1"'), { error: "must be a list of availability zone IDs" }).optional(),
  /** "single": one NAT gateway shared by all AZs (cheaper); "perAz": one per AZ (survives an AZ outage). */
  natGateways: z.enum(["single", "perAz"], { error: 'must be "single" or "perAz"' }),
  /** Interface endpoints for ECR, CloudWatch Logs, Secrets Manager, SSM (keeps that traffic off the NAT). */
  interfaceEndpoints: bool(),
});

const edgeSchema = z.strictObject({
  /** Listener TLS policy; only TLS 1.3 policies are accepted. */
  sslPolicy: z.enum(TLS13_POLICIES, { error: `must be one of ${TLS13_POLICIES.join(", ")}` }),
  /** Load balancer idle timeout. */
  idleTimeoutSeconds: int(1, 4000),
  /** Deletion protection on the load balancer (required in a production stage). */
  deletionProtection: bool(),
  /** Dual-stack (IPv4 + IPv6) load balancer and AAAA record. */
  ipv6: bool(),
  /** Days access-log objects are kept. */
  accessLogExpirationDays: int(1, 3650),
  /**
   * WAF rate-based rule: requests one client IP may send per 5-minute window before it is blocked (with 429)
   * until its rate falls. WAF accepts 10 to 2,000,000,000. See docs/edge.md for how 300 was chosen.
   */
  wafRateLimitPer5Minutes: z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(10, { error: "must be at least 10 (the lowest limit a WAF rate-based rule accepts)" })
    .max(2_000_000_000, { error: "must be at most 2000000000 (the highest limit a WAF rate-based rule accepts)" }),
  /** A tighter per-IP rate rule on the query endpoint, counted over 60 seconds (docs/operations.md). */
  wafQueryRateLimit: wafQueryRateLimitSchema,
  /** Source CIDRs both rate rules ignore (load-test agents); empty by default. */
  wafRateLimitAllowlistCidrs: wafAllowlistSchema,
});

const databaseSchema = z.strictObject({
  /** PostgreSQL major version, "15": RDS applies minor versions itself (auto minor version upgrade), so the plan never sees them. */
  engineVersion: text(/^15$/, 'the PostgreSQL major version "15" (minor versions are applied automatically)'),
  /** RDS instance class. */
  instanceClass: text(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'an RDS instance class such as "db.t4g.medium"'),
  /** Initial storage. */
  allocatedStorageGiB: int(20, 65536),
  /** Storage autoscaling ceiling. */
  maxAllocatedStorageGiB: int(20, 65536),
  /** Standby in a second AZ. */
  multiAz: bool(),
  /** Automated backup retention, 0-35 days. */
  backupRetentionDays: int(0, 35),
  /** RDS deletion protection. */
  deletionProtection: bool(),
  /** Take a final snapshot when the instance is destroyed. */
  finalSnapshot: bool(),
  /** Performance Insights (KMS-encrypted, 7 days free tier retention). */
  performanceInsights: bool(),
  /** Enhanced monitoring interval; 0 turns it off. */
  monitoringIntervalSeconds: z.union([0, 1, 5, 10, 15, 30, 60].map((v) => z.literal(v)), {
    error: "must be one of 0, 1, 5, 10, 15, 30, 60",
  }),
  /** Statements slower than this are logged (log_min_duration_statement). */
  slowStatementThresholdMs: int(0, 3_600_000),
  /** Weekly maintenance window (UTC), ddd:hh:mm-ddd:hh:mm. */
  maintenanceWindow: text(WEEKLY_WINDOW, 'a weekly window such as "sun:03:00-sun:04:00"'),
  /** Daily backup window (UTC), hh:mm-hh:mm. */
  backupWindow: text(DAILY_WINDOW, 'a daily window such as "01:00-01:30"'),
  /** Name of the application database. */
  databaseName: text(IDENTIFIER, "a lower-case SQL identifier"),
  /** Master user name (its password is generated and kept by RDS in Secrets Manager); only the migration task uses it. */
  masterUsername: text(IDENTIFIER, "a lower-case SQL identifier"),
  /** The application's own role (DB_USER of the web containers): IAM authentication, rows only; created by the migration task. */
  appUsername: text(IDENTIFIER, "a lower-case SQL identifier"),
  /** Days between rotations of the RDS-managed master password (RDS's own default is 7). */
  masterPasswordRotationDays: int(1, 365),
  /** Override of max_connections when the instance class is not in the built-in memory table. */
  maxConnections: int(10, 5000).optional(),
});

const cacheSchema = z.strictObject({
  /** "redis" (Redis OSS) or "valkey". */
  engine: z.enum(["redis", "valkey"], { error: 'must be "redis" or "valkey"' }),
  /** Engine version, e.g. "7.1". */
  engineVersion: text(/^\d+\.\d+$/, 'an engine version such as "7.1"'),
  /** Parameter group family matching engine and version, e.g. "redis7". */
  parameterGroupFamily: text(/^(redis|valkey)\d+(\.0|\.x)?$/, 'a parameter group family such as "redis7"'),
  /** Node type. */
  nodeType: text(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'an ElastiCache node type such as "cache.t4g.small"'),
  /** Read replicas besides the primary, 0-5. */
  replicas: int(0, 5),
  /** Promote a replica when the primary fails. */
  automaticFailover: bool(),
  /** Place replicas in other AZs than the primary. */
  multiAz: bool(),
  /** Daily snapshots kept, 0-35 (0 turns snapshots off). */
  snapshotRetentionDays: int(0, 35),
  /** Weekly maintenance window (UTC). */
  maintenanceWindow: text(WEEKLY_WINDOW, 'a weekly window such as "sun:05:00-sun:06:00"'),
  /** Daily snapshot window (UTC). */
  snapshotWindow: text(DAILY_WINDOW, 'a daily window such as "03:00-04:00"'),
});

const healthCheckSchema = z.strictObject({
  /** Django health path; travels through nginx to Gunicorn. */
  path: text(/^\/[A-Za-z0-9._~\/-]*$/, 'an absolute URL path such as "/health/"'),
  /** Seconds between checks. */
  intervalSeconds: int(5, 300),
  /** Seconds before a check counts as failed; below the interval. */
  timeoutSeconds: int(2, 120),
  /** Consecutive successes before a target is healthy. */
  healthyThreshold: int(2, 10),
  /** Consecutive failures before a target is unhealthy. */
  unhealthyThreshold: int(2, 10),
});

const loadSchema = z.strictObject({
  /** Users sending questions at once (closed loop: each waits for its answer before the next). */
  concurrentUsers: int(1, 1_000_000),
  /** How long an answer waits on the LLM API, seconds. @default { min: 2, max: 5 } */
  llmWaitSeconds: z
    .strictObject({
      min: z.number({ error: "must be a number" }).gt(0, { error: "must be above 0" }),
      max: z.number({ error: "must be a number" }).gt(0, { error: "must be above 0" }),
    })
    .default({ min: 2, max: 5 }),
  /** Extra slots above concurrentUsers, percent. @default 50 */
  headroomPercent: int(0, 1000).default(50),
});

const webSchema = z.strictObject({
  /** Task CPU units (1024 = 1 vCPU). */
  cpu: fargateCpu,
  /** Task memory; must be a Fargate combination with cpu. */
  memoryMiB: int(512, 122880),
  /** Gunicorn worker processes. @default floor(2 × vCPU) + 1 */
  gunicornWorkers: int(1, 64).optional(),
  /** Gunicorn worker class: gthread (threads wait on the LLM API concurrently) or sync (one request per worker). @default "gthread" */
  gunicornWorkerClass: z.enum(["gthread", "sync"], { error: 'must be "gthread" or "sync"' }).default("gthread"),
  /** Gunicorn threads per worker: answers a worker holds at once (each may hold a database connection). */
  gunicornThreads: int(1, 64),
  /** Gunicorn --max-requests: a worker is recycled after this many requests (bounds slow leaks). @default 1000 */
  gunicornMaxRequests: int(1, 1_000_000).default(1000),
  /** Gunicorn --max-requests-jitter: random extra requests so workers don't all recycle together. @default 100 */
  gunicornMaxRequestsJitter: int(0, 1_000_000).default(100),
  /** Gunicorn --preload: import the app once in the master and fork workers from it (shares the model's memory). @default false */
  gunicornPreload: z.boolean({ error: "must be true or false" }).default(false),
  /** Memory of one Gunicorn worker without the embedding model (Django, the app, its clients). @default 150 */
  workerMemoryMiB: int(16, 65536).default(150),
  /** Memory of the local embedding model in a process that loads it; 0 when embeddings come from an API. @default 400 */
  embeddingModelMemoryMiB: int(0, 65536).default(400),
  /** Seconds from a task's launch to Gunicorn answering (image pull, boot, model load); for scale-out and rollback estimates. @default 60 */
  taskStartSeconds: int(1, 1800).default(60),
  /** The load this stage must carry: the capacity check refuses a web.maxTasks that can't. */
  load: loadSchema,
  /** Tasks when the service is created; autoscaling moves it within min/max. */
  desiredCount: int(1, 100),
  /** Autoscaling floor. */
  minTasks: int(1, 100),
  /** Autoscaling ceiling. */
  maxTasks: int(1, 100),
  /** Target average CPU for autoscaling. */
  cpuTargetPercent: int(10, 90),
  /** Share of a task's slots in use at which request-count scaling adds tasks (its target is derived from this). @default 70 */
  scaleOutAtSlotUtilizationPercent: int(10, 100).default(70),
  /** p95 target response time above which a step policy adds tasks (answers are queueing). @default 5.5 */
  latencyScaleOutP95Seconds: z.number({ error: "must be a number" }).gt(0, { error: "must be above 0" }).default(5.5),
  /** Wait after a scale-in before the next. */
  scaleInCooldownSeconds: int(0, 3600),
  /** Wait after a scale-out before the next. */
  scaleOutCooldownSeconds: int(0, 3600),
  /** Load balancer health check of the tasks. */
  healthCheck: healthCheckSchema,
  /** Time a new task has before health checks count. */
  healthCheckGracePeriodSeconds: int(0, 7200),
  /** Time the load balancer lets in-flight requests finish on a draining task. */
  deregistrationDelaySeconds: int(0, 3600),
  /** Time ECS waits after SIGTERM before SIGKILL (Fargate allows at most 120). */
  stopTimeoutSeconds: int(2, 120),
  /** DJANGO_SETTINGS_MODULE. */
  djangoSettingsModule: text(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/, "a dotted Python module path"),
  /** RAG_EMBEDDING_TYPE. */
  ragEmbeddingType: z.enum(["local", "gemini"], { error: 'must be "local" or "gemini"' }),
  /** RAG_LOCAL_EMBEDDING_MODEL. */
  ragLocalEmbeddingModel: z.string().min(1, { error: "must not be empty" }),
  /** RAG_VECTOR_DIMENSION: must match the embedding model and the Qdrant collection. */
  ragVectorDimension: int(1, 65536),
  /** RAG_SIMILARITY_THRESHOLD, 0-1. @default 0.5 (the application's own default) */
  ragSimilarityThreshold: z
    .number({ error: "must be a number" })
    .min(0, { error: "must be at least 0" })
    .max(1, { error: "must be at most 1" })
    .default(DEFAULT_RAG_SIMILARITY_THRESHOLD),
  /** GEMINI_MODEL: one of config/gemini-models.ts (models the provider has not retired). @default "gemini-2.5-flash" */
  geminiModel: z
    .enum(GEMINI_MODELS, { error: `is not a current Gemini model (one of ${GEMINI_MODELS.join(", ")}; see config/gemini-models.ts)` })
    .default(DEFAULT_GEMINI_MODEL),
  /** CACHE_TTL. */
  cacheTtlSeconds: int(0, 31_536_000),
  /** nginx images kept in ECR by the lifecycle policy. */
  nginxImagesRetained: int(1, 1000),
  /** Gunicorn's WSGI application, module:callable. @default "config.wsgi:application" */
  wsgiApplication: text(/^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$/, 'a WSGI application such as "config.wsgi:application"').default(
    "config.wsgi:application",
  ),
  /** Gunicorn --timeout: a worker silent this long is killed; below the load balancer idle timeout. @default 30 */
  gunicornTimeoutSeconds: int(1, 3600).default(30),
  /** Numeric uid:gid the app containers run as (never 0); the app image's files and volumes belong to it. @default "1000:1000" */
  containerUser: z
    .string({ error: 'must be a numeric "uid:gid"' })
    .regex(/^\d+:\d+$/, { error: 'is not a numeric "uid:gid" such as "1000:1000"' })
    .refine((u) => !u.split(":").some((id) => Number(id) === 0), { error: "must not be root (uid or gid 0)" })
    .default("1000:1000"),
  /** The app's settings.STATIC_ROOT: collectstatic writes there; the volume mounted there is what nginx serves. @default "/srv/static" */
  staticRoot: text(/^\/[A-Za-z0-9._\/-]*[A-Za-z0-9._-]$/, 'an absolute path such as "/srv/static"').default("/srv/static"),
  /**
   * The largest request body the application accepts (selections of up to 10,000 characters, file uploads):
   * nginx's client_max_body_size, and whether the WAF's 8 KB body-size rule may block (docs/edge.md). @default 50
   */
  maxRequestBodyMiB: int(1, 1024).default(50),
  /** CPU architecture of the tasks; the app image must be built for it, the nginx image is. @default "X86_64" */
  cpuArchitecture: z.enum(["X86_64", "ARM64"], { error: 'must be "X86_64" or "ARM64"' }).default("X86_64"),
  /** Limits the app enforces itself in Redis (per session per minute, per IP per day), passed as environment. */
  appRateLimits: appRateLimitsSchema,
});

const qdrantSchema = z.strictObject({
  /** Qdrant image tag, vX.Y.Z (never latest), at least MIN_QDRANT_VERSION (S3 snapshots with the task role). */
  version: text(/^v\d+\.\d+\.\d+$/, 'a pinned Qdrant version such as "v1.16.3"').refine(
    // A malformed version is reported by the pattern alone.
    (v) => !/^v\d+\.\d+\.\d+$/.test(v) || compareVersions(v, MIN_QDRANT_VERSION) >= 0,
    { error: `is older than ${MIN_QDRANT_VERSION}, the first Qdrant that writes snapshots to S3 with the task role's credentials` },
  ),
  /** Task CPU units. */
  cpu: fargateCpu,
  /** Task memory; a Fargate combination with cpu. */
  memoryMiB: int(512, 122880),
  /** QDRANT_COLLECTION_NAME given to the application. */
  collectionName: text(/^[A-Za-z0-9_-]{1,255}$/, "a collection name of letters, digits, _ and -"),
  /** EFS throughput mode. */
  efsThroughputMode: z.enum(["elastic", "bursting"], { error: 'must be "elastic" or "bursting"' }),
  /** Days AWS Backup keeps the daily recovery points of the EFS file system. */
  backupRetentionDays: int(1, 36500),
  /** When Qdrant is asked for a full snapshot to S3 (EventBridge Scheduler expression, UTC). */
  snapshotSchedule: z
    .string({ error: "must be a schedule expression" })
    .refine(isScheduleExpression, { error: 'is not a valid cron(...) or rate(...) expression such as "cron(0 2 * * ? *)"' }),
  /** Days Qdrant snapshots are kept in the snapshot bucket. */
  snapshotRetentionDays: int(1, 3650),
  /** The scheduled restore of the latest snapshot into a throwaway Qdrant (docs/operations.md). */
  restoreDrill: restoreDrillSchema(isScheduleExpression),
});

const alarmsSchema = z.strictObject({
  /** ALB 5xx responses as a percentage of requests. */
  alb5xxRatePercent: z.number({ error: "must be a number" }).gt(0, { error: "must be above 0" }).max(100, { error: "must be at most 100" }),
  /** p95 target response time. */
  targetResponseTimeP95Seconds: z.number({ error: "must be a number" }).gt(0, { error: "must be above 0" }),
  /** Service average CPU. */
  serviceCpuPercent: int(1, 100),
  /** Service average memory. */
  serviceMemoryPercent: int(1, 100),
  /** Database CPU. */
  databaseCpuPercent: int(1, 100),
  /** Database free storage floor. */
  databaseFreeStorageGiB: int(1, 65536),
  /** Redis memory use (DatabaseMemoryUsagePercentage). */
  redisMemoryPercent: int(1, 100),
  /** Redis evictions per 5 minutes above which to alarm. */
  redisEvictions: int(0),
  /** LLM quota errors the app logs per 5 minutes above which to alarm (0: the first one). @default 0 */
  llmQuotaErrorsPer5Minutes: int(0).default(0),
  /** Unhandled exceptions the app logs per 5 minutes above which to alarm. @default 5 */
  unhandledExceptionsPer5Minutes: int(0).default(5),
});

const operationsSchema = z.strictObject({
  /** E-mail subscribed to the alarm topic (confirm the subscription mail once). */
  alarmEmail: z.email({ error: "is not an e-mail address" }).optional(),
  /** Alarm thresholds. */
  alarms: alarmsSchema,
  /** Monthly cost budget in USD. */
  monthlyBudgetUsd: z.number({ error: "must be a number" }).positive({ error: "must be above 0" }),
  /** Budget notifications at these percentages of actual spend. */
  budgetAlertThresholdsPercent: z.array(int(1, 1000)).min(1, { error: "must list at least one threshold" }),
  /** Daily cost budget in USD (the same tag filter as the monthly one). */
  dailyBudgetUsd: dailyBudgetUsdSchema,
  /** Daily budget notifications at these percentages of actual spend. @default [100] */
  dailyBudgetAlertThresholdsPercent: dailyBudgetThresholdsSchema,
  /** Why this stage may have no alarmEmail: who watches its alarms instead. Required when alarmEmail is absent. */
  noAlarmSubscriberReason: noAlarmSubscriberReasonSchema,
});

/** The fields of a stage, each checked on its own. */
export const stageFieldsSchema = z.strictObject({
  /** Marks a production stage: the stricter rules below apply. */
  production: bool(),
  /** The deploy of this stage waits for a reviewer's approval of its plan. @default the value of `production` */
  requiresApproval: bool().optional(),
  /** AWS region of the stage. */
  region: text(REGION, "an AWS region such as eu-west-1"),
  /** ECR repository of the application image, in the stage's region. @default APP_IMAGE_REPOSITORY */
  appImageRepository: z.string({ error: "must be an ECR repository URI" }).optional(),
  /** Short prefix of resource names: 3-16 chars, lower-case letters, digits, hyphens. */
  namePrefix: text(/^[a-z][a-z0-9-]{1,14}[a-z0-9]$/, "3-16 lower-case letters, digits or hyphens"),
  /** Retention of every CloudWatch log group of the stage. */
  logRetentionDays,
  state: stateSchema,
  domain: domainSchema,
  network: networkSchema,
  edge: edgeSchema,
  database: databaseSchema,
  cache: cacheSchema,
  web: webSchema,
  qdrant: qdrantSchema,
  operations: operationsSchema,
});

type StageFields = z.output<typeof stageFieldsSchema>;
type Section = keyof StageFields;
type Problem = (path: (string | number)[], message: string) => void;

/**
 * A rule spanning several fields. The loader runs it on the stage as far as it
 * parsed: a read of a field that did not parse ends the rule quietly, so keep one
 * rule to one concern (a rule stops at its first unreadable field), and one run
 * reports these problems beside the per-field ones.
 */
export interface CrossFieldRule {
  /** The sections the rule reads (what a reviewer checks it against). */
  readonly reads: readonly Section[];
  readonly check: (stage: StageFields, problem: Problem) => void;
}

export const crossFieldRules: readonly CrossFieldRule[] = [
  {
    // Exactly one way to get a certificate.
    reads: ["domain"],
    check: ({ domain }, problem) => {
      const either =
        "give exactly one of domain.hostedZoneId (issue and DNS-validate an ACM certificate) or domain.certificateArn (use an existing certificate)";
      if (domain.hostedZoneId === undefined && domain.certificateArn === undefined) {
        problem(["domain", "hostedZoneId"], `is required when domain.certificateArn is not given: ${either}`);
      }
      if (domain.hostedZoneId !== undefined && domain.certificateArn !== undefined) {
        problem(["domain", "certificateArn"], `cannot be combined with domain.hostedZoneId ("${domain.hostedZoneId}"): ${either}`);
      }
      if (domain.certificateArn !== undefined && domain.subjectAlternativeNames.length > 0) {
        problem(["domain", "subjectAlternativeNames"], "only applies to an issued certificate (domain.hostedZoneId), not to domain.certificateArn");
      }
    },
  },
  {
    reads: ["domain"],
    check: ({ domain }, problem) => {
      domain.subjectAlternativeNames.forEach((name, i) => {
        if (name === domain.name) problem(["domain", "subjectAlternativeNames", i], "repeats domain.name; list only the extra names");
        else if (domain.subjectAlternativeNames.indexOf(name) !== i) problem(["domain", "subjectAlternativeNames", i], "is listed twice");
      });
    },
  },
  {
    reads: ["production", "requiresApproval"],
    check: ({ production, requiresApproval }, problem) => {
      if (production && requiresApproval === false) problem(["requiresApproval"], "cannot be false in a production stage (its deploy waits for an approval)");
    },
  },
  {
    reads: ["production", "edge"],
    check: ({ production, edge }, problem) => {
      if (production && !edge.deletionProtection) problem(["edge", "deletionProtection"], "must be true in a production stage");
    },
  },
  {
    reads: ["network"],
    check: ({ network }, problem) => {
      const vpc = parseIpv4Cidr(network.vpcCidr);
      if (vpc && (vpc.prefixLength < 16 || vpc.prefixLength > 24)) {
        problem(["network", "vpcCidr"], "must be between /16 and /24 (subnets are carved out of it as /(n+4))");
      }
    },
  },
  {
    reads: ["production", "network"],
    check: ({ production, network }, problem) => {
      if (production && network.natGateways !== "perAz") {
        problem(["network", "natGateways"], 'must be "perAz" in a production stage (a single NAT gateway is one AZ away from an outage)');
      }
    },
  },
  {
    reads: ["database"],
    check: ({ database: db }, problem) => {
      if (db.appUsername === db.masterUsername) {
        problem(["database", "appUsername"], `must differ from database.masterUsername ("${db.masterUsername}"): the application never connects as the master user`);
      }
      if (db.allocatedStorageGiB > db.maxAllocatedStorageGiB) {
        problem(["database", "allocatedStorageGiB"], `must not exceed database.maxAllocatedStorageGiB (${db.maxAllocatedStorageGiB})`);
      }
    },
  },
  {
    reads: ["database"],
    check: ({ database: db }, problem) => {
      // RDS: both windows at least 30 minutes, and they must not overlap (CreateDBInstance).
      const backupMinutes = windowMinutes(db.backupWindow, "daily");
      const maintenanceMinutes = windowMinutes(db.maintenanceWindow, "weekly");
      // (zod runs these rules even when a field failed its pattern: malformed windows measure as undefined.)
      if (backupMinutes !== undefined && backupMinutes < 30) {
        problem(["database", "backupWindow"], `must be at least 30 minutes long (it is ${backupMinutes})`);
      }
      if (maintenanceMinutes !== undefined && maintenanceMinutes < 30) {
        problem(["database", "maintenanceWindow"], `must be at least 30 minutes long (it is ${maintenanceMinutes})`);
      }
      if ((backupMinutes ?? 0) >= 30 && (maintenanceMinutes ?? 0) >= 30 && dailyOverlapsWeekly(db.backupWindow, db.maintenanceWindow)) {
        problem(["database", "backupWindow"], `must not overlap database.maintenanceWindow ("${db.maintenanceWindow}")`);
      }
    },
  },
  {
    reads: ["database"],
    check: ({ database: db }, problem) => {
      if (db.finalSnapshot && db.backupRetentionDays === 0) {
        problem(["database", "backupRetentionDays"], "must be at least 1 when database.finalSnapshot is true (0 turns automated backups off)");
      }
    },
  },
  {
    reads: ["production", "database"],
    check: ({ production, database: db }, problem) => {
      if (!production) return;
      if (!db.multiAz) problem(["database", "multiAz"], "must be true in a production stage");
      if (!db.deletionProtection) problem(["database", "deletionProtection"], "must be true in a production stage");
      if (!db.finalSnapshot) problem(["database", "finalSnapshot"], "must be true in a production stage");
      if (db.backupRetentionDays < 7) problem(["database", "backupRetentionDays"], "must be at least 7 in a production stage");
    },
  },
  {
    reads: ["cache"],
    check: ({ cache }, problem) => {
      const major = Number(cache.engineVersion.split(".")[0]);
      const minimumMajor = cache.engine === "redis" ? 6 : 7;
      if (major < minimumMajor) {
        problem(["cache", "engineVersion"], `must be ${minimumMajor}.0 or later for cache.engine "${cache.engine}"`);
      }
      if (!cache.parameterGroupFamily.startsWith(cache.engine)) {
        problem(["cache", "parameterGroupFamily"], `does not belong to cache.engine "${cache.engine}"`);
      } else {
        // Families are named after the major version: redis6.x, redis7, valkey7, valkey8.
        const expected = cache.engine === "redis" && major === 6 ? "redis6.x" : `${cache.engine}${major}`;
        if (major >= minimumMajor && cache.parameterGroupFamily !== expected) {
          problem(["cache", "parameterGroupFamily"], `does not match cache.engineVersion "${cache.engineVersion}" (expected "${expected}")`);
        }
      }
    },
  },
  {
    reads: ["cache"],
    check: ({ cache }, problem) => {
      // ElastiCache: maintenance and snapshot windows are at least 60 minutes.
      for (const [field, kind] of [["maintenanceWindow", "weekly"], ["snapshotWindow", "daily"]] as const) {
        const minutes = windowMinutes(cache[field], kind);
        if (minutes !== undefined && minutes < 60) problem(["cache", field], `must be at least 60 minutes long (it is ${minutes})`);
      }
    },
  },
  {
    reads: ["cache"],
    check: ({ cache }, problem) => {
      if (cache.automaticFailover && cache.replicas < 1) {
        problem(["cache", "automaticFailover"], "requires cache.replicas of at least 1 (it has 0)");
      }
      if (cache.multiAz && !cache.automaticFailover) problem(["cache", "multiAz"], "requires cache.automaticFailover to be true");
    },
  },
  {
    reads: ["production", "cache"],
    check: ({ production, cache }, problem) => {
      if (!production) return;
      if (cache.replicas < 1) problem(["cache", "replicas"], "must be at least 1 in a production stage");
      if (!cache.automaticFailover) problem(["cache", "automaticFailover"], "must be true in a production stage");
      if (!cache.multiAz) problem(["cache", "multiAz"], "must be true in a production stage");
    },
  },
  {
    reads: ["web"],
    check: ({ web }, problem) => {
      const size = fargateSizeProblem(web.cpu, web.memoryMiB);
      if (size) problem(["web", "memoryMiB"], size);
    },
  },
  {
    reads: ["production", "web"],
    check: ({ production, web }, problem) => {
      if (web.minTasks > web.maxTasks) problem(["web", "minTasks"], `must not exceed web.maxTasks (${web.maxTasks})`);
      if (web.desiredCount < web.minTasks || web.desiredCount > web.maxTasks) {
        problem(["web", "desiredCount"], `must be within web.minTasks..web.maxTasks (${web.minTasks}..${web.maxTasks})`);
      }
      if (production && web.minTasks < 2) {
        problem(["web", "minTasks"], "must be at least 2 in a production stage (tasks spread over AZs survive an AZ outage)");
      }
    },
  },
  {
    reads: ["web"],
    check: ({ web }, problem) => {
      if (web.healthCheck.timeoutSeconds >= web.healthCheck.intervalSeconds) {
        problem(["web", "healthCheck", "timeoutSeconds"], `must be below web.healthCheck.intervalSeconds (${web.healthCheck.intervalSeconds})`);
      }
    },
  },
  {
    reads: ["web"],
    check: ({ web }, problem) => {
      // A request that started just before draining may run for the whole Gunicorn timeout.
      if (web.deregistrationDelaySeconds < web.gunicornTimeoutSeconds) {
        problem(
          ["web", "deregistrationDelaySeconds"],
          `must be at least web.gunicornTimeoutSeconds (${web.gunicornTimeoutSeconds}) so in-flight requests finish while the task drains`,
        );
      }
    },
  },
  {
    reads: ["web", "edge"],
    check: ({ web, edge }, problem) => {
      // Gunicorn must give up before the load balancer does, or clients see the ALB's 504 and the worker keeps going.
      if (web.gunicornTimeoutSeconds >= edge.idleTimeoutSeconds) {
        problem(["web", "gunicornTimeoutSeconds"], `must be below edge.idleTimeoutSeconds (${edge.idleTimeoutSeconds})`);
      }
    },
  },
  {
    reads: ["qdrant"],
    check: ({ qdrant }, problem) => {
      const size = fargateSizeProblem(qdrant.cpu, qdrant.memoryMiB);
      if (size) problem(["qdrant", "memoryMiB"], size);
    },
  },
  {
    // The autoscaling ceiling, doubled for a rolling deploy, must fit in the database's max_connections.
    reads: ["web", "database"],
    check: ({ web, database: db }, problem) => {
      const plan = capacityPlan(web);
      const limit = postgresMaxConnections(db.instanceClass, db.maxConnections);
      if (limit === undefined) {
        problem(
          ["database", "instanceClass"],
          "is not in the built-in memory table used to derive max_connections: set database.maxConnections to the instance's max_connections",
        );
        return;
      }
      const demand = web.maxTasks * plan.slotsPerTask * ROLLING_DEPLOY_FACTOR;
      if (demand > limit.usable) {
        problem(
          ["web", "maxTasks"],
          `is too high: web.maxTasks × workers × threads × ${ROLLING_DEPLOY_FACTOR} (a rolling deploy runs old and new tasks together) = ` +
            `${web.maxTasks} × ${plan.workers} × ${plan.threads} × ${ROLLING_DEPLOY_FACTOR} = ${demand} database connections, ` +
            `more than ${db.instanceClass} allows: ${limit.explanation}. ` +
            "Lower web.maxTasks, web.gunicornWorkers or web.gunicornThreads, or choose a larger database.instanceClass",
        );
      }
    },
  },
  {
    // The autoscaling ceiling must carry the stage's target load.
    reads: ["web"],
    check: ({ web }, problem) => {
      const plan = capacityPlan(web);
      if (plan.tasksNeeded > web.maxTasks) {
        problem(
          ["web", "maxTasks"],
          `is too low for web.load: ${plan.explanation}, more than web.maxTasks (${web.maxTasks}, ${plan.maxSlots} slots). ` +
            "Raise web.maxTasks or web.gunicornThreads (gthread), or lower web.load.concurrentUsers",
        );
      }
    },
  },
  {
    reads: ["web"],
    check: ({ web }, problem) => {
      const plan = capacityPlan(web);
      const needed = plan.workerMemoryMiB + SIDECAR_MEMORY_MIB;
      if (needed > web.memoryMiB) {
        problem(
          ["web", "memoryMiB"],
          `is too small for the Gunicorn workers: ${plan.memoryExplanation} + ${SIDECAR_MEMORY_MIB} MiB for nginx and agents = ${needed} MiB. ` +
            "Raise web.memoryMiB, lower web.gunicornWorkers (threads share a worker's memory), or set web.gunicornPreload",
        );
      }
    },
  },
  {
    reads: ["web"],
    check: ({ web }, problem) => {
      // Gunicorn turns a sync worker with threads > 1 into gthread on its own: say so instead.
      if (web.gunicornWorkerClass === "sync" && web.gunicornThreads > 1) {
        problem(["web", "gunicornThreads"], `must be 1 with web.gunicornWorkerClass "sync" (it is ${web.gunicornThreads}); use "gthread" for threads`);
      }
      if (web.gunicornMaxRequestsJitter >= web.gunicornMaxRequests) {
        problem(
          ["web", "gunicornMaxRequestsJitter"],
          `must be below web.gunicornMaxRequests (${web.gunicornMaxRequests}); it is ${web.gunicornMaxRequestsJitter}`,
        );
      }
      if (web.load.llmWaitSeconds.min > web.load.llmWaitSeconds.max) {
        problem(["web", "load", "llmWaitSeconds", "min"], `must not exceed web.load.llmWaitSeconds.max (${web.load.llmWaitSeconds.max}); it is ${web.load.llmWaitSeconds.min}`);
      }
    },
  },
  {
    reads: ["web", "operations"],
    check: ({ web, operations }, problem) => {
      // Scale out on queueing before the p95 alarm pages anyone, but not on a normal LLM wait.
      const alarm = operations.alarms.targetResponseTimeP95Seconds;
      if (web.latencyScaleOutP95Seconds >= alarm) {
        problem(
          ["web", "latencyScaleOutP95Seconds"],
          `must be below operations.alarms.targetResponseTimeP95Seconds (${alarm}) so tasks are added before the alarm; it is ${web.latencyScaleOutP95Seconds}`,
        );
      }
      if (web.latencyScaleOutP95Seconds <= web.load.llmWaitSeconds.max) {
        problem(
          ["web", "latencyScaleOutP95Seconds"],
          `must be above web.load.llmWaitSeconds.max (${web.load.llmWaitSeconds.max}): an unqueued answer already takes that long; it is ${web.latencyScaleOutP95Seconds}`,
        );
      }
    },
  },
];

/** A stage as written in config/stages.ts (before defaults). */
export type StageInput = z.input<typeof stageFieldsSchema>;
/** A validated stage (defaults applied). config/load.ts also runs the cross-field rules above. */
export type StageConfig = z.output<typeof stageFieldsSchema>;

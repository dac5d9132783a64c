/**
 * The web tier's capacity model: how many answers a task holds at once, how many
 * tasks a stage's target load needs, what memory the Gunicorn workers take, what
 * request rate autoscaling should hold a task at, and how long scale-out and a
 * bad deploy's rollback take. Config validation, the constructs, `npm run
 * stage-config` and the load test all read these functions, so the numbers a
 * reviewer sees are the numbers the stack is built from.
 *
 * The model: an answer holds one Gunicorn slot (a worker thread) for its whole
 * life, and almost all of that life is spent waiting on the LLM API (2-5 s), so
 * a task's concurrency is workers x threads, and CPU is not what runs out. A
 * closed-loop user (send, wait for the answer, send again) holds at most one
 * slot, so the stage needs one slot per concurrent user plus headroom. Past
 * that, requests queue in Gunicorn's backlog and the queueing time adds to the
 * answer's latency: the p95 <= 6 s target leaves about one LLM wait of slack.
 */
import { gunicornWorkersFor } from "./sizing";

/** What the capacity model reads of a stage's `web` section (validated config). */
export interface WebCapacityInput {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly gunicornWorkers?: number;
  readonly gunicornWorkerClass: "gthread" | "sync";
  readonly gunicornThreads: number;
  readonly gunicornPreload: boolean;
  readonly workerMemoryMiB: number;
  readonly embeddingModelMemoryMiB: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly scaleOutAtSlotUtilizationPercent: number;
  readonly scaleOutCooldownSeconds: number;
  readonly latencyScaleOutP95Seconds: number;
  readonly taskStartSeconds: number;
  readonly healthCheck: { readonly intervalSeconds: number; readonly healthyThreshold: number };
  readonly load: {
    readonly concurrentUsers: number;
    readonly llmWaitSeconds: { readonly min: number; readonly max: number };
    readonly headroomPercent: number;
  };
}

/** Memory (MiB) kept for the nginx sidecar and the ECS/ECS Exec agents beside Gunicorn in a web task. */
export const SIDECAR_MEMORY_MIB = 128;

/** How many tasks can exist at once during a rolling deploy (deploymentMaximumPercent 200). */
export const ROLLING_DEPLOY_FACTOR = 2;

/** A task's capacity and the stage's need, with the arithmetic for messages and reports. */
export interface CapacityPlan {
  readonly workers: number;
  /** Threads per worker (1 for the sync worker class). */
  readonly threads: number;
  /** Answers one task holds at once: workers x threads. */
  readonly slotsPerTask: number;
  /** slotsPerTask x maxTasks. */
  readonly maxSlots: number;
  /** Concurrent users plus headroom, rounded up. */
  readonly requiredSlots: number;
  /** Tasks that hold requiredSlots. */
  readonly tasksNeeded: number;
  /** Mean LLM wait, seconds (the stand-in's uniform min..max). */
  readonly meanAnswerSeconds: number;
  /** Answers per second one task completes when every slot is busy. */
  readonly answersPerSecondPerTask: number;
  /** Target of the request-count scaling policy: requests per task per minute at the configured slot utilization. */
  readonly requestsPerTargetPerMinute: number;
  /** Memory the Gunicorn workers need, MiB, and how that was computed. */
  readonly workerMemoryMiB: number;
  readonly memoryExplanation: string;
  /** "slots per task = ... ; needed = ..." */
  readonly explanation: string;
}

/** The capacity plan of a stage's web settings. */
export function capacityPlan(web: WebCapacityInput): CapacityPlan {
  const workers = web.gunicornWorkers ?? gunicornWorkersFor(web.cpu);
  const threads = web.gunicornWorkerClass === "sync" ? 1 : web.gunicornThreads;
  const slotsPerTask = workers * threads;
  const maxSlots = slotsPerTask * web.maxTasks;
  const users = web.load.concurrentUsers;
  const requiredSlots = Math.ceil((users * (100 + web.load.headroomPercent)) / 100);
  const tasksNeeded = Math.ceil(requiredSlots / slotsPerTask);
  const meanAnswerSeconds = (web.load.llmWaitSeconds.min + web.load.llmWaitSeconds.max) / 2;
  const answersPerSecondPerTask = slotsPerTask / meanAnswerSeconds;
  // Rounded to a millionth before flooring: 16 / 3.5 × 60 × 0.7 is 191.99999... in floating point.
  const perMinute = (slotsPerTask * 60 * web.scaleOutAtSlotUtilizationPercent) / (100 * meanAnswerSeconds);
  const requestsPerTargetPerMinute = Math.max(1, Math.floor(Math.round(perMinute * 1e6) / 1e6));
  // Threads share their worker's memory; processes don't. With --preload the master imports the
  // app (and the model) once and the workers share those pages copy-on-write.
  const model = web.embeddingModelMemoryMiB;
  const workerMemoryMiB = web.gunicornPreload
    ? model + workers * web.workerMemoryMiB
    : workers * (model + web.workerMemoryMiB);
  const memoryExplanation = web.gunicornPreload
    ? `model ${model} MiB once (--preload) + ${workers} workers × ${web.workerMemoryMiB} MiB = ${workerMemoryMiB} MiB`
    : `${workers} workers × (model ${model} MiB + worker ${web.workerMemoryMiB} MiB) = ${workerMemoryMiB} MiB`;
  const threadsText = web.gunicornWorkerClass === "sync" ? "1 (sync workers)" : String(threads);
  const explanation =
    `slots per task = workers × threads = ${workers} × ${threadsText} = ${slotsPerTask}; ` +
    `needed = ${users} users + ${web.load.headroomPercent}% headroom = ${requiredSlots} slots = ` +
    `ceil(${requiredSlots} / ${slotsPerTask}) = ${tasksNeeded} tasks`;
  return {
    workers,
    threads,
    slotsPerTask,
    maxSlots,
    requiredSlots,
    tasksNeeded,
    meanAnswerSeconds,
    answersPerSecondPerTask,
    requestsPerTargetPerMinute,
    workerMemoryMiB,
    memoryExplanation,
    explanation,
  };
}

/** An alarm's timing: how long a breach takes to put it in ALARM. */
export interface AlarmTiming {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/**
 * CloudWatch publishes a load balancer's one-minute data point about a minute
 * after the minute ends; alarm evaluation then runs once a minute. Both are
 * added to every detection time below.
 */
export const METRIC_DELAY_SECONDS = 60;

/** Worst case from a breach starting to the alarm being in ALARM. */
export function detectionSeconds(alarm: AlarmTiming): number {
  return alarm.datapointsToAlarm * alarm.periodSeconds + METRIC_DELAY_SECONDS;
}

/** Seconds from a task being launched to it receiving traffic: start (pull, boot, app import) + healthy threshold. */
export function taskReadySeconds(web: Pick<WebCapacityInput, "taskStartSeconds" | "healthCheck">): number {
  return web.taskStartSeconds + web.healthCheck.healthyThreshold * web.healthCheck.intervalSeconds;
}

/**
 * Target tracking's scale-out alarm is created by Application Auto Scaling:
 * 3 one-minute data points above the target.
 * https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
 */
export const TARGET_TRACKING_SCALE_OUT: AlarmTiming = { periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 3 };

/** The latency step policy's alarm: p95 above web.latencyScaleOutP95Seconds in 2 consecutive minutes. */
export const LATENCY_SCALE_OUT: AlarmTiming = { periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 2 };

/** The step policy adds this share of the current tasks (at least one task) per step. */
export const LATENCY_STEP_PERCENT = 50;

/** Scale-out timing from minTasks to the tasks the target load needs, each path with its arithmetic. */
export interface ScaleOutEstimate {
  readonly fromTasks: number;
  readonly toTasks: number;
  /** Request-count target tracking: one proportional step. */
  readonly trackingSeconds: number;
  readonly trackingExplanation: string;
  /** Latency step policy: +LATENCY_STEP_PERCENT % per step, steps apart by max(cooldown, alarm re-evaluation). */
  readonly latencySteps: number;
  readonly latencySeconds: number;
  readonly latencyExplanation: string;
}

/** How long the stage takes to grow from minTasks to the tasks its target load needs. */
export function scaleOutEstimate(web: WebCapacityInput): ScaleOutEstimate {
  const plan = capacityPlan(web);
  const from = web.minTasks;
  const to = Math.min(Math.max(plan.tasksNeeded, from), web.maxTasks);
  const ready = taskReadySeconds(web);
  const tracking = detectionSeconds(TARGET_TRACKING_SCALE_OUT);
  const trackingSeconds = from >= to ? 0 : tracking + ready;
  let steps = 0;
  for (let n = from; n < to; steps++) n = Math.min(to, n + Math.max(1, Math.ceil((n * LATENCY_STEP_PERCENT) / 100)));
  const latencyDetect = detectionSeconds(LATENCY_SCALE_OUT);
  const between = Math.max(web.scaleOutCooldownSeconds, LATENCY_SCALE_OUT.periodSeconds);
  const latencySeconds = steps === 0 ? 0 : latencyDetect + (steps - 1) * between + ready;
  return {
    fromTasks: from,
    toTasks: to,
    trackingSeconds,
    trackingExplanation:
      `${TARGET_TRACKING_SCALE_OUT.datapointsToAlarm} × ${TARGET_TRACKING_SCALE_OUT.periodSeconds} s + ${METRIC_DELAY_SECONDS} s metric delay ` +
      `+ task ready ${ready} s (start ${web.taskStartSeconds} s + ${web.healthCheck.healthyThreshold} × ${web.healthCheck.intervalSeconds} s health checks) = ${trackingSeconds} s`,
    latencySteps: steps,
    latencySeconds,
    latencyExplanation:
      `${LATENCY_SCALE_OUT.datapointsToAlarm} × ${LATENCY_SCALE_OUT.periodSeconds} s + ${METRIC_DELAY_SECONDS} s metric delay ` +
      `+ ${Math.max(0, steps - 1)} more step(s) × ${between} s (cooldown) + task ready ${ready} s = ${latencySeconds} s (${steps} step(s) of +${LATENCY_STEP_PERCENT}%)`,
  };
}

/**
 * Timing of the alarms the web service's deployments watch (ServiceAlarms builds them with
 * it): a bad deploy must be rolled back within ROLLBACK_TARGET_SECONDS.
 */
export const DEPLOYMENT_ALARM_TIMING: AlarmTiming = { periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2 };

/** The ServiceAlarms keys ECS watches during a web deployment, each rolling it back when in ALARM. */
export const DEPLOYMENT_ALARM_KEYS = ["alb-5xx-rate", "target-response-time-p95"] as const;

/** Target for the rollback of a bad deploy, seconds. */
export const ROLLBACK_TARGET_SECONDS = 300;

/** Worst-case time from a bad deploy serving traffic to the old tasks serving again. */
export interface RollbackEstimate {
  readonly seconds: number;
  readonly explanation: string;
}

/**
 * ECS deployment alarms: while a deployment runs (and during its bake time) ECS
 * watches the named alarms, and one going to ALARM rolls the service back to the
 * last completed deployment; the old revision's tasks then start and must pass
 * the health check. The slowest of the deployment alarms sets the worst case.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
 */
export function rollbackEstimate(
  web: Pick<WebCapacityInput, "taskStartSeconds" | "healthCheck">,
  deploymentAlarms: Readonly<Record<string, AlarmTiming>>,
): RollbackEstimate {
  const entries = Object.entries(deploymentAlarms);
  if (entries.length === 0) throw new Error("rollbackEstimate: no deployment alarms given");
  const [slowestName, slowest] = entries.reduce((a, b) => (detectionSeconds(b[1]) > detectionSeconds(a[1]) ? b : a));
  const detect = detectionSeconds(slowest);
  const ready = taskReadySeconds(web);
  const seconds = detect + ready;
  return {
    seconds,
    explanation:
      `slowest deployment alarm ${slowestName}: ${slowest.datapointsToAlarm} × ${slowest.periodSeconds} s + ${METRIC_DELAY_SECONDS} s metric delay = ${detect} s; ` +
      `then the previous revision's tasks start and pass health checks: ${web.taskStartSeconds} s + ` +
      `${web.healthCheck.healthyThreshold} × ${web.healthCheck.intervalSeconds} s = ${ready} s; total ${seconds} s`,
  };
}

/**
 * The web tier's capacity report for `npm run stage-config -- <stage>`: slots per task,
 * the tasks the stage's target load needs, the derived autoscaling target, how long
 * scale-out takes, and the worst case from a bad deploy to its rollback; each number
 * with the arithmetic behind it (config/capacity.ts).
 */
import {
  capacityPlan,
  DEPLOYMENT_ALARM_KEYS,
  DEPLOYMENT_ALARM_TIMING,
  rollbackEstimate,
  ROLLBACK_TARGET_SECONDS,
  scaleOutEstimate,
} from "../../config/capacity";
import type { Stage } from "../../config/load";

/** The rollback estimate of a stage, from the deployment alarms' timing. */
export function stageRollback(stage: Stage) {
  return rollbackEstimate(stage.web, Object.fromEntries(DEPLOYMENT_ALARM_KEYS.map((key) => [key, DEPLOYMENT_ALARM_TIMING])));
}

/** The capacity, scale-out and rollback report of a stage, as printed. */
export function formatCapacity(stage: Stage): string {
  const web = stage.web;
  const plan = capacityPlan(web);
  const scale = scaleOutEstimate(web);
  const rollback = stageRollback(stage);
  const lines = [
    `Web capacity of ${stage.name} (config/capacity.ts)`,
    `  Gunicorn: ${plan.workers} ${web.gunicornWorkerClass} workers × ${plan.threads} threads = ${plan.slotsPerTask} slots per task; ` +
      `web.maxTasks ${web.maxTasks} = ${plan.maxSlots} slots`,
    `  target load: ${plan.explanation} (web.minTasks ${web.minTasks}, web.maxTasks ${web.maxTasks}: ${plan.tasksNeeded <= web.maxTasks ? "covered" : "NOT covered"})`,
    `  answers per task per second at full slots: ${plan.slotsPerTask} / ${plan.meanAnswerSeconds} s = ${plan.answersPerSecondPerTask.toFixed(2)}`,
    `  request-count scaling target: ${plan.requestsPerTargetPerMinute} requests per task per minute (${web.scaleOutAtSlotUtilizationPercent}% of the slots)`,
    `  memory: ${plan.memoryExplanation} of web.memoryMiB ${web.memoryMiB}`,
    `  scale-out ${scale.fromTasks} -> ${scale.toTasks} tasks: request tracking ${scale.trackingExplanation}`,
    `                          latency steps ${scale.latencyExplanation}`,
    `  rollback of a bad deploy: ${rollback.explanation} (target ≤ ${ROLLBACK_TARGET_SECONDS} s: ${rollback.seconds <= ROLLBACK_TARGET_SECONDS ? "met" : "NOT met"})`,
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * Operational requirements checked per stage: someone receives the alarms (or the
 * stage says who watches instead), the restore drill tolerates no snapshot older
 * than the snapshot schedule allows, and each daily budget threshold is listed once.
 */
import { scheduleIntervalHours } from "../operations";
import type { StageCheck } from "./types";

export const alarmsHaveASubscriber: StageCheck = ({ operations }, problem) => {
  if (operations.alarmEmail === undefined && operations.noAlarmSubscriberReason === undefined) {
    problem(
      ["operations", "alarmEmail"],
      "is required: every stage's alarm topic needs a subscriber (or set operations.noAlarmSubscriberReason to say who watches the alarms instead)",
    );
  }
  if (operations.alarmEmail !== undefined && operations.noAlarmSubscriberReason !== undefined) {
    problem(["operations", "noAlarmSubscriberReason"], "only applies when operations.alarmEmail is not given");
  }
};

export const restoreDrillMatchesSnapshots: StageCheck = ({ qdrant }, problem) => {
  const interval = scheduleIntervalHours(qdrant.snapshotSchedule);
  if (interval !== undefined && qdrant.restoreDrill.maxSnapshotAgeHours < interval) {
    problem(
      ["qdrant", "restoreDrill", "maxSnapshotAgeHours"],
      `must be at least the snapshot interval of qdrant.snapshotSchedule ("${qdrant.snapshotSchedule}", every ${interval} h), or every drill fails`,
    );
  }
};

export const dailyBudgetThresholdsUnique: StageCheck = ({ operations }, problem) => {
  const thresholds = operations.dailyBudgetAlertThresholdsPercent;
  thresholds.forEach((value, i) => {
    const first = thresholds.indexOf(value);
    if (first !== i) problem(["operations", "dailyBudgetAlertThresholdsPercent", i], `is listed twice (also at [${first}])`);
  });
};

/** List values: an entry listed twice is reported at its index, before a construct trips on it. */
import type { StageCheck } from "./types";

export const budgetThresholdsUnique: StageCheck = ({ operations }, problem) => {
  const thresholds = operations.budgetAlertThresholdsPercent;
  thresholds.forEach((value, i) => {
    const first = thresholds.indexOf(value);
    if (first !== i) {
      problem(["operations", "budgetAlertThresholdsPercent", i], `is listed twice (also at [${first}]); each threshold sends its own notification`);
    }
  });
};

/**
 * Arithmetic over AWS maintenance and backup windows, for the config checks:
 * weekly windows ("sun:03:00-sun:04:00") and daily windows ("01:00-01:30"), both
 * UTC, either of which may wrap (past midnight, past Sunday).
 */

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

const WEEKLY = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
const DAILY = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;

/** Whether a window is well formed ("ddd:hh:mm-ddd:hh:mm" or "hh:mm-hh:mm"). */
export function isWindow(window: string, kind: "weekly" | "daily"): boolean {
  return (kind === "weekly" ? WEEKLY : DAILY).test(window);
}

/** A window as a start minute and a length, on a cycle of `period` minutes. */
interface Span {
  readonly start: number;
  readonly minutes: number;
  readonly period: number;
}

function clock(text: string): number {
  const [h, m] = text.split(":").map(Number);
  return h * 60 + m;
}

/** A weekly window "ddd:hh:mm-ddd:hh:mm" (check it with isWindow first). */
export function weeklySpan(window: string): Span {
  const [from, to] = window.split("-");
  const at = (part: string) => DAYS.indexOf(part.slice(0, 3)) * MINUTES_PER_DAY + clock(part.slice(4));
  const start = at(from);
  return { start, minutes: (at(to) - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK, period: MINUTES_PER_WEEK };
}

/** A daily window "hh:mm-hh:mm" (check it with isWindow first). */
export function dailySpan(window: string): Span {
  const [from, to] = window.split("-");
  const start = clock(from);
  return { start, minutes: (clock(to) - start + MINUTES_PER_DAY) % MINUTES_PER_DAY, period: MINUTES_PER_DAY };
}

/** Length of a window in minutes (0 when it starts where it ends); undefined when malformed. */
export function windowMinutes(window: string, kind: "weekly" | "daily"): number | undefined {
  if (!isWindow(window, kind)) return undefined;
  return (kind === "weekly" ? weeklySpan(window) : dailySpan(window)).minutes;
}

/** Whether a daily window, on any day of the week, shares a minute with a weekly window (false when either is malformed). */
export function dailyOverlapsWeekly(daily: string, weekly: string): boolean {
  if (!isWindow(daily, "daily") || !isWindow(weekly, "weekly")) return false;
  const week = weeklySpan(weekly);
  const day = dailySpan(daily);
  const inWeek = new Array<boolean>(MINUTES_PER_WEEK).fill(false);
  for (let m = 0; m < week.minutes; m++) inWeek[(week.start + m) % MINUTES_PER_WEEK] = true;
  for (let d = 0; d < 7; d++) {
    for (let m = 0; m < day.minutes; m++) {
      if (inWeek[(d * MINUTES_PER_DAY + day.start + m) % MINUTES_PER_WEEK]) return true;
    }
  }
  return false;
}

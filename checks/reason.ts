/**
 * What counts as a reason for an exception, shared by policy suppressions
 * (checks/suppress.ts) and the scanners' allowlist (scripts/scan/allowlist.ts).
 */

/** The shortest reason accepted, in characters (a full sentence, not "n/a" or "legacy"). */
export const MIN_REASON_LENGTH = 20;

/** The problem with a reason, or undefined when it is acceptable: at least MIN_REASON_LENGTH characters and three words. */
export function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== "string" || reason.trim() === "") return "is missing: give at least a full sentence saying why";
  const text = reason.trim();
  if (text.length < MIN_REASON_LENGTH || text.split(/\s+/).length < 3) {
    return `${JSON.stringify(reason)} is too short: give at least a full sentence (${MIN_REASON_LENGTH}+ characters) saying why`;
  }
  return undefined;
}

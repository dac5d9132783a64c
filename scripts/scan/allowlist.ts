/**
 * The scanners' allowlist (scan-allowlist.json): every finding of checkov or tflint
 * must match an entry, and every entry must say why. An entry:
 *
 *   { "check": "CKV_AWS_338", "resource": "*", "stage": "staging",
 *     "reason": "Staging keeps logs for 30 days by design: ..." }
 *
 * - check: the checkov check id or tflint rule name;
 * - resource: "*", or a Terraform name, address or construct path (with or without the
 *   stage prefix), where "*" inside matches anything ("network/*");
 * - stage: a stack name, or "all";
 * - reason: at least a full sentence (checks/reason.ts, the same bar as policy suppressions).
 */
import { reasonProblem } from "../../checks/reason";
import type { ScanFinding } from "./findings";

export interface AllowlistEntry {
  readonly check: string;
  readonly resource: string;
  readonly stage: string;
  readonly reason: string;
}

/** Thrown for an invalid allowlist; one line per problem, "entries[i].field: value predicate". */
export class AllowlistError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Invalid scan allowlist (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` + problems.map((p) => `  - ${p}`).join("\n"));
    this.name = "AllowlistError";
  }
}

const FIELDS = ["check", "resource", "stage", "reason"] as const;

/** Validates a parsed allowlist file. `stages` are the stack names an entry may name besides "all". */
export function parseAllowlist(raw: unknown, stages: readonly string[]): AllowlistEntry[] {
  const problems: string[] = [];
  const entries = (raw as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) throw new AllowlistError([`entries: ${JSON.stringify(entries) ?? "(missing)"} must be a list`]);
  entries.forEach((entry, i) => {
    const at = `entries[${i}]`;
    if (!entry || typeof entry !== "object") {
      problems.push(`${at}: ${JSON.stringify(entry)} must be an object with ${FIELDS.join(", ")}`);
      return;
    }
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!(FIELDS as readonly string[]).includes(key)) problems.push(`${at}.${key}: is not a known field (${FIELDS.join(", ")})`);
    for (const field of ["check", "resource", "stage"] as const) {
      if (typeof e[field] !== "string" || (e[field] as string).trim() === "") problems.push(`${at}.${field}: ${JSON.stringify(e[field]) ?? "(missing)"} must be a non-empty string`);
    }
    if (typeof e.stage === "string" && e.stage !== "all" && !stages.includes(e.stage)) {
      problems.push(`${at}.stage: ${JSON.stringify(e.stage)} is not "all" nor a stack (${stages.join(", ")})`);
    }
    const problem = reasonProblem(e.reason);
    if (problem) problems.push(`${at}.reason: ${problem} the finding is acceptable (check ${JSON.stringify(e.check)})`);
  });
  if (problems.length > 0) throw new AllowlistError(problems);
  return entries as AllowlistEntry[];
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** Whether `entry` allows `finding`. */
export function allows(entry: AllowlistEntry, finding: ScanFinding): boolean {
  if (entry.check !== finding.checkId) return false;
  if (entry.stage !== "all" && entry.stage !== finding.stage) return false;
  if (entry.resource === "*") return true;
  const pattern = glob(entry.resource);
  const relative = finding.path?.startsWith(`${finding.stage}/`) ? finding.path.slice(finding.stage.length + 1) : undefined;
  return [finding.name, finding.address, finding.path, relative].some((candidate) => candidate !== undefined && pattern.test(candidate));
}

/** Findings split by the allowlist, and the entries that matched nothing. */
export interface Triage {
  readonly allowed: { finding: ScanFinding; entry: AllowlistEntry }[];
  readonly unallowed: ScanFinding[];
  readonly stale: AllowlistEntry[];
}

/**
 * Splits findings into allowed and not. An entry that matched nothing is stale only if
 * `wasScanned(entry)`: its stage was scanned by its tool with its rule (an entry for a
 * ruleset that could not run this time is not reported).
 */
export function triage(
  findings: readonly ScanFinding[],
  entries: readonly AllowlistEntry[],
  wasScanned: (entry: AllowlistEntry) => boolean = () => true,
): Triage {
  const used = new Set<AllowlistEntry>();
  const allowed: Triage["allowed"] = [];
  const unallowed: ScanFinding[] = [];
  for (const finding of findings) {
    const entry = entries.find((e) => allows(e, finding));
    if (entry) {
      used.add(entry);
      allowed.push({ finding, entry });
    } else unallowed.push(finding);
  }
  return { allowed, unallowed, stale: entries.filter((e) => !used.has(e) && wasScanned(e)) };
}

/** checkov ids start with CKV; everything else is a tflint rule. */
export function defaultToolOf(check: string): ScanFinding["tool"] {
  return /^CKV/.test(check) ? "checkov" : "tflint";
}

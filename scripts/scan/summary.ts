/**
 * The scan's summary: per stage, checkov passed / failed / allowed and tflint
 * findings / allowed, then every finding not allowlisted and every stale entry.
 */
import type { AllowlistEntry, Triage } from "./allowlist";
import type { ScanFinding } from "./findings";

/** Counts of one stage. `failed` and `findings` are the ones NOT allowlisted. */
export interface StageCounts {
  readonly stage: string;
  readonly checkovPassed: number;
  readonly checkovFailed: number;
  readonly checkovAllowed: number;
  readonly tflintFindings: number;
  readonly tflintAllowed: number;
}

export function countsByStage(stages: readonly string[], checkovPassed: Readonly<Record<string, number>>, t: Triage): StageCounts[] {
  const count = (list: readonly ScanFinding[], stage: string, tool: ScanFinding["tool"]) =>
    list.filter((f) => f.stage === stage && f.tool === tool).length;
  const allowed = t.allowed.map((a) => a.finding);
  return stages.map((stage) => ({
    stage,
    checkovPassed: checkovPassed[stage] ?? 0,
    checkovFailed: count(t.unallowed, stage, "checkov"),
    checkovAllowed: count(allowed, stage, "checkov"),
    tflintFindings: count(t.unallowed, stage, "tflint"),
    tflintAllowed: count(allowed, stage, "tflint"),
  }));
}

/** A plain-text table of the counts. */
export function table(rows: readonly StageCounts[]): string {
  const header = ["stage", "checkov passed", "failed", "allowed", "tflint findings", "allowed"];
  const body = rows.map((r) => [r.stage, r.checkovPassed, r.checkovFailed, r.checkovAllowed, r.tflintFindings, r.tflintAllowed].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

function where(f: ScanFinding): string {
  return [f.address ?? f.name, f.path ? `(${f.path})` : ""].filter(Boolean).join(" ");
}

/** Every line of the report after the table. */
export function details(t: Triage): string[] {
  const lines: string[] = [];
  for (const f of t.unallowed) lines.push(`NOT ALLOWED  ${f.tool} ${f.checkId}  [${f.stage}] ${where(f)}: ${f.title}`);
  for (const e of t.stale) lines.push(`stale allowlist entry (matches nothing; remove it): ${describe(e)}`);
  return lines;
}

export function describe(e: AllowlistEntry): string {
  return `${e.check} resource=${e.resource} stage=${e.stage}`;
}

/**
 * Turns the external scanners' JSON output into findings that name the resource
 * three ways (Terraform name, address, construct path), so the allowlist can match
 * any of them.
 */

/** A failed check of checkov or an issue of tflint, in one stack. */
export interface ScanFinding {
  readonly tool: "checkov" | "tflint";
  /** Check id (CKV_AWS_18, CKV2_AWS_62) or tflint rule name (aws_..., terraform_...). */
  readonly checkId: string;
  /** What the check wants, one line. */
  readonly title: string;
  /** Stack (stage) name. */
  readonly stage: string;
  /** Terraform logical name (network_flow-logs_D7C94307), or what the scanner said when unknown. */
  readonly name: string;
  /** Terraform address (aws_cloudwatch_log_group.network_flow-logs_D7C94307, data.aws_x.y), when known. */
  readonly address?: string;
  /** Construct path (staging/network/flow-logs), when known. */
  readonly path?: string;
}

/** The checkov results of one stack. */
export interface CheckovResult {
  readonly passed: number;
  /** Files checkov could not parse (its summary's parsing_errors): what it could not check. */
  readonly parsingErrors: number;
  readonly failed: ScanFinding[];
}

type Json = Record<string, any>;

/** Name → { address, path } for every resource and data source of a synthesized stack. */
export interface ResourceIndex {
  readonly resources: Map<string, { address: string; path?: string }[]>;
  readonly data: Map<string, { address: string; path?: string }[]>;
}

export function indexStack(stack: Json): ResourceIndex {
  const build = (section: Json | undefined, prefix: string) => {
    const byName = new Map<string, { address: string; path?: string }[]>();
    for (const [type, entries] of Object.entries(section ?? {})) {
      for (const [name, body] of Object.entries((entries ?? {}) as Json)) {
        const path = (body as Json)?.["//"]?.metadata?.path;
        const list = byName.get(name) ?? [];
        list.push({ address: `${prefix}${type}.${name}`, path: typeof path === "string" ? path : undefined });
        byName.set(name, list);
      }
    }
    return byName;
  };
  return { resources: build(stack.resource, ""), data: build(stack.data, "data.") };
}

/**
 * Resolves a checkov resource id. checkov names Python-check results `resource.<name>`
 * (dropping the type: cdktf's names are unique per stack because they derive from the
 * construct path), graph-check results `<type>.<name>`, and data sources `data.<name>`.
 */
export function resolveCheckovResource(id: string, index: ResourceIndex): { name: string; address?: string; path?: string } {
  const dot = id.indexOf(".");
  if (dot < 0) return { name: id };
  const head = id.slice(0, dot);
  const name = id.slice(dot + 1);
  const pick = (candidates: { address: string; path?: string }[] | undefined, type?: string) => {
    const matching = (candidates ?? []).filter((c) => type === undefined || c.address.endsWith(`${type}.${name}`));
    return matching.length === 1 ? { name, ...matching[0] } : { name };
  };
  if (head === "resource") return pick(index.resources.get(name));
  if (head === "data") return pick(index.data.get(name));
  if (head === "provider" || head === "module") return { name: id };
  return pick(index.resources.get(name), head);
}

/** The reports in checkov's JSON output: one object, a list (one per framework), or a bare summary. */
function checkovReports(output: unknown): Json[] {
  if (Array.isArray(output)) return output.filter((r) => r && typeof r === "object");
  return output && typeof output === "object" ? [output as Json] : [];
}

/** Parses `checkov -o json` output for one stack. */
export function parseCheckov(output: unknown, stage: string, stack: Json): CheckovResult {
  const index = indexStack(stack);
  let passed = 0;
  let parsingErrors = 0;
  const failed: ScanFinding[] = [];
  for (const report of checkovReports(output)) {
    const results = report.results ?? {};
    passed += Array.isArray(results.passed_checks) ? results.passed_checks.length : Number(report.summary?.passed ?? report.passed ?? 0);
    parsingErrors += Number(report.summary?.parsing_errors ?? report.parsing_errors ?? 0) || 0;
    for (const check of results.failed_checks ?? []) {
      const where = resolveCheckovResource(String(check.resource ?? ""), index);
      failed.push({ tool: "checkov", checkId: String(check.check_id), title: String(check.check_name ?? ""), stage, ...where });
    }
  }
  return { passed, parsingErrors, failed };
}

/**
 * The resource declared around `line` (1-based) of a cdk.tf.json as cdktf writes it
 * (JSON.stringify with two-space indent: type keys at 4 spaces, names at 6 under
 * "resource" or "data" at 2).
 */
export function resourceAtLine(text: string, line: number): { section: string; type: string; name: string } | undefined {
  const lines = text.split("\n");
  let section: string | undefined;
  let type: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < Math.min(line, lines.length); i++) {
    const m = /^( *)"([^"]+)": \{/.exec(lines[i]);
    if (!m) continue;
    const depth = m[1].length;
    if (depth === 2) [section, type, name] = [m[2], undefined, undefined];
    else if (depth === 4) [type, name] = [m[2], undefined];
    else if (depth === 6) name = m[2];
  }
  if ((section === "resource" || section === "data") && type && name) return { section, type, name };
  return undefined;
}

/** The result of `tflint --format json` for one stack. */
export interface TflintResult {
  readonly findings: ScanFinding[];
  /** tflint's own errors (a config it could not load, a plugin missing). */
  readonly errors: string[];
}

/** Parses `tflint --format json` output for one stack; `fileText` is the cdk.tf.json it linted. */
export function parseTflint(output: unknown, stage: string, stack: Json, fileText: string): TflintResult {
  const out = (output && typeof output === "object" ? output : {}) as Json;
  const index = indexStack(stack);
  const findings: ScanFinding[] = (out.issues ?? []).map((issue: Json) => {
    const at = resourceAtLine(fileText, Number(issue.range?.start?.line ?? 0));
    const found = at ? (at.section === "data" ? index.data : index.resources).get(at.name)?.find((c) => c.address.endsWith(`${at.type}.${at.name}`)) : undefined;
    return {
      tool: "tflint" as const,
      checkId: String(issue.rule?.name ?? "unknown"),
      title: String(issue.message ?? ""),
      stage,
      name: at?.name ?? `${issue.range?.filename ?? "?"}:${issue.range?.start?.line ?? "?"}`,
      address: found?.address,
      path: found?.path,
    };
  });
  const errors = (out.errors ?? []).map((e: Json) => String(e.message ?? JSON.stringify(e)));
  return { findings, errors };
}

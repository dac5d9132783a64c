/**
 * Plan risk report: reads the JSON of a saved Terraform plan and says, in Markdown,
 * what it would create, update, replace and delete, and loudly when a stateful
 * resource (one that holds data or an identity others depend on) would be replaced
 * or deleted.
 *
 * Pure functions only (no file system, no process): `scripts/plan-report/cli.ts`
 * handles arguments, files and exit codes.
 *
 * @example
 * const plan = parsePlan(fs.readFileSync("plan.json", "utf8"), "plan.json");
 * const summary = summarizePlan(plan);
 * console.log(renderReport(summary, { stage: "production", strict: true }));
 * if (strictViolations(summary, { strict: true }).length > 0) process.exitCode = 3;
 *
 * Input format: `terraform show -json plan.out`, documented at
 * https://developer.hashicorp.com/terraform/internals/json-format (plan and change
 * representations). Only `format_version` 1.x is accepted, as that page asks.
 */

/**
 * Resource types whose replacement or deletion loses data, or an identity that
 * other things hold on to (a KMS key's ciphertexts, a secret's ARN in task
 * definitions, a repository's images). A replace or delete of any of these gets a
 * warning block in the report, and fails `--strict`.
 *
 * Keep it in step with the stateful resources of the stacks (the ones that take a
 * `preventDestroy` prop and whose addresses __tests__/stacks/stateful-addresses.test.ts pins).
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  "aws_db_instance", // PostgreSQL data (a replacement starts empty unless restored from a snapshot)
  "aws_elasticache_replication_group", // Redis data and its endpoint
  "aws_efs_file_system", // Qdrant's storage
  "aws_efs_access_point", // the path and POSIX identity Qdrant's data is reached through
  "aws_s3_bucket", // objects (snapshots, access logs, Terraform state)
  "aws_secretsmanager_secret", // secret values and the ARNs task definitions reference
  "aws_kms_key", // everything encrypted with it becomes unreadable once it is deleted
  "aws_backup_vault", // recovery points
  "aws_ecr_repository", // container images the services run
];

/** What Terraform will do to one resource instance, from its `change.actions`. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "no-op" | "read" | "forget" | "unknown";

/** A change representation (the subset this report reads). */
export interface PlanChange {
  readonly actions: readonly string[];
  readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
}

/** One entry of `resource_changes` (the subset this report reads). */
export interface PlanResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode?: string;
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: PlanChange;
}

/** A plan representation (the subset this report reads). */
export interface TerraformPlan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly errored?: boolean;
  readonly resource_changes: readonly PlanResourceChange[];
}

/** One resource instance the plan touches, classified. */
export interface ClassifiedChange {
  /** Full resource instance address, e.g. `aws_kms_key.secrets-key_83928A38`. */
  readonly address: string;
  /** Resource type, e.g. `aws_kms_key`. */
  readonly type: string;
  /** What happens to it. */
  readonly kind: ChangeKind;
  /** The raw `change.actions`, e.g. ["delete", "create"]. */
  readonly actions: readonly string[];
  /** Attributes forcing a replacement, formatted (`kms_key_id`, `ingress[0].cidr_blocks`). */
  readonly replacePaths: readonly string[];
  /** Terraform's `action_reason`, when it gave one. */
  readonly actionReason?: string;
  /** Set when the change concerns a deposed object rather than the current one. */
  readonly deposed?: string;
  /** True when the type is in STATEFUL_RESOURCE_TYPES. */
  readonly stateful: boolean;
}

/** Counts of the four changes that matter, for one resource type or the whole plan. */
export interface ChangeCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
}

/** Everything the report says, computed once from a plan. */
export interface PlanSummary {
  /** The Terraform version that wrote the plan, if it said. */
  readonly terraformVersion?: string;
  /** True when Terraform reported errors while planning (the plan is incomplete). */
  readonly errored: boolean;
  /** Counts over the whole plan. */
  readonly totals: ChangeCounts;
  /** Counts per resource type, only types with at least one change, sorted by type. */
  readonly byType: ReadonlyArray<{ readonly type: string; readonly counts: ChangeCounts }>;
  /** Managed resources left as they are. */
  readonly unchanged: number;
  /** Every replace and delete, in plan order. */
  readonly destructive: readonly ClassifiedChange[];
  /** The replaces and deletes of stateful resource types. */
  readonly statefulDestructive: readonly ClassifiedChange[];
  /** Changes with actions this report does not know or that only touch state (`forget`). */
  readonly other: readonly ClassifiedChange[];
}

/** Options of the rendered report and of the strict check. */
export interface ReportOptions {
  /** Stage name shown in the heading. @default - no stage in the heading */
  readonly stage?: string;
  /** Strict mode: a replace or delete of a stateful resource blocks the plan. @default false */
  readonly strict?: boolean;
  /** With strict mode, let stateful replaces and deletes through (still reported). @default false */
  readonly allowDestroy?: boolean;
}

/** The input is not a readable Terraform JSON plan; the message names the source and what is wrong. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Parses and checks the JSON of a saved plan. Throws PlanInputError naming `source`
 * when the text is not JSON, is not a plan (a state file, some other JSON), has an
 * unsupported major format version, or has a malformed `resource_changes` entry.
 */
export function parsePlan(text: string, source: string): TerraformPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PlanInputError(`${source}: is not JSON (${(error as Error).message})`);
  }
  const hint = "expected the output of `terraform show -json <plan file>`";
  if (!isObject(data) || typeof data.format_version !== "string") {
    throw new PlanInputError(`${source}: is not a Terraform JSON plan: no "format_version" (${hint})`);
  }
  // A state file has "values"; only a plan has "planned_values" (present even in an empty plan).
  if (!isObject(data.planned_values)) {
    const what = isObject(data.values) ? "looks like a state file" : 'has no "planned_values"';
    throw new PlanInputError(`${source}: is not a Terraform JSON plan: it ${what} (${hint})`);
  }
  const major = data.format_version.split(".")[0];
  if (major !== "1") {
    throw new PlanInputError(
      `${source}: format_version "${data.format_version}" is not supported (this report reads 1.x plans)`,
    );
  }
  // Terraform omits resource_changes when the configuration has no resources at all.
  const rawChanges = data.resource_changes ?? [];
  if (!Array.isArray(rawChanges)) {
    throw new PlanInputError(`${source}: resource_changes is not an array`);
  }
  const changes = rawChanges.map((entry: unknown, i: number): PlanResourceChange => {
    const at = `${source}: resource_changes[${i}]`;
    if (!isObject(entry)) throw new PlanInputError(`${at} is not an object`);
    if (typeof entry.address !== "string") throw new PlanInputError(`${at}.address is not a string`);
    if (typeof entry.type !== "string") throw new PlanInputError(`${at}.type is not a string (${entry.address})`);
    const change = entry.change;
    if (!isObject(change)) throw new PlanInputError(`${at}.change is not an object (${entry.address})`);
    const actions = change.actions;
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === "string")) {
      throw new PlanInputError(`${at}.change.actions is not a non-empty array of strings (${entry.address})`);
    }
    const paths = change.replace_paths;
    if (
      paths !== undefined &&
      !(
        Array.isArray(paths) &&
        paths.every((p) => Array.isArray(p) && p.every((s) => typeof s === "string" || typeof s === "number"))
      )
    ) {
      throw new PlanInputError(`${at}.change.replace_paths is not an array of paths (${entry.address})`);
    }
    return {
      address: entry.address,
      type: entry.type,
      mode: typeof entry.mode === "string" ? entry.mode : undefined,
      deposed: typeof entry.deposed === "string" ? entry.deposed : undefined,
      action_reason: typeof entry.action_reason === "string" ? entry.action_reason : undefined,
      change: { actions: actions as string[], replace_paths: paths as Array<Array<string | number>> | undefined },
    };
  });
  return {
    format_version: data.format_version,
    terraform_version: typeof data.terraform_version === "string" ? data.terraform_version : undefined,
    errored: data.errored === true,
    resource_changes: changes,
  };
}

/**
 * Classifies `change.actions`. The documented values are ["no-op"], ["create"],
 * ["read"], ["update"], ["delete", "create"] and ["create", "delete"] (replace),
 * ["delete"]; Terraform 1.7+ adds ["forget"] for `removed` blocks. Anything else
 * containing "delete" is taken as a deletion, as the format page suggests callers do.
 */
export function classifyActions(actions: readonly string[]): ChangeKind {
  const key = actions.join(",");
  switch (key) {
    case "no-op":
    case "create":
    case "read":
    case "update":
    case "delete":
    case "forget":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      if (actions.includes("delete")) return actions.includes("create") ? "replace" : "delete";
      return "unknown";
  }
}

/** Formats a replace path: ["ingress", 0, "cidr_blocks"] becomes `ingress[0].cidr_blocks`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) out += out === "" ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** True for a resource type listed in STATEFUL_RESOURCE_TYPES. */
export function isStateful(type: string): boolean {
  return STATEFUL_RESOURCE_TYPES.includes(type);
}

const emptyCounts = (): ChangeCounts => ({ create: 0, update: 0, replace: 0, delete: 0 });

/** Classifies every managed resource change of a parsed plan and counts them. Data sources are ignored. */
export function summarizePlan(plan: TerraformPlan): PlanSummary {
  const totals = emptyCounts();
  const byType = new Map<string, ChangeCounts>();
  const destructive: ClassifiedChange[] = [];
  const other: ClassifiedChange[] = [];
  let unchanged = 0;
  for (const rc of plan.resource_changes) {
    if (rc.mode === "data") continue;
    const kind = classifyActions(rc.change.actions);
    if (kind === "read") continue;
    const change: ClassifiedChange = {
      address: rc.address,
      type: rc.type,
      kind,
      actions: rc.change.actions,
      replacePaths: (rc.change.replace_paths ?? []).map(formatPath),
      actionReason: rc.action_reason,
      deposed: rc.deposed,
      stateful: isStateful(rc.type),
    };
    switch (kind) {
      case "no-op":
        unchanged += 1;
        break;
      case "forget":
      case "unknown":
        other.push(change);
        break;
      default: {
        const counts = byType.get(rc.type) ?? emptyCounts();
        counts[kind] += 1;
        totals[kind] += 1;
        byType.set(rc.type, counts);
        if (kind === "replace" || kind === "delete") destructive.push(change);
      }
    }
  }
  return {
    terraformVersion: plan.terraform_version,
    errored: plan.errored === true,
    totals,
    byType: [...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, counts]) => ({ type, counts })),
    unchanged,
    destructive,
    statefulDestructive: destructive.filter((c) => c.stateful),
    other,
  };
}

/** The stateful replaces and deletes that block the plan under `options` (none unless strict and not allowed). */
export function strictViolations(summary: PlanSummary, options: ReportOptions): readonly ClassifiedChange[] {
  if (!options.strict || options.allowDestroy) return [];
  return summary.statefulDestructive;
}

/** Human words for Terraform's documented `action_reason` codes; unknown codes are shown as they are. */
const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_cannot_update: "an attribute cannot change in place",
  replace_because_tainted: "tainted in state",
  replace_by_request: "requested with -replace",
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each mode changed",
  delete_because_count_index: "index out of count range",
  delete_because_each_key: "key no longer in for_each",
  delete_because_no_move_target: "moved to an address that does not exist",
};

/** Escapes text for a Markdown table cell inside a code span (pipes would end the cell). */
const cell = (text: string): string => text.replace(/\|/g, "\\|");
const code = (text: string): string => `\`${cell(text)}\``;

function actionLabel(change: ClassifiedChange): string {
  if (change.kind === "replace") {
    return change.actions[0] === "create" ? "replace (create first)" : "replace (destroy first)";
  }
  return change.deposed ? `delete (deposed object ${change.deposed})` : change.kind;
}

function reason(change: ClassifiedChange): string {
  if (!change.actionReason) return "";
  return ACTION_REASONS[change.actionReason] ?? change.actionReason;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Renders the Markdown report. */
/** Subnets the plan replaces because their availability zone (name or ID) changes. */
export function subnetZoneMoves(summary: PlanSummary): readonly ClassifiedChange[] {
  return summary.destructive.filter(
    (c) => c.type === "aws_subnet" && c.kind === "replace" && c.replacePaths.some((p) => /^availability_zone(_id)?$/.test(p)),
  );
}

export function renderReport(summary: PlanSummary, options: ReportOptions = {}): string {
  const lines: string[] = [];
  const { totals } = summary;
  lines.push(options.stage ? `### Terraform plan: \`${options.stage}\`` : "### Terraform plan");
  lines.push("");

  const changed = totals.create + totals.update + totals.replace + totals.delete;
  const version = summary.terraformVersion ? ` (Terraform ${summary.terraformVersion})` : "";
  if (changed === 0) {
    lines.push(`**No changes.** ${plural(summary.unchanged, "resource")} unchanged.${version}`);
  } else {
    lines.push(
      `**${totals.create} to create, ${totals.update} to update, ${totals.replace} to replace, ` +
        `${totals.delete} to delete**; ${summary.unchanged} unchanged.${version}`,
    );
  }
  lines.push("");

  if (summary.errored) {
    lines.push("> [!WARNING]", "> Terraform reported errors while planning: this plan is incomplete.", "");
  }

  if (summary.statefulDestructive.length > 0) {
    const blocked = strictViolations(summary, options).length > 0;
    lines.push("> [!CAUTION]");
    lines.push(
      `> **${plural(summary.statefulDestructive.length, "stateful resource")} would be REPLACED or DELETED.** ` +
        "Their data (or what was encrypted with them, or what refers to them by ARN) is lost unless restored:",
    );
    lines.push(">");
    for (const c of summary.statefulDestructive) {
      const forced = c.replacePaths.length > 0 ? ` (forced by ${c.replacePaths.map(code).join(", ")})` : "";
      lines.push(`> - **${actionLabel(c)}** ${code(c.address)}${forced}`);
    }
    lines.push(">");
    if (blocked) {
      lines.push(
        "> **Blocked by `--strict`.** If this destruction is intended, re-run the deploy with `allow_destroy` " +
          "(`--allow-destroy`) after taking a backup.",
      );
    } else if (options.strict && options.allowDestroy) {
      lines.push("> Allowed explicitly with `--allow-destroy` (`allow_destroy` input of the deploy).");
    } else {
      lines.push(
        "> The production deploy runs this report with `--strict` and stops on this plan unless it is run " +
          "with `allow_destroy`.",
      );
    }
    lines.push("");
  }

  const zoneMoves = subnetZoneMoves(summary);
  if (zoneMoves.length > 0) {
    lines.push("> [!WARNING]");
    lines.push(
      `> **${plural(zoneMoves.length, "subnet")} would move to another availability zone** (replaced, forced by its zone). ` +
        "The database and cache subnet groups use these subnets, and RDS or ElastiCache cannot leave a subnet that holds a node: " +
        "if this is an existing stage, name the zones its subnets are in with `network.azIds` (docs/CONFIG.md) instead.",
    );
    lines.push(">");
    for (const c of zoneMoves) lines.push(`> - ${code(c.address)} (${c.replacePaths.map(code).join(", ")})`);
    lines.push("");
  }

  if (summary.byType.length > 0) {
    lines.push("#### Changes by resource type", "");
    lines.push("| Resource type | Create | Update | Replace | Delete |", "| --- | ---: | ---: | ---: | ---: |");
    for (const { type, counts } of summary.byType) {
      const mark = isStateful(type) ? " (stateful)" : "";
      lines.push(`| ${code(type)}${mark} | ${counts.create} | ${counts.update} | ${counts.replace} | ${counts.delete} |`);
    }
    lines.push(`| **Total** | ${totals.create} | ${totals.update} | ${totals.replace} | ${totals.delete} |`, "");
  }

  if (summary.destructive.length > 0) {
    lines.push("#### Replacements and deletions", "");
    lines.push("| Action | Address | Forcing replacement | Why |", "| --- | --- | --- | --- |");
    // Stateful rows first (stable sort keeps plan order otherwise).
    const rows = [...summary.destructive].sort((a, b) => Number(b.stateful) - Number(a.stateful));
    for (const c of rows) {
      const warn = c.stateful ? "**stateful** " : "";
      const forced = c.replacePaths.map(code).join(", ");
      lines.push(`| ${warn}${actionLabel(c)} | ${code(c.address)} | ${forced} | ${cell(reason(c))} |`);
    }
    lines.push("");
  }

  if (summary.other.length > 0) {
    lines.push("#### Other actions", "");
    for (const c of summary.other) {
      const what = c.kind === "forget" ? "removed from state, not destroyed" : `actions ${JSON.stringify(c.actions)}`;
      lines.push(`- ${code(c.address)}: ${what}`);
    }
    lines.push("");
  }

  return lines.join("\n");
}

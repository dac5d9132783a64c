/** The plan risk report (scripts/plan-report/), over the plan fixtures in __tests__/fixtures/plans/. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT_CODES, runPlanReport } from "../../scripts/plan-report/cli";
import {
  classifyActions,
  formatPath,
  parsePlan,
  PlanInputError,
  renderReport,
  STATEFUL_RESOURCE_TYPES,
  strictViolations,
  subnetZoneMoves,
  summarizePlan,
  type TerraformPlan,
} from "../../scripts/plan-report/report";

const root = path.resolve(__dirname, "../..");
const fixtures = path.join(root, "__tests__/fixtures/plans");
const fixture = (name: string) => path.join(fixtures, name);
const read = (file: string) => fs.readFileSync(file, "utf8");
const summaryOf = (name: string) => summarizePlan(parsePlan(read(fixture(name)), name));

const DB = "aws_db_instance.database_instance_D7FC2283";
const STATE_BUCKET = "aws_s3_bucket.state-django-faq-terraform-state_bucket_32ABAA54";

interface FixtureCase {
  file: string;
  totals: { create: number; update: number; replace: number; delete: number };
  unchanged: number;
  /** Every replace and delete address. */
  destructive: string[];
  /** The stateful ones among them (these, and only these, fail --strict). */
  stateful: string[];
  /** Replace paths expected in the report, by address. */
  replacePaths?: Record<string, string[]>;
}

const CASES: FixtureCase[] = [
  { file: "create-only.json", totals: { create: 40, update: 0, replace: 0, delete: 0 }, unchanged: 0, destructive: [], stateful: [] },
  { file: "in-place-update.json", totals: { create: 0, update: 3, replace: 0, delete: 0 }, unchanged: 37, destructive: [], stateful: [] },
  {
    file: "network-replace.json",
    totals: { create: 0, update: 0, replace: 2, delete: 0 },
    unchanged: 38,
    destructive: [
      "aws_route_table_association.network_private-0-association_9499BF76",
      "aws_subnet.network_private-0_A0649C48",
    ],
    stateful: [],
    replacePaths: {
      "aws_subnet.network_private-0_A0649C48": ["cidr_block"],
      "aws_route_table_association.network_private-0-association_9499BF76": ["subnet_id"],
    },
  },
  {
    file: "database-replace.json",
    totals: { create: 0, update: 0, replace: 1, delete: 0 },
    unchanged: 63,
    destructive: [DB],
    stateful: [DB],
    replacePaths: { [DB]: ["kms_key_id"] },
  },
  {
    file: "bucket-delete.json",
    totals: { create: 0, update: 0, replace: 0, delete: 7 },
    unchanged: 0,
    destructive: [
      STATE_BUCKET,
      "aws_s3_bucket_lifecycle_configuration.state-django-faq-terraform-state_lifecycle_DD6C485F",
      "aws_s3_bucket_ownership_controls.state-django-faq-terraform-state_ownership_2C7F6586",
      "aws_s3_bucket_policy.state-django-faq-terraform-state_policy_05B67262",
      "aws_s3_bucket_public_access_block.state-django-faq-terraform-state_public-access-block_0659C553",
      "aws_s3_bucket_server_side_encryption_configuration.state-django-faq-terraform-state_encryption_D4F361E1",
      "aws_s3_bucket_versioning.state-django-faq-terraform-state_versioning_BFE59DD9",
    ],
    stateful: [STATE_BUCKET],
  },
  { file: "no-op.json", totals: { create: 0, update: 0, replace: 0, delete: 0 }, unchanged: 63, destructive: [], stateful: [] },
  {
    file: "terraform-data-real.json",
    totals: { create: 1, update: 1, replace: 1, delete: 1 },
    unchanged: 1,
    destructive: ["terraform_data.gone", "terraform_data.repl"],
    stateful: [],
    replacePaths: { "terraform_data.repl": ["triggers_replace"] },
  },
];

it("covers every plan fixture", () => {
  const files = fs.readdirSync(fixtures).filter((f) => f.endsWith(".json") && f !== "not-a-plan-state.json");
  expect(files.sort()).toEqual(CASES.map((c) => c.file).sort());
});

describe.each(CASES)("plan fixture $file", (c) => {
  const summary = summaryOf(c.file);
  const report = renderReport(summary, { stage: "fixture" });

  it("counts create / update / replace / delete and the unchanged", () => {
    expect(summary.totals).toEqual(c.totals);
    expect(summary.unchanged).toBe(c.unchanged);
    const perType = summary.byType.reduce(
      (sum, t) => sum + t.counts.create + t.counts.update + t.counts.replace + t.counts.delete,
      0,
    );
    expect(perType).toBe(c.totals.create + c.totals.update + c.totals.replace + c.totals.delete);
  });

  it("lists every replace and delete, and flags exactly the stateful ones", () => {
    expect(summary.destructive.map((d) => d.address).sort()).toEqual([...c.destructive].sort());
    expect(summary.statefulDestructive.map((d) => d.address)).toEqual(c.stateful);
    for (const address of c.destructive) expect(report).toContain(`| \`${address}\` |`);
    for (const [address, paths] of Object.entries(c.replacePaths ?? {})) {
      const row = report.split("\n").find((l) => l.includes(`\`${address}\``) && l.startsWith("|"));
      for (const p of paths) expect(row).toContain(`\`${p}\``);
    }
  });

  it("shows a warning block only for stateful replaces or deletes", () => {
    expect(report.includes("> [!CAUTION]")).toBe(c.stateful.length > 0);
    for (const address of c.stateful) expect(report).toMatch(new RegExp(`^> - \\*\\*(replace|delete).*\`${address}\``, "m"));
  });

  it("has a per-type count table when something changes, and says so when nothing does", () => {
    expect(report).toContain("### Terraform plan: `fixture`");
    const changes = Object.values(c.totals).reduce((a, b) => a + b, 0);
    expect(report.includes("#### Changes by resource type")).toBe(changes > 0);
    expect(report.includes("**No changes.**")).toBe(changes === 0);
    if (changes > 0) {
      const t = c.totals;
      expect(report).toContain(`| **Total** | ${t.create} | ${t.update} | ${t.replace} | ${t.delete} |`);
    }
  });

  it("fails --strict (exit 3) only when a stateful resource is replaced or deleted", () => {
    const result = runPlanReport([fixture(c.file), "--strict"], read);
    expect(result.exitCode).toBe(c.stateful.length > 0 ? EXIT_CODES.blocked : EXIT_CODES.ok);
    expect(result.stdout).toBe(renderReport(summary, { strict: true }));
    for (const address of c.stateful) expect(result.stderr).toContain(address);
  });

  it("passes without --strict, and with --strict --allow-destroy", () => {
    expect(runPlanReport([fixture(c.file)], read).exitCode).toBe(EXIT_CODES.ok);
    const allowed = runPlanReport([fixture(c.file), "--strict", "--allow-destroy"], read);
    expect(allowed.exitCode).toBe(EXIT_CODES.ok);
    expect(allowed.stderr).toBe("");
    if (c.stateful.length > 0) expect(allowed.stdout).toContain("Allowed explicitly with `--allow-destroy`");
  });
});

describe("the warning block", () => {
  it("tells how to allow an intended destruction when --strict blocks", () => {
    const report = renderReport(summaryOf("database-replace.json"), { strict: true });
    expect(report).toContain("**Blocked by `--strict`.**");
    expect(report).toContain("allow_destroy");
    expect(report).toContain("(forced by `kms_key_id`)");
    expect(report).toContain("replace (destroy first)");
  });
});

describe("classifyActions", () => {
  it.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["read"], "read"],
    [["update"], "update"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["delete"], "delete"],
    [["forget"], "forget"],
    [["delete", "forget"], "delete"],
    [["something-new"], "unknown"],
  ])("classifies %j as %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });
});

describe("formatPath", () => {
  it("joins attribute names with dots and indexes with brackets", () => {
    expect(formatPath(["kms_key_id"])).toBe("kms_key_id");
    expect(formatPath(["ingress", 0, "cidr_blocks"])).toBe("ingress[0].cidr_blocks");
    expect(formatPath(["tags", "Cost Center"])).toBe('tags["Cost Center"]');
  });
});

describe("STATEFUL_RESOURCE_TYPES", () => {
  it("names the data stores, keys, secrets, buckets, vaults and repositories", () => {
    expect([...STATEFUL_RESOURCE_TYPES].sort()).toEqual(
      [
        "aws_backup_vault",
        "aws_db_instance",
        "aws_ecr_repository",
        "aws_efs_access_point",
        "aws_efs_file_system",
        "aws_elasticache_replication_group",
        "aws_kms_key",
        "aws_s3_bucket",
        "aws_secretsmanager_secret",
      ].sort(),
    );
  });
});

describe("changes the fixtures do not show", () => {
  const plan = (resource_changes: unknown[]): string =>
    JSON.stringify({ format_version: "1.2", planned_values: { root_module: {} }, resource_changes });
  const entry = (address: string, actions: string[], extra: Record<string, unknown> = {}) => ({
    address,
    mode: "managed",
    type: address.split(".")[0],
    name: address.split(".")[1],
    change: { actions },
    ...extra,
  });

  it("ignores data source reads", () => {
    const summary = summarizePlan(
      parsePlan(plan([{ ...entry("data.aws_iam_policy_document.x", ["read"]), mode: "data", type: "aws_iam_policy_document" }]), "p"),
    );
    expect(summary.totals).toEqual({ create: 0, update: 0, replace: 0, delete: 0 });
    expect(summary.unchanged).toBe(0);
  });

  it("treats the delete of a deposed stateful object as destructive and says it is deposed", () => {
    const summary = summarizePlan(parsePlan(plan([entry("aws_kms_key.k", ["delete"], { deposed: "abc123" })]), "p"));
    expect(strictViolations(summary, { strict: true }).map((c) => c.address)).toEqual(["aws_kms_key.k"]);
    expect(renderReport(summary)).toContain("delete (deposed object abc123)");
  });

  it("reports a create-before-destroy replacement as such", () => {
    const summary = summarizePlan(parsePlan(plan([entry("aws_ecr_repository.r", ["create", "delete"])]), "p"));
    expect(renderReport(summary)).toContain("replace (create first)");
    expect(summary.statefulDestructive).toHaveLength(1);
  });

  it("lists `forget` and unknown actions apart, without counting or blocking them", () => {
    const summary = summarizePlan(
      parsePlan(plan([entry("aws_s3_bucket.b", ["forget"]), entry("aws_sns_topic.t", ["new-action"])]), "p"),
    );
    expect(summary.other.map((c) => c.kind)).toEqual(["forget", "unknown"]);
    expect(strictViolations(summary, { strict: true })).toEqual([]);
    const report = renderReport(summary);
    expect(report).toContain("`aws_s3_bucket.b`: removed from state, not destroyed");
    expect(report).toContain('`aws_sns_topic.t`: actions ["new-action"]');
  });

  it("warns when subnets would move to another availability zone, and only then", () => {
    const move = (address: string, path: string) =>
      entry(address, ["delete", "create"], { action_reason: "replace_because_cannot_update", change: { actions: ["delete", "create"], replace_paths: [[path]] } });
    const summary = summarizePlan(
      parsePlan(
        plan([
          move("aws_subnet.network_isolated-0_1", "availability_zone"),
          move("aws_subnet.network_isolated-1_2", "availability_zone_id"),
          move("aws_subnet.network_public-0_3", "cidr_block"),
        ]),
        "p",
      ),
    );
    expect(subnetZoneMoves(summary).map((c) => c.address)).toEqual(["aws_subnet.network_isolated-0_1", "aws_subnet.network_isolated-1_2"]);
    const report = renderReport(summary);
    expect(report).toContain("**2 subnets would move to another availability zone**");
    expect(report).toContain("> - `aws_subnet.network_isolated-1_2` (`availability_zone_id`)");
    expect(report).not.toContain("> - `aws_subnet.network_public-0_3`");
    expect(renderReport(summaryOf("network-replace.json"))).not.toContain("would move to another availability zone");
  });

  it("reads an empty plan (Terraform omits resource_changes when there are no resources)", () => {
    const parsed: TerraformPlan = parsePlan(JSON.stringify({ format_version: "1.2", planned_values: { root_module: {} } }), "p");
    expect(renderReport(summarizePlan(parsed))).toContain("**No changes.** 0 resources unchanged.");
  });

  it("escapes pipes in addresses so table rows stay intact", () => {
    const summary = summarizePlan(parsePlan(plan([entry('aws_s3_bucket.b["a|b"]', ["delete"])]), "p"));
    expect(renderReport(summary)).toContain('`aws_s3_bucket.b["a\\|b"]`');
  });

  it("warns when Terraform reported errors while planning", () => {
    const text = JSON.stringify({ format_version: "1.2", planned_values: {}, errored: true, resource_changes: [] });
    expect(renderReport(summarizePlan(parsePlan(text, "p")))).toContain("this plan is incomplete");
  });
});

describe("bad input", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-report-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it("fails when the file is missing, naming it (exit 2)", () => {
    const missing = path.join(tmp, "nope.json");
    const result = runPlanReport([missing], read);
    expect(result.exitCode).toBe(EXIT_CODES.badInput);
    expect(result.stderr).toContain(`cannot read plan file ${missing}: no such file`);
    expect(result.stdout).toBe("");
  });

  it("fails when the path is a directory", () => {
    expect(runPlanReport([tmp], read).stderr).toContain("is a directory");
  });

  it("fails when the file is not JSON, naming it (exit 2)", () => {
    const file = write("plan.out", "Terraform binary plan\u0000PK");
    const result = runPlanReport([file], read);
    expect(result.exitCode).toBe(EXIT_CODES.badInput);
    expect(result.stderr).toContain(`${file}: is not JSON`);
  });

  it("fails when the JSON is a state file, not a plan", () => {
    const file = fixture("not-a-plan-state.json");
    const result = runPlanReport([file], read);
    expect(result.exitCode).toBe(EXIT_CODES.badInput);
    expect(result.stderr).toContain(`${file}: is not a Terraform JSON plan: it looks like a state file`);
  });

  it.each([
    ["other JSON", "[1, 2]", 'no "format_version"'],
    ["a plan of an unsupported major version", '{"format_version": "2.0", "planned_values": {}}', 'format_version "2.0" is not supported'],
    ["resource_changes is not an array", '{"format_version": "1.2", "planned_values": {}, "resource_changes": {}}', "resource_changes is not an array"],
    [
      "an entry has no address",
      '{"format_version": "1.2", "planned_values": {}, "resource_changes": [{"type": "aws_kms_key", "change": {"actions": ["create"]}}]}',
      "resource_changes[0].address is not a string",
    ],
    [
      "actions is not an array of strings",
      '{"format_version": "1.2", "planned_values": {}, "resource_changes": [{"address": "aws_kms_key.k", "type": "aws_kms_key", "change": {"actions": "create"}}]}',
      "resource_changes[0].change.actions is not a non-empty array of strings (aws_kms_key.k)",
    ],
    [
      "replace_paths is not an array of paths",
      '{"format_version": "1.2", "planned_values": {}, "resource_changes": [{"address": "aws_kms_key.k", "type": "aws_kms_key", "change": {"actions": ["delete", "create"], "replace_paths": ["policy"]}}]}',
      "resource_changes[0].change.replace_paths is not an array of paths (aws_kms_key.k)",
    ],
  ])("fails when %s", (_what, text, message) => {
    const file = write("bad.json", text);
    const result = runPlanReport([file], read);
    expect(result.exitCode).toBe(EXIT_CODES.badInput);
    expect(result.stderr).toContain(`${file}: `);
    expect(result.stderr).toContain(message);
    expect(() => parsePlan(text, "x.json")).toThrow(PlanInputError);
  });

  it("fails on bad usage with the usage text (exit 2)", () => {
    for (const argv of [[], ["a.json", "b.json"], ["a.json", "--unknown"], ["a.json", "--stage"]]) {
      const result = runPlanReport(argv, read);
      expect(result.exitCode).toBe(EXIT_CODES.badInput);
      expect(result.stderr).toContain("usage: npm run plan-report --");
    }
  });
});

describe("the CLI as npm runs it", () => {
  const pkg = JSON.parse(read(path.join(root, "package.json")));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(root, "scripts/run-ts.js"), "scripts/plan-report.ts", ...args], {
      cwd: root,
      encoding: "utf8",
    });

  it("is the npm script plan-report", () => {
    expect(pkg.scripts["plan-report"]).toBe("node scripts/run-ts.js scripts/plan-report.ts");
  });

  it("exits 3 under --strict for a stateful replace, printing the report, and 0 for a no-op plan", () => {
    const blocked = cli(fixture("database-replace.json"), "--strict", "--stage", "production");
    expect(blocked.status).toBe(3);
    expect(blocked.stdout).toContain("### Terraform plan: `production`");
    expect(blocked.stdout).toContain("> [!CAUTION]");
    expect(blocked.stderr).toContain(DB);

    const fine = cli(fixture("no-op.json"), "--strict");
    expect(fine.status).toBe(0);
    expect(fine.stdout).toContain("**No changes.**");
  });

  it("exits 2 naming the file when it is missing", () => {
    const missing = cli("does-not-exist.json");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("cannot read plan file does-not-exist.json");
  });
});

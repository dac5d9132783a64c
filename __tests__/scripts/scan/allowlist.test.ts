/** The scanners' allowlist: every entry needs a reason; matching by check, stage and resource. */
import * as fs from "fs";
import * as path from "path";
import { allows, AllowlistError, parseAllowlist, triage, type AllowlistEntry } from "../../../scripts/scan/allowlist";
import type { ScanFinding } from "../../../scripts/scan/findings";
import { STAGE_NAMES } from "../../helpers/stages";

const STACKS = ["production", "staging", "state-bootstrap"];

const reason = "Staging keeps logs for 30 days by design; production keeps a year.";
const entry = (over: Partial<AllowlistEntry> = {}): AllowlistEntry => ({ check: "CKV_AWS_338", resource: "*", stage: "staging", reason, ...over });
const finding = (over: Partial<ScanFinding> = {}): ScanFinding => ({
  tool: "checkov",
  checkId: "CKV_AWS_338",
  title: "Ensure CloudWatch log groups retains logs for at least 1 year",
  stage: "staging",
  name: "network_flow-logs_D7C94307",
  address: "aws_cloudwatch_log_group.network_flow-logs_D7C94307",
  path: "staging/network/flow-logs",
  ...over,
});

function problems(raw: unknown): string[] {
  try {
    parseAllowlist(raw, STACKS);
  } catch (e) {
    if (e instanceof AllowlistError) return [...e.problems];
    throw e;
  }
  return [];
}

describe("parseAllowlist", () => {
  it("accepts entries with check, resource, stage and a reason", () => {
    expect(parseAllowlist({ entries: [entry(), entry({ stage: "all", resource: "network/*" })] }, STACKS)).toHaveLength(2);
  });

  it("fails when an entry has no reason, naming the entry and the check", () => {
    const { reason: _omit, ...noReason } = entry();
    expect(problems({ entries: [noReason] })).toEqual([
      'entries[0].reason: is missing: give at least a full sentence saying why the finding is acceptable (check "CKV_AWS_338")',
    ]);
  });

  it.each(["ok", "accepted risk", "false positive."])("fails when the reason is only %j", (short) => {
    expect(problems({ entries: [entry({ reason: short })] })[0]).toMatch(/^entries\[0\]\.reason: ".*" is too short: give at least a full sentence/);
  });

  it("fails when check, resource or stage is missing, the stage is unknown, or a field is misspelled", () => {
    expect(problems({ entries: [{ reason, check: "", resourse: "*", stage: "prod" }] })).toEqual([
      "entries[0].resourse: is not a known field (check, resource, stage, reason)",
      'entries[0].check: "" must be a non-empty string',
      "entries[0].resource: (missing) must be a non-empty string",
      'entries[0].stage: "prod" is not "all" nor a stack (production, staging, state-bootstrap)',
    ]);
  });

  it("fails when the file has no entries list", () => {
    expect(problems({ allow: [] })).toEqual(["entries: (missing) must be a list"]);
  });

  it("the project's scan-allowlist.json is valid for the configured stages", () => {
    const raw = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../scan-allowlist.json"), "utf8"));
    expect(() => parseAllowlist(raw, [...STAGE_NAMES, "state-bootstrap"])).not.toThrow();
  });
});

describe("allows", () => {
  it("matches on check id and stage, with * for any resource", () => {
    expect(allows(entry(), finding())).toBe(true);
    expect(allows(entry({ check: "CKV_AWS_158" }), finding())).toBe(false);
    expect(allows(entry(), finding({ stage: "production", path: "production/network/flow-logs" }))).toBe(false);
    expect(allows(entry({ stage: "all" }), finding({ stage: "production" }))).toBe(true);
  });

  it.each([
    "network_flow-logs_D7C94307",
    "aws_cloudwatch_log_group.network_flow-logs_D7C94307",
    "staging/network/flow-logs",
    "network/flow-logs",
    "network/*",
    "*flow-logs*",
  ])("matches the resource by %s", (resource) => {
    expect(allows(entry({ resource }), finding())).toBe(true);
  });

  it.each(["cluster/exec-logs", "network", "flow-logs", "aws_cloudwatch_log_group.other"])("does not match the resource %s", (resource) => {
    expect(allows(entry({ resource }), finding())).toBe(false);
  });

  it("treats regular-expression characters in a resource literally", () => {
    expect(allows(entry({ resource: "network.flow-logs" }), finding({ path: "staging/networkXflow-logs" }))).toBe(false);
  });
});

describe("triage", () => {
  it("splits findings into allowed (with the entry) and not allowed", () => {
    const other = finding({ checkId: "CKV_AWS_18", name: "bucket_1", address: "aws_s3_bucket.bucket_1", path: "staging/bucket" });
    const t = triage([finding(), other], [entry()]);
    expect(t.allowed).toEqual([{ finding: finding(), entry: entry() }]);
    expect(t.unallowed).toEqual([other]);
    expect(t.stale).toEqual([]);
  });

  it("reports an entry that matches nothing as stale", () => {
    const unused = entry({ check: "CKV_AWS_145" });
    expect(triage([finding()], [entry(), unused]).stale).toEqual([unused]);
  });

  it("does not call an entry stale when it was not scanned", () => {
    expect(triage([], [entry()], () => false).stale).toEqual([]);
  });
});

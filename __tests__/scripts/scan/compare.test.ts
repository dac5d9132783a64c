/** The scan comparison end to end, over scanner output files written by the test. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../scripts/scan/compare";

const reason = "Staging keeps logs for 30 days by design; production keeps a year.";

describe("scan comparison", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "scan-test-"));
    for (const stage of ["production", "staging"]) {
      const stack = { resource: { aws_cloudwatch_log_group: { logs_1: { "//": { metadata: { path: `${stage}/logs` } } } } } };
      fs.mkdirSync(path.join(dir, "stacks", stage), { recursive: true });
      fs.writeFileSync(path.join(dir, "stacks", stage, "cdk.tf.json"), JSON.stringify(stack, null, 2));
      fs.mkdirSync(path.join(dir, "results"), { recursive: true });
      const failed = stage === "staging" ? [{ check_id: "CKV_AWS_338", check_name: "retain a year", resource: "resource.logs_1" }] : [];
      fs.writeFileSync(path.join(dir, "results", `checkov-${stage}.json`), JSON.stringify({ results: { passed_checks: [{}, {}], failed_checks: failed } }));
      fs.writeFileSync(path.join(dir, "results", `tflint-${stage}.json`), JSON.stringify({ issues: [], errors: [] }));
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (entries: unknown[], extra: string[] = []) => {
    fs.writeFileSync(path.join(dir, "allow.json"), JSON.stringify({ entries }));
    const lines: string[] = [];
    const code = main(["--stacks", path.join(dir, "stacks"), "--results", path.join(dir, "results"), "--allowlist", path.join(dir, "allow.json"), ...extra], (l) => lines.push(l));
    return { code, out: lines.join("\n") };
  };

  it("passes when every finding is allowlisted, printing the per-stage table", () => {
    const { code, out } = run([{ check: "CKV_AWS_338", resource: "logs", stage: "staging", reason }]);
    expect(code).toBe(0);
    expect(out).toMatch(/production\s+2\s+0\s+0\s+0\s+0/);
    expect(out).toMatch(/staging\s+2\s+0\s+1\s+0\s+0/);
    expect(out).toContain("scan: OK (0 finding(s) not allowlisted, 1 allowlisted, 0 stale entries, 0 scanner error(s))");
  });

  it("fails when a finding is not allowlisted, naming check, stage, address and path", () => {
    const { code, out } = run([]);
    expect(code).toBe(1);
    expect(out).toContain("NOT ALLOWED  checkov CKV_AWS_338  [staging] aws_cloudwatch_log_group.logs_1 (staging/logs): retain a year");
  });

  it("fails on a stale entry, naming it", () => {
    const { code, out } = run([
      { check: "CKV_AWS_338", resource: "*", stage: "staging", reason },
      { check: "CKV_AWS_18", resource: "*", stage: "all", reason },
    ]);
    expect(code).toBe(1);
    expect(out).toContain("stale allowlist entry (matches nothing; remove it): CKV_AWS_18 resource=* stage=all");
    expect(out).toContain("scan: FAILED (0 finding(s) not allowlisted, 1 allowlisted, 1 stale entry, 0 scanner error(s))");
  });

  it("fails when checkov passed no check on a stack: it checked nothing", () => {
    fs.writeFileSync(path.join(dir, "results", "checkov-production.json"), JSON.stringify({ passed: 0, failed: 0, skipped: 0, parsing_errors: 0, resource_count: 0 }));
    const { code, out } = run([{ check: "CKV_AWS_338", resource: "logs", stage: "staging", reason }]);
    expect(code).toBe(1);
    expect(out).toContain(`scanner error: checkov [production]: 0 passed checks: it checked nothing in ${path.join(dir, "stacks", "production", "cdk.tf.json")}`);
  });

  it("fails when checkov reports parsing errors, even with checks passed elsewhere", () => {
    fs.writeFileSync(
      path.join(dir, "results", "checkov-production.json"),
      JSON.stringify({ results: { passed_checks: [{}], failed_checks: [] }, summary: { passed: 1, failed: 0, parsing_errors: 1 } }),
    );
    const { code, out } = run([{ check: "CKV_AWS_338", resource: "logs", stage: "staging", reason }]);
    expect(code).toBe(1);
    expect(out).toContain("scanner error: checkov [production]: 1 parsing error(s)");
  });

  it("fails with 2 when an allowlist entry has no reason", () => {
    const { code, out } = run([{ check: "CKV_AWS_338", resource: "*", stage: "staging" }]);
    expect(code).toBe(2);
    expect(out).toContain("entries[0].reason: is missing");
  });

  it("fails when a scanner's results are missing or it reported an error", () => {
    fs.rmSync(path.join(dir, "results", "tflint-production.json"));
    fs.writeFileSync(path.join(dir, "results", "tflint-staging.json"), JSON.stringify({ issues: [], errors: [{ message: "Failed to load configurations" }] }));
    const { code, out } = run([{ check: "CKV_AWS_338", resource: "*", stage: "staging", reason }]);
    expect(code).toBe(1);
    expect(out).toContain("scanner error: tflint [production]: no results at");
    expect(out).toContain("scanner error: tflint [staging]: Failed to load configurations");
  });

  it("does not report entries for a stage, a tool or a ruleset that did not run as stale", () => {
    const entries = [
      { check: "CKV_AWS_338", resource: "*", stage: "staging", reason },
      { check: "aws_db_instance_invalid_type", resource: "*", stage: "all", reason },
      { check: "terraform_unused_declarations", resource: "*", stage: "production", reason },
    ];
    expect(run(entries, ["--not-run", "aws_"]).out).toContain("stale allowlist entry (matches nothing; remove it): terraform_unused_declarations");
    expect(run(entries, ["--not-run", "aws_"]).out).not.toContain("aws_db_instance_invalid_type");
    expect(run(entries, ["--tools", "checkov"]).out).not.toContain("stale allowlist entry");
  });

  it("fails when a scanner wrote something that is not JSON", () => {
    fs.writeFileSync(path.join(dir, "results", "checkov-staging.json"), "Traceback (most recent call last):");
    const { code, out } = run([]);
    expect(code).toBe(1);
    expect(out).toMatch(/scanner error: checkov \[staging\]: .*checkov-staging.json is not JSON/);
  });

  it("checks only the tools named with --tools, and prints notes", () => {
    fs.rmSync(path.join(dir, "results", "tflint-production.json"));
    const { code, out } = run([{ check: "CKV_AWS_338", resource: "*", stage: "staging", reason }], ["--tools", "checkov", "--note", "tflint skipped"]);
    expect(code).toBe(0);
    expect(out).toContain("note: tflint skipped");
  });
});

/** Parsing checkov's and tflint's JSON output into findings named by Terraform address and construct path. */
import { parseCheckov, parseTflint, resolveCheckovResource, indexStack, resourceAtLine } from "../../../scripts/scan/findings";

const stack = {
  data: { aws_availability_zones: { network_zones_1: { "//": { metadata: { path: "staging/network/zones" } }, state: "available" } } },
  resource: {
    aws_cloudwatch_log_group: { "network_flow-logs_1": { "//": { metadata: { path: "staging/network/flow-logs" } }, retention_in_days: 30 } },
    aws_s3_bucket: { state_bucket_1: { "//": { metadata: { path: "staging/state/bucket" } }, bucket: "x" } },
  },
};
const text = JSON.stringify(stack, null, 2);

const checkovOutput = {
  check_type: "terraform_json",
  results: {
    passed_checks: [{ check_id: "CKV_AWS_158", resource: "resource.network_flow-logs_1" }, { check_id: "CKV_AWS_19", resource: "aws_s3_bucket.state_bucket_1" }],
    failed_checks: [
      { check_id: "CKV_AWS_338", check_name: "Ensure CloudWatch log groups retains logs for at least 1 year", resource: "resource.network_flow-logs_1" },
      { check_id: "CKV2_AWS_62", check_name: "Ensure S3 buckets should have event notifications enabled", resource: "aws_s3_bucket.state_bucket_1" },
      { check_id: "CKV_AWS_394", check_name: "Ensure aws_availability_zones data source pins zone identity", resource: "data.network_zones_1" },
    ],
  },
  summary: { passed: 2, failed: 3 },
};

describe("parseCheckov", () => {
  it("counts passed checks and resolves resource.<name>, <type>.<name> and data.<name> to addresses and paths", () => {
    const result = parseCheckov(checkovOutput, "staging", stack);
    expect(result.passed).toBe(2);
    expect(result.failed.map((f) => [f.checkId, f.address, f.path])).toEqual([
      ["CKV_AWS_338", "aws_cloudwatch_log_group.network_flow-logs_1", "staging/network/flow-logs"],
      ["CKV2_AWS_62", "aws_s3_bucket.state_bucket_1", "staging/state/bucket"],
      ["CKV_AWS_394", "data.aws_availability_zones.network_zones_1", "staging/network/zones"],
    ]);
    expect(result.failed[0]).toMatchObject({ tool: "checkov", stage: "staging", name: "network_flow-logs_1" });
  });

  it("reads a list of reports (several frameworks) and a bare summary with nothing scanned", () => {
    expect(parseCheckov([checkovOutput, checkovOutput], "staging", stack).failed).toHaveLength(6);
    expect(parseCheckov({ passed: 0, failed: 0, skipped: 0, parsing_errors: 0 }, "staging", stack)).toEqual({ passed: 0, parsingErrors: 0, failed: [] });
    expect(parseCheckov({ passed: 0, failed: 0, skipped: 0, parsing_errors: 1 }, "staging", stack)).toEqual({ passed: 0, parsingErrors: 1, failed: [] });
    expect(parseCheckov([], "staging", stack)).toEqual({ passed: 0, parsingErrors: 0, failed: [] });
  });

  it("keeps checkov's name when the resource is unknown or ambiguous", () => {
    const index = indexStack({ resource: { aws_a: { same: {} }, aws_b: { same: {} } } });
    expect(resolveCheckovResource("resource.same", index)).toEqual({ name: "same" });
    expect(resolveCheckovResource("aws_b.same", index)).toEqual({ name: "same", address: "aws_b.same", path: undefined });
    expect(resolveCheckovResource("provider.aws", index)).toEqual({ name: "provider.aws" });
  });
});

describe("parseTflint", () => {
  const line = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

  it("finds the resource around each issue's line", () => {
    expect(resourceAtLine(text, line('"retention_in_days"'))).toEqual({ section: "resource", type: "aws_cloudwatch_log_group", name: "network_flow-logs_1" });
    expect(resourceAtLine(text, line('"state": "available"'))).toEqual({ section: "data", type: "aws_availability_zones", name: "network_zones_1" });
    expect(resourceAtLine(text, 1)).toBeUndefined();
  });

  it("turns issues into findings and keeps tflint's errors", () => {
    const output = {
      issues: [
        { rule: { name: "aws_s3_bucket_name", severity: "error" }, message: "bucket name is invalid", range: { filename: "cdk.tf.json", start: { line: line('"bucket": "x"') } } },
        { rule: { name: "terraform_required_version", severity: "warning" }, message: "missing required_version", range: { filename: "cdk.tf.json", start: { line: 1 } } },
      ],
      errors: [{ message: "Plugin \"aws\" not found" }],
    };
    const result = parseTflint(output, "staging", stack, text);
    expect(result.findings).toEqual([
      { tool: "tflint", checkId: "aws_s3_bucket_name", title: "bucket name is invalid", stage: "staging", name: "state_bucket_1", address: "aws_s3_bucket.state_bucket_1", path: "staging/state/bucket" },
      { tool: "tflint", checkId: "terraform_required_version", title: "missing required_version", stage: "staging", name: "cdk.tf.json:1", address: undefined, path: undefined },
    ]);
    expect(result.errors).toEqual(['Plugin "aws" not found']);
  });

  it("reads an empty result", () => {
    expect(parseTflint({ issues: [], errors: [] }, "staging", stack, text)).toEqual({ findings: [], errors: [] });
  });
});

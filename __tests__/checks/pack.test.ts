/** The pack: every rule over every resource, suppressions honored and reported. */
import { formatFinding, PolicyViolationError, runPack, stackResources, summarize } from "../../checks/pack";
import { RULES } from "../../checks/rules";
import { PRODUCTION, STAGING } from "./fixtures";

const reason = "Flow logs are exported nightly to the archive account, which keeps them for seven years.";

/** A stack as cdktf writes it, with the "//" comment keys. */
function stack(logGroup: Record<string, unknown>, suppressions?: unknown[]) {
  return {
    "//": { metadata: { stackName: "production" } },
    resource: {
      aws_cloudwatch_log_group: {
        "network_flow-logs_1": {
          "//": { metadata: { path: "production/network/flow-logs", uniqueId: "network_flow-logs_1" }, ...(suppressions ? { policy_suppressions: suppressions } : {}) },
          name: "/faq-prod/vpc/flow-logs",
          kms_key_id: "${aws_kms_key.logs-key_1.arn}",
          ...logGroup,
        },
      },
      aws_kms_key: {
        "logs-key_1": { "//": { metadata: { path: "production/logs-key/key" } }, lifecycle: { prevent_destroy: true } },
      },
    },
  };
}

describe("runPack", () => {
  it("reads the construct path from \"//\".metadata.path and hides the comment from the rules", () => {
    const [logs] = stackResources(stack({ retention_in_days: 7 }), PRODUCTION);
    expect(logs.path).toBe("production/network/flow-logs");
    expect(logs.attributes).not.toHaveProperty("//");
    expect(logs.stage).toBe(PRODUCTION);
  });

  it("reports nothing for a compliant stack", () => {
    const report = runPack(stack({ retention_in_days: 7 }), PRODUCTION);
    expect(report).toMatchObject({ stack: "production", resources: 2, violations: [], suppressed: [], unusedSuppressions: [] });
  });

  it("fails when a log group has no retention, with the path, address, rule id and fix", () => {
    const report = runPack(stack({}), PRODUCTION);
    expect(report.violations).toEqual([
      expect.objectContaining({
        ruleId: "DFP-LOG-2",
        path: "production/network/flow-logs",
        address: "aws_cloudwatch_log_group.network_flow-logs_1",
        details: ["retention_in_days is unset (events are kept forever)"],
      }),
    ]);
    expect(formatFinding(report.violations[0])).toContain("fix: set retention_in_days = stage.logRetentionDays");
  });

  it("passes the stage to the rules: the production-only rule fires in production, not in staging", () => {
    const unprotected = { resource: { aws_kms_key: { k: { "//": { metadata: { path: "x/k" } } } } } };
    expect(runPack(unprotected, PRODUCTION).violations.map((v) => v.ruleId)).toEqual(["DFP-PROD-1"]);
    expect(runPack(unprotected, STAGING).violations).toEqual([]);
  });

  it("honors a suppression with a reason and reports it as suppressed", () => {
    const report = runPack(stack({}, [{ rule_id: "DFP-LOG-2", reason }]), PRODUCTION);
    expect(report.violations).toEqual([]);
    expect(report.suppressed).toEqual([expect.objectContaining({ ruleId: "DFP-LOG-2", path: "production/network/flow-logs", reason })]);
    expect(summarize([report])).toEqual([
      "policy production: 2 resources, 0 violations, 1 suppressed (DFP-LOG-2 on production/network/flow-logs)",
    ]);
  });

  it("fails when a suppression written into the JSON by hand has no real reason", () => {
    const report = runPack(stack({}, [{ rule_id: "DFP-LOG-2", reason: "legacy" }]), PRODUCTION);
    expect(report.violations.map((v) => v.ruleId)).toEqual(["DFP-LOG-2"]);
  });

  it("does not let a suppression of one rule silence another", () => {
    const report = runPack(stack({ kms_key_id: undefined }, [{ rule_id: "DFP-LOG-2", reason }]), PRODUCTION);
    expect(report.violations.map((v) => v.ruleId)).toEqual(["DFP-LOG-1"]);
    expect(report.suppressed.map((v) => v.ruleId)).toEqual(["DFP-LOG-2"]);
  });

  it("reports a suppression of a rule the resource now complies with, or of an unknown rule, as unused", () => {
    const report = runPack(stack({ retention_in_days: 7 }, [{ rule_id: "DFP-LOG-2", reason }, { rule_id: "DFP-NOPE-1", reason }]), PRODUCTION);
    expect(report.unusedSuppressions.map((s) => s.ruleId)).toEqual(["DFP-NOPE-1", "DFP-LOG-2"]);
    expect(summarize([report])[0]).toContain("2 unused suppression(s)");
  });

  it("runs every rule of the pack", () => {
    const seen: string[] = [];
    runPack(stack({ retention_in_days: 7 }), PRODUCTION, RULES.map((r) => ({ ...r, check: () => (seen.push(r.id), "not-applicable" as const) })));
    expect(new Set(seen)).toEqual(new Set(RULES.map((r) => r.id)));
  });
});

describe("PolicyViolationError", () => {
  it("lists every violation with its construct path, rule id and fix, and says nothing was written", () => {
    const error = new PolicyViolationError([runPack(stack({ kms_key_id: undefined }), PRODUCTION)]);
    expect(error.message).toMatch(/^Policy check failed: 2 violations; nothing was written\./);
    expect(error.message).toContain("  - production/network/flow-logs (aws_cloudwatch_log_group.network_flow-logs_1)\n    DFP-LOG-1:");
    expect(error.message).toContain("    DFP-LOG-2:");
    expect(error.message).toContain("fix: set kms_key_id = the stage's logs key");
    expect(error.violations).toHaveLength(2);
  });
});

/** DFP-LOG-1 (encrypted) and DFP-LOG-2 (retention). */
import { logGroupEncrypted } from "../../checks/rules/log-group-encrypted";
import { logGroupRetention } from "../../checks/rules/log-group-retention";
import { details, outcome, res } from "./fixtures";

const good = { name: "/faq-prod/web", kms_key_id: "${aws_kms_key.logs-key_1.arn}", retention_in_days: 365 };

describe("DFP-LOG-1 log-group-encrypted", () => {
  it("passes a log group with kms_key_id", () => {
    expect(outcome(logGroupEncrypted, res("aws_cloudwatch_log_group", good))).toBe("compliant");
  });

  it("fails when kms_key_id is unset", () => {
    expect(details(outcome(logGroupEncrypted, res("aws_cloudwatch_log_group", { ...good, kms_key_id: undefined })))).toEqual(["kms_key_id is unset"]);
  });

  it("does not apply to other types", () => {
    expect(outcome(logGroupEncrypted, res("aws_cloudwatch_log_stream", {}))).toBe("not-applicable");
  });
});

describe("DFP-LOG-2 log-group-retention", () => {
  it("passes a log group with a retention", () => {
    expect(outcome(logGroupRetention, res("aws_cloudwatch_log_group", good))).toBe("compliant");
  });

  it("fails when retention_in_days is unset or 0 (never expire)", () => {
    expect(details(outcome(logGroupRetention, res("aws_cloudwatch_log_group", { ...good, retention_in_days: undefined })))).toEqual([
      "retention_in_days is unset (events are kept forever)",
    ]);
    expect(details(outcome(logGroupRetention, res("aws_cloudwatch_log_group", { ...good, retention_in_days: 0 })))).toEqual([
      "retention_in_days is 0 (events are kept forever)",
    ]);
  });
});

/**
 * DFP-LOG-1: CloudWatch log groups are encrypted with a customer-managed key.
 */
import { nonCompliant, type Rule } from "../types";

export const logGroupEncrypted: Rule = {
  id: "DFP-LOG-1",
  info: "Every aws_cloudwatch_log_group sets kms_key_id (the stage's logs key).",
  explanation:
    "Application, flow and exec-session logs carry request details, hostnames and sometimes personal data. A " +
    "customer-managed key makes reading them a matter of the key policy as well as IAM, and lets the key be " +
    "disabled to cut access. Fix: set kms_key_id = StageStack.logsKey.key.arn (its policy already allows CloudWatch Logs).",
  fix: "set kms_key_id = the stage's logs key (StageStack.logsKey.key.arn)",
  check: (resource) => {
    if (resource.type !== "aws_cloudwatch_log_group") return "not-applicable";
    const key = resource.attributes.kms_key_id;
    return typeof key === "string" && key !== "" ? "compliant" : nonCompliant("kms_key_id is unset");
  },
};

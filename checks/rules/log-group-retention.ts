/**
 * DFP-LOG-2: CloudWatch log groups expire their events.
 */
import { nonCompliant, type Rule } from "../types";

export const logGroupRetention: Rule = {
  id: "DFP-LOG-2",
  info: "Every aws_cloudwatch_log_group sets retention_in_days (not 0, which means never expire).",
  explanation:
    "Without a retention, log events are kept forever: storage costs grow without bound and personal data is " +
    "kept longer than anyone decided. The stage config says how long (stage.logRetentionDays). Fix: set " +
    "retention_in_days = stage.logRetentionDays.",
  fix: "set retention_in_days = stage.logRetentionDays",
  check: (resource) => {
    if (resource.type !== "aws_cloudwatch_log_group") return "not-applicable";
    const days = resource.attributes.retention_in_days;
    if (days === undefined) return nonCompliant("retention_in_days is unset (events are kept forever)");
    return Number(days) > 0 ? "compliant" : nonCompliant(`retention_in_days is ${JSON.stringify(days)} (events are kept forever)`);
  },
};

/**
 * DFP-DATA-5: Secrets Manager secrets are encrypted with a customer-managed key.
 */
import { nonCompliant, type Rule } from "../types";

export const secretCustomerKey: Rule = {
  id: "DFP-DATA-5",
  info: "Every aws_secretsmanager_secret sets kms_key_id (the stage's secrets key).",
  explanation:
    "Without kms_key_id a secret is encrypted with the account's aws/secretsmanager key, which any principal " +
    "allowed secretsmanager:GetSecretValue can use: the key policy adds no second gate and cannot be audited per " +
    "stage. The stage's secrets key (StageStack.secretsKey) is the one the execution role may decrypt with. Fix: " +
    "pass secretsKmsKeyArn = StageStack.secretsKey.key.arn and set kms_key_id from it.",
  fix: "set kms_key_id = the stage's secrets key (StageStack.secretsKey.key.arn)",
  check: (resource) => {
    if (resource.type !== "aws_secretsmanager_secret") return "not-applicable";
    const key = resource.attributes.kms_key_id;
    return typeof key === "string" && key !== "" ? "compliant" : nonCompliant("kms_key_id is unset (the AWS-managed aws/secretsmanager key would be used)");
  },
};

/**
 * DFP-DATA-3: EFS file systems are encrypted at rest.
 */
import { nonCompliant, type Rule } from "../types";
import { isTrue } from "../util";

export const fileSystemEncrypted: Rule = {
  id: "DFP-DATA-3",
  info: "Every aws_efs_file_system sets encrypted = true.",
  explanation:
    "The Qdrant storage on EFS holds the whole vector index. EFS encryption at rest can only be chosen when the " +
    "file system is created; an unencrypted one must be copied into a new file system to fix. Fix: set " +
    "encrypted = true with kms_key_id = a customer-managed key (and mount with transit encryption: " +
    "transit_encryption = ENABLED in the task's efs_volume_configuration).",
  fix: "set encrypted = true (and kms_key_id)",
  check: (resource) => {
    if (resource.type !== "aws_efs_file_system") return "not-applicable";
    const encrypted = resource.attributes.encrypted;
    return isTrue(encrypted) ? "compliant" : nonCompliant(`encrypted is ${JSON.stringify(encrypted) ?? "unset"}`);
  },
};

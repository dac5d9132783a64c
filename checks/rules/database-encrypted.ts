/**
 * DFP-DATA-1: database storage is encrypted at rest.
 */
import { nonCompliant, type Rule } from "../types";
import { isTrue } from "../util";

export const databaseEncrypted: Rule = {
  id: "DFP-DATA-1",
  info: "Every aws_db_instance and aws_rds_cluster sets storage_encrypted = true.",
  explanation:
    "RDS encrypts storage, automated backups, snapshots and read replicas only when the instance is created " +
    "encrypted; turning it on later means restoring a snapshot into a new instance. Unencrypted snapshots can be " +
    "shared or copied out of the account in the clear. A read replica (replicate_source_db) inherits its source's " +
    "encryption. Fix: set storage_encrypted = true with kms_key_id = the database's customer-managed key.",
  fix: "set storage_encrypted = true (and kms_key_id to the database key)",
  check: (resource) => {
    if (resource.type !== "aws_db_instance" && resource.type !== "aws_rds_cluster") return "not-applicable";
    const a = resource.attributes;
    if (isTrue(a.storage_encrypted)) return "compliant";
    if (a.replicate_source_db !== undefined && a.storage_encrypted === undefined) return "compliant";
    return nonCompliant(`storage_encrypted is ${JSON.stringify(a.storage_encrypted) ?? "unset"}`);
  },
};

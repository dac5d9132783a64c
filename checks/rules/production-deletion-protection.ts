/**
 * DFP-PROD-1: in production, stateful resources refuse to be destroyed.
 */
import { nonCompliant, type Rule } from "../types";
import { isTrue } from "../util";

/** Resource types holding state that a destroy or a replacement would lose. */
export const STATEFUL_TYPES = [
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_elasticache_replication_group",
  "aws_efs_file_system",
  "aws_efs_access_point",
  "aws_s3_bucket",
  "aws_secretsmanager_secret",
  "aws_kms_key",
  "aws_backup_vault",
  "aws_ecr_repository",
] as const;

/** Types with their own deletion-protection attribute, which counts as well as prevent_destroy. */
const DELETION_PROTECTION_ATTRIBUTE: Record<string, string> = {
  aws_db_instance: "deletion_protection",
  aws_rds_cluster: "deletion_protection",
};

export const productionDeletionProtection: Rule = {
  id: "DFP-PROD-1",
  info: "In a production stage, every stateful resource has lifecycle.prevent_destroy (or the type's deletion_protection).",
  explanation:
    "A rename, a changed force-new attribute or a stray `terraform destroy` would delete the data with the " +
    "resource. prevent_destroy makes Terraform refuse any plan that destroys or replaces it, and RDS " +
    "deletion_protection makes AWS refuse the delete. Stateful types: " +
    STATEFUL_TYPES.join(", ") +
    ". Fix: pass preventDestroy: stage.production to the construct (it sets lifecycle.prevent_destroy).",
  fix: "pass preventDestroy: stage.production to the construct (lifecycle.prevent_destroy = true)",
  check: (resource) => {
    if (!resource.stage.production) return "not-applicable";
    if (!(STATEFUL_TYPES as readonly string[]).includes(resource.type)) return "not-applicable";
    const a = resource.attributes;
    const protectedBy = DELETION_PROTECTION_ATTRIBUTE[resource.type];
    if (isTrue(a.lifecycle?.prevent_destroy)) return "compliant";
    if (protectedBy && isTrue(a[protectedBy])) return "compliant";
    return nonCompliant(
      `no lifecycle.prevent_destroy${protectedBy ? ` and ${protectedBy} is ${JSON.stringify(a[protectedBy]) ?? "unset"}` : ""} in production stage "${resource.stage.name}"`,
    );
  },
};

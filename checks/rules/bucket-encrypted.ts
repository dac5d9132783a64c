/**
 * DFP-DATA-4: every S3 bucket has a server-side encryption configuration.
 *
 * Needs the stack: since AWS provider v4 the configuration is its own resource,
 * aws_s3_bucket_server_side_encryption_configuration, pointing at the bucket.
 */
import { nonCompliant, type Rule } from "../types";
import { blocks, referencedName, resourcesOf } from "../util";

export const bucketEncrypted: Rule = {
  id: "DFP-DATA-4",
  info: "Every aws_s3_bucket has an aws_s3_bucket_server_side_encryption_configuration with a default encryption rule.",
  explanation:
    "S3 encrypts new objects with SSE-S3 by default since 2023, but only an explicit configuration states the " +
    "algorithm and key (SSE-KMS with a customer key for data, SSE-S3 where the writer cannot use KMS, such as ALB " +
    "access logs), keeps it under review in the plan, and keeps a console change from drifting silently. Fix: " +
    "create the bucket with PrivateBucket (constructs/private-bucket.ts), which adds the configuration, or add an " +
    "aws_s3_bucket_server_side_encryption_configuration whose bucket is this bucket's id.",
  fix: "use PrivateBucket, or add aws_s3_bucket_server_side_encryption_configuration { bucket = <this bucket>.id, rule { apply_server_side_encryption_by_default { ... } } }",
  check: (resource, stack) => {
    if (resource.type !== "aws_s3_bucket") return "not-applicable";
    // The deprecated inline block still encrypts.
    if (blocks(resource.attributes.server_side_encryption_configuration).length > 0) return "compliant";
    const literalName = resource.attributes.bucket;
    const configured = resourcesOf(stack, "aws_s3_bucket_server_side_encryption_configuration").some(([, config]) => {
      const target = config.bucket;
      const pointsHere =
        referencedName(target, "aws_s3_bucket", ["id", "bucket"]) === resource.name ||
        (typeof literalName === "string" && !literalName.includes("${") && target === literalName);
      return pointsHere && blocks(config.rule).some((r) => blocks(r.apply_server_side_encryption_by_default).length > 0);
    });
    return configured ? "compliant" : nonCompliant("no aws_s3_bucket_server_side_encryption_configuration with a default rule points at this bucket");
  },
};

/**
 * An S3 bucket that is private in every way S3 offers: public access blocked,
 * ACLs disabled (bucket owner enforced), encrypted at rest (SSE-KMS with the given
 * key, or SSE-S3 where the writer cannot use KMS), versioned, reachable over TLS
 * only, with lifecycle expiry.
 *
 * @example
 * const bucket = new PrivateBucket(this, "snapshots", {
 *   bucketName: "faq-prod-qdrant-snapshots", kmsKeyArn: key.key.arn, expirationDays: 30,
 * });
 * // bucket.bucket.arn, bucket.bucket.bucket (the name)
 */
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";

export interface PrivateBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /**
   * KMS key for SSE-KMS (with an S3 bucket key).
   * @default - SSE-S3 (AES256), for writers that cannot use KMS such as ALB access logs
   */
  readonly kmsKeyArn?: string;
  /**
   * Days after which current objects expire.
   * @default - never
   */
  readonly expirationDays?: number;
  /**
   * Days after which replaced (noncurrent) versions are deleted.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Extra bucket policy statements, given the bucket's ARN (the TLS-only deny is always there).
   * @default - none
   */
  readonly policyStatements?: (bucketArn: string) => object[];
  /**
   * Refuse `terraform destroy` of the bucket (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

export class PrivateBucket extends Construct {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** Its policy (TLS-only deny plus the extra statements). */
  public readonly policy: S3BucketPolicy;
  /** Its public access block. */
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    const preventDestroy = props.preventDestroy ?? false;
    for (const [field, value] of [["expirationDays", props.expirationDays], ["noncurrentVersionExpirationDays", noncurrentDays]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new Error(`PrivateBucket ${id}: ${field} must be a whole number of days >= 1, got ${value}`);
      }
    }

    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: false,
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
    });
    const bucketId = this.bucket.id;

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: bucketId,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketVersioningA(this, "versioning", {
      bucket: bucketId,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucketId,
      rule: [
        props.kmsKeyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucketId,
      rule: [
        {
          id: "expire",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: props.expirationDays !== undefined ? [{ days: props.expirationDays }] : undefined,
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    const arn = this.bucket.arn;
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: bucketId,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          ...(props.policyStatements?.(arn) ?? []),
        ],
      }),
      // A policy put while the public access block is being created can be refused.
      dependsOn: [this.publicAccessBlock],
    });
  }
}

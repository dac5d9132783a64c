/**
 * Creates the S3 bucket(s) that hold the stages' Terraform state, each encrypted
 * with its own KMS key that only the stages' plan and deploy roles may use
 * (`state.accessRoleNames`; the account's administrators manage the key), and
 * each logging its accesses to a bucket of its own (`<bucket>-access-logs`). It is
 * deployed once, before any stage, with local state (the chicken-and-egg of remote state):
 *
 *   npx cdktf deploy state-bootstrap
 *
 * Keep the resulting `terraform.state-bootstrap.tfstate` safe, or import the bucket
 * later; the bucket refuses destruction either way (prevent_destroy).
 */
import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformResource, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { CeCostAllocationTag } from "@cdktf/provider-aws/lib/ce-cost-allocation-tag";
import type { Stage } from "../config/load";
import { PrivateBucket } from "../constructs/private-bucket";
import { StateBucketKey } from "../constructs/state-bucket-key";
import { PROJECT } from "./stage-stack";
import { TERRAFORM_REQUIRED_VERSION } from "./terraform-version";

/**
 * Tag keys activated as cost allocation tags (once per account): the stage budgets filter on `Stage`;
 * `Project` groups the whole platform in Cost Explorer. Both come from the stage providers' default tags.
 */
export const COST_ALLOCATION_TAG_KEYS = ["Stage", "Project"] as const;

export interface StateBootstrapStackProps {
  /** Every configured stage: one bucket is created per distinct state bucket they name. */
  readonly stages: readonly Stage[];
}

export class StateBootstrapStack extends TerraformStack {
  /** The state buckets, by bucket name. */
  public readonly buckets: ReadonlyMap<string, PrivateBucket>;
  /** Their KMS keys, by bucket name. */
  public readonly keys: ReadonlyMap<string, StateBucketKey>;
  /** The buckets receiving their server access logs, by state bucket name. */
  public readonly accessLogBuckets: ReadonlyMap<string, PrivateBucket>;
  /** Cost allocation tag activations, by tag key. */
  public readonly costAllocationTags: ReadonlyMap<string, CeCostAllocationTag>;

  constructor(scope: Construct, id: string, props: StateBootstrapStackProps) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    // The same floor as the stage stacks, declared once (tflint's terraform_required_version).
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);

    const byBucket = new Map<string, string>();
    const roleNames = new Map<string, string[]>();
    for (const stage of props.stages) {
      roleNames.set(stage.state.bucket, [...(roleNames.get(stage.state.bucket) ?? []), ...stage.state.accessRoleNames]);
      const region = byBucket.get(stage.state.bucket);
      if (region !== undefined && region !== stage.state.region) {
        throw new Error(
          `${stage.name}.state.region: "${stage.state.region}" differs from another stage's region "${region}" for the same bucket "${stage.state.bucket}"`,
        );
      }
      byBucket.set(stage.state.bucket, stage.state.region);
    }

    const providers = new Map<string, AwsProvider>();
    const buckets = new Map<string, PrivateBucket>();
    const keys = new Map<string, StateBucketKey>();
    const logBuckets = new Map<string, PrivateBucket>();
    let identity: DataAwsCallerIdentity | undefined;
    for (const [bucketName, region] of byBucket) {
      let provider = providers.get(region);
      if (!provider) {
        provider = new AwsProvider(this, `aws-${region}`, {
          region,
          alias: providers.size === 0 ? undefined : region,
          defaultTags: [{ tags: { Project: PROJECT, Stage: "shared", ManagedBy: "cdktf" } }],
        });
        providers.set(region, provider);
      }
      identity ??= new DataAwsCallerIdentity(this, "identity", { provider });
      const key = new StateBucketKey(this, `state-${bucketName}-key`, {
        bucketName,
        accountId: identity.accountId,
        region,
        roleNames: roleNames.get(bucketName) ?? [],
      });
      const bucket = new PrivateBucket(this, `state-${bucketName}`, {
        bucketName,
        kmsKeyArn: key.key.arn,
        // State holds resource attributes: keep every version for 90 days to recover from a bad apply.
        noncurrentVersionExpirationDays: 90,
        preventDestroy: true,
      });
      // Server access logs: who read or wrote which state object, and when. S3 delivers them only to an
      // SSE-S3 bucket, written by the logging service principal for this bucket and account only.
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
      const logBucketName = `${bucketName}-access-logs`.slice(0, 63);
      const logs = new PrivateBucket(this, `state-${bucketName}-access-logs`, {
        bucketName: logBucketName,
        expirationDays: 365,
        preventDestroy: true,
        policyStatements: (arn) => [
          {
            Sid: "S3ServerAccessLogDelivery",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${arn}/*`,
            Condition: {
              ArnLike: { "aws:SourceArn": bucket.bucket.arn },
              StringEquals: { "aws:SourceAccount": identity!.accountId },
            },
          },
        ],
      });
      const logging = new S3BucketLoggingA(this, `state-${bucketName}-logging`, {
        bucket: bucket.bucket.id,
        targetBucket: logs.bucket.id,
        targetPrefix: "",
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
      });
      // Route every resource of these buckets through the provider of their region.
      for (const child of [...key.node.findAll(), ...bucket.node.findAll(), ...logs.node.findAll(), logging]) {
        if (child instanceof TerraformResource) child.provider = provider;
      }
      keys.set(bucketName, key);
      logBuckets.set(bucketName, logs);
      buckets.set(bucketName, bucket);
      new TerraformOutput(this, `state-bucket-${bucketName}`, { value: bucket.bucket.arn, description: `State bucket in ${region}` });
      new TerraformOutput(this, `state-key-${bucketName}`, { value: key.key.arn, description: `KMS key of state bucket ${bucketName}` });
    }
    this.buckets = buckets;
    this.keys = keys;
    this.accessLogBuckets = logBuckets;

    // Budgets filtering on a tag read $0 until the tag is an active cost allocation tag. Cost Explorer is
    // account-wide (the default provider serves). AWS can only activate a key it has seen on a resource: if the
    // first apply precedes every stage, apply this stack again after the first stage deploy (docs/operations.md).
    this.costAllocationTags = new Map(
      COST_ALLOCATION_TAG_KEYS.map((tagKey) => [tagKey, new CeCostAllocationTag(this, `cost-allocation-tag-${tagKey.toLowerCase()}`, { tagKey, status: "Active" })]),
    );
  }
}

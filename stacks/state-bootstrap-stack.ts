/**
 * Creates the S3 bucket(s) that hold the stages' Terraform state. It is deployed
 * once, before any stage, with local state (the chicken-and-egg of remote state):
 *
 *   npx cdktf deploy state-bootstrap
 *
 * Keep the resulting `terraform.state-bootstrap.tfstate` safe, or import the bucket
 * later; the bucket refuses destruction either way (prevent_destroy).
 */
import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformResource, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CeCostAllocationTag } from "@cdktf/provider-aws/lib/ce-cost-allocation-tag";
import type { Stage } from "../config/load";
import { PrivateBucket } from "../constructs/private-bucket";
import { PROJECT } from "./stage-stack";

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
  /** Cost allocation tag activations, by tag key. */
  public readonly costAllocationTags: ReadonlyMap<string, CeCostAllocationTag>;

  constructor(scope: Construct, id: string, props: StateBootstrapStackProps) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    // Same floor as the stage stacks (tflint's terraform_required_version).
    this.addOverride("terraform.required_version", ">= 1.10.0");

    const byBucket = new Map<string, string>();
    for (const stage of props.stages) {
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
      const bucket = new PrivateBucket(this, `state-${bucketName}`, {
        bucketName,
        // State holds resource attributes: keep every version for 90 days to recover from a bad apply.
        noncurrentVersionExpirationDays: 90,
        preventDestroy: true,
      });
      // Route every resource of this bucket through the provider of its region.
      for (const child of bucket.node.findAll()) {
        if (child instanceof TerraformResource) child.provider = provider;
      }
      buckets.set(bucketName, bucket);
      new TerraformOutput(this, `state-bucket-${bucketName}`, { value: bucket.bucket.arn, description: `State bucket in ${region}` });
    }
    this.buckets = buckets;

    // Budgets filtering on a tag read $0 until the tag is an active cost allocation tag. Cost Explorer is
    // account-wide (the default provider serves). AWS can only activate a key it has seen on a resource: if the
    // first apply precedes every stage, apply this stack again after the first stage deploy (docs/operations.md).
    this.costAllocationTags = new Map(
      COST_ALLOCATION_TAG_KEYS.map((tagKey) => [tagKey, new CeCostAllocationTag(this, `cost-allocation-tag-${tagKey.toLowerCase()}`, { tagKey, status: "Active" })]),
    );
  }
}

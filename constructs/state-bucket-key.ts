/**
 * The KMS key of a Terraform state bucket. Its key policy gives the account's
 * administrators (the account root, so IAM decides who that is) key management
 * only, without encrypt or decrypt, and lets only the named roles (each stage's plan
 * and deploy roles, and any role that runs Terraform by hand) use the key, and only
 * through S3 in the bucket's region. Everyone else with `s3:GetObject` on the bucket
 * gets an access-denied from KMS instead of the state.
 *
 * The role ARNs are matched with a condition on `aws:PrincipalArn`, not named as
 * principals, so the key can be created before the roles exist (KMS refuses a policy
 * naming a principal it cannot find). The roles still need `kms:Decrypt`,
 * `kms:Encrypt` and `kms:GenerateDataKey` on the key in their own IAM policies.
 *
 * @example
 * const key = new StateBucketKey(this, "state-key", {
 *   bucketName: "django-faq-terraform-state", accountId: "123456789012", region: "eu-west-1",
 *   roleNames: ["faq-stg-terraform-plan", "faq-stg-terraform-deploy"],
 * });
 * // key.key.arn for the bucket's default encryption; stages name it as stateKeyAlias(bucket) in their backend
 */
import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";

/** The alias of a state bucket's key, as stage backends name it (`kms_key_id`). */
export function stateKeyAlias(bucketName: string): string {
  return `alias/${bucketName}`;
}

/** KMS actions that manage a key without using it (no Encrypt, Decrypt, ReEncrypt or GenerateDataKey). */
export const KEY_ADMINISTRATION_ACTIONS = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
] as const;

export interface StateBucketKeyProps {
  /** The state bucket (names the alias). */
  readonly bucketName: string;
  /** Account of the bucket, the key and the roles. */
  readonly accountId: string;
  /** Region of the bucket (the key may only be used through S3 there). */
  readonly region: string;
  /** IAM role names that may read and write state with the key. */
  readonly roleNames: readonly string[];
}

export class StateBucketKey extends Construct {
  /** The key (rotation on, prevent_destroy: state encrypted with it would be lost with it). */
  public readonly key: KmsKey;
  /** `alias/<bucket name>`. */
  public readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: StateBucketKeyProps) {
    super(scope, id);
    if (props.roleNames.length === 0) {
      throw new Error(`StateBucketKey ${id}: roleNames must name at least one role (the plan and deploy roles), got none`);
    }
    const roleArns = [...new Set(props.roleNames)].sort().map((name) => `arn:aws:iam::${props.accountId}:role/${name}`);
    const root = { AWS: `arn:aws:iam::${props.accountId}:root` };
    this.key = new KmsKey(this, "key", {
      description: `Terraform state in s3://${props.bucketName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministratorsManageTheKey", Effect: "Allow", Principal: root, Action: KEY_ADMINISTRATION_ACTIONS, Resource: "*" },
          {
            Sid: "TerraformRolesUseTheKeyThroughS3",
            Effect: "Allow",
            Principal: root,
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            Resource: "*",
            Condition: {
              ArnEquals: { "aws:PrincipalArn": roleArns },
              StringEquals: { "kms:ViaService": `s3.${props.region}.amazonaws.com`, "kms:CallerAccount": props.accountId },
            },
          },
        ],
      }),
      lifecycle: { preventDestroy: true },
    });
    this.alias = new KmsAlias(this, "alias", { name: stateKeyAlias(props.bucketName), targetKeyId: this.key.keyId });
  }
}

/**
 * A customer-managed KMS key with rotation on, an alias, and a key policy that
 * gives the account's administrators control and named AWS services use.
 *
 * @example
 * const key = new EncryptionKey(this, "logs-key", {
 *   alias: "faq-prod-logs", description: "CloudWatch Logs of faq-prod",
 *   accountId: identity.accountId, region: "eu-west-1", allowCloudWatchLogs: true,
 * });
 * new CloudwatchLogGroup(this, "logs", { name: "/x", kmsKeyId: key.key.arn, retentionInDays: 30 });
 */
import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";

export interface EncryptionKeyProps {
  /** Alias name without the `alias/` prefix. */
  readonly alias: string;
  /** What the key protects (shown in the console). */
  readonly description: string;
  /** Account that owns the key; its administrators manage it through IAM. */
  readonly accountId: string;
  /** Region of the key (used in service conditions). */
  readonly region: string;
  /**
   * Lets CloudWatch Logs of this account and region encrypt log groups with the key.
   * @default false
   */
  readonly allowCloudWatchLogs?: boolean;
  /**
   * Service principals (e.g. `cloudwatch.amazonaws.com`) allowed to generate data keys and decrypt,
   * limited to calls from this account.
   * @default - none
   */
  readonly allowServicePrincipals?: readonly string[];
  /**
   * Days before a deleted key is gone for good (7-30).
   * @default 30
   */
  readonly deletionWindowDays?: number;
  /**
   * Refuse `terraform destroy` of the key (lifecycle prevent_destroy): for keys of stateful resources in production.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

export class EncryptionKey extends Construct {
  /** The KMS key. */
  public readonly key: KmsKey;
  /** Its alias. */
  public readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const allowCloudWatchLogs = props.allowCloudWatchLogs ?? false;
    const servicePrincipals = props.allowServicePrincipals ?? [];
    const deletionWindowDays = props.deletionWindowDays ?? 30;
    if (deletionWindowDays < 7 || deletionWindowDays > 30) {
      throw new Error(`EncryptionKey ${id}: deletionWindowDays must be 7-30, got ${deletionWindowDays}`);
    }

    const statements: object[] = [
      {
        Sid: "AccountAdministration",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ];
    if (allowCloudWatchLogs) {
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
      statements.push({
        Sid: "CloudWatchLogs",
        Effect: "Allow",
        Principal: { Service: `logs.${props.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${props.region}:${props.accountId}:log-group:*` },
        },
      });
    }
    if (servicePrincipals.length > 0) {
      statements.push({
        Sid: "AwsServices",
        Effect: "Allow",
        Principal: { Service: [...servicePrincipals] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
      });
    }

    this.key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.alias = new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
  }
}

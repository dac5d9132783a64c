/**
 * AWS Backup for Qdrant's EFS file system: a vault encrypted with its own KMS key,
 * a daily plan keeping recovery points for `retentionDays`, and a selection of the
 * file system (by ARN, not by tag, so a tag edit cannot silently drop it).
 *
 * An EFS backup is crash-consistent, not Qdrant-consistent: Qdrant replays its
 * write-ahead log on start, which covers the common case. QdrantSnapshots adds
 * Qdrant's own snapshots to S3 as the second, consistent copy.
 *
 * @example
 * const backup = new QdrantBackup(this, "backup", {
 *   namePrefix: "faq-prod", accountId, region: "eu-west-1",
 *   resourceArns: [storage.fileSystem.arn], retentionDays: 35, preventDestroy: true,
 * });
 * // backup.vault.name, backup.plan.id
 */
import { Construct } from "constructs";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { EncryptionKey } from "./encryption-key";

export interface QdrantBackupProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Account that owns the vault key. */
  readonly accountId: string;
  /** Region of the stage. */
  readonly region: string;
  /** ARNs of the resources to back up (the EFS file system). */
  readonly resourceArns: string[];
  /** Days each daily recovery point is kept. */
  readonly retentionDays: number;
  /**
   * When the daily backup starts (AWS Backup cron expression, UTC).
   * @default "cron(0 3 * * ? *)"
   */
  readonly schedule?: string;
  /**
   * Minutes after the scheduled time within which the backup must start.
   * @default 60
   */
  readonly startWindowMinutes?: number;
  /**
   * Minutes within which a started backup must complete.
   * @default 360
   */
  readonly completionWindowMinutes?: number;
  /**
   * Refuse `terraform destroy` of the vault and its key (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

export class QdrantBackup extends Construct {
  /** KMS key encrypting the vault's recovery points. */
  public readonly key: EncryptionKey;
  /** The backup vault. */
  public readonly vault: BackupVault;
  /** The daily backup plan. */
  public readonly plan: BackupPlan;
  /** The selection of the backed-up resources. */
  public readonly selection: BackupSelection;
  /** Role AWS Backup assumes to back up and restore. */
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: QdrantBackupProps) {
    super(scope, id);
    const schedule = props.schedule ?? "cron(0 3 * * ? *)";
    const startWindowMinutes = props.startWindowMinutes ?? 60;
    const completionWindowMinutes = props.completionWindowMinutes ?? 360;
    const preventDestroy = props.preventDestroy ?? false;
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) {
      throw new Error(`QdrantBackup ${id}: retentionDays must be a whole number of days >= 1, got ${props.retentionDays}`);
    }
    // AWS Backup: the start window must be at least 60 minutes and the completion window longer than it.
    if (startWindowMinutes < 60 || completionWindowMinutes <= startWindowMinutes) {
      throw new Error(
        `QdrantBackup ${id}: startWindowMinutes must be >= 60 and completionWindowMinutes above it, got ${startWindowMinutes} and ${completionWindowMinutes}`,
      );
    }
    if (props.resourceArns.length === 0) {
      throw new Error(`QdrantBackup ${id}: resourceArns must list at least one resource, got none`);
    }

    this.key = new EncryptionKey(this, "key", {
      alias: `${props.namePrefix}-qdrant-backup`,
      description: `AWS Backup vault of Qdrant in ${props.namePrefix}`,
      accountId: props.accountId,
      region: props.region,
      preventDestroy,
    });

    this.vault = new BackupVault(this, "vault", {
      name: `${props.namePrefix}-qdrant`,
      kmsKeyArn: this.key.key.arn,
      forceDestroy: false,
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
    });

    this.plan = new BackupPlan(this, "plan", {
      name: `${props.namePrefix}-qdrant-daily`,
      rule: [
        {
          ruleName: "daily",
          targetVaultName: this.vault.name,
          schedule,
          scheduleExpressionTimezone: "Etc/UTC",
          startWindow: startWindowMinutes,
          completionWindow: completionWindowMinutes,
          lifecycle: { deleteAfter: props.retentionDays },
          recoveryPointTags: { Service: "qdrant" },
        },
      ],
    });

    this.role = new IamRole(this, "role", {
      name: `${props.namePrefix}-qdrant-backup`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    // The AWS-managed service-role policies are what AWS Backup documents for a custom role.
    for (const [name, policy] of [
      ["backup", "AWSBackupServiceRolePolicyForBackup"],
      ["restore", "AWSBackupServiceRolePolicyForRestores"],
    ]) {
      new IamRolePolicyAttachment(this, `role-${name}`, {
        role: this.role.name,
        policyArn: `arn:aws:iam::aws:policy/service-role/${policy}`,
      });
    }

    this.selection = new BackupSelection(this, "selection", {
      name: `${props.namePrefix}-qdrant-efs`,
      planId: this.plan.id,
      iamRoleArn: this.role.arn,
      resources: props.resourceArns,
    });
  }
}

/**
 * AWS Backup of the RDS instance, beside RDS's own automated backups: a vault
 * encrypted with its own KMS key and a daily snapshot plan keeping recovery points
 * `retentionDays`, selecting the instance by ARN. The recovery points are what the
 * restore testing plan (RestoreTesting) restores every week; RDS automated backups
 * are not AWS Backup recovery points and cannot be restore-tested.
 *
 * @example
 * const backup = new DatabaseBackup(this, "database-backup", {
 *   namePrefix: "faq-prod", accountId, region: "eu-west-1",
 *   databaseArn: database.instance.arn, retentionDays: 30, preventDestroy: true,
 * });
 */
import { Construct } from "constructs";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { EncryptionKey } from "./encryption-key";

export interface DatabaseBackupProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Account that owns the vault key. */
  readonly accountId: string;
  /** Region of the stage. */
  readonly region: string;
  /** ARN of the RDS instance. */
  readonly databaseArn: string;
  /** Days each daily recovery point is kept. */
  readonly retentionDays: number;
  /**
   * When the daily backup starts (AWS Backup cron expression, UTC); keep it clear of the RDS backup window.
   * @default "cron(0 4 * * ? *)"
   */
  readonly schedule?: string;
  /**
   * Refuse `terraform destroy` of the vault and its key (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

export class DatabaseBackup extends Construct {
  /** KMS key of the vault. */
  public readonly key: EncryptionKey;
  /** The backup vault. */
  public readonly vault: BackupVault;
  /** The daily plan. */
  public readonly plan: BackupPlan;
  /** The selection of the instance. */
  public readonly selection: BackupSelection;
  /** Role AWS Backup assumes to back up. */
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id);
    const schedule = props.schedule ?? "cron(0 4 * * ? *)";
    const preventDestroy = props.preventDestroy ?? false;
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) {
      throw new Error(`DatabaseBackup ${id}: retentionDays must be a whole number of days >= 1, got ${props.retentionDays}`);
    }
    this.key = new EncryptionKey(this, "key", {
      alias: `${props.namePrefix}-database-backup`,
      description: `AWS Backup vault of the database of ${props.namePrefix}`,
      accountId: props.accountId,
      region: props.region,
      preventDestroy,
    });
    this.vault = new BackupVault(this, "vault", {
      name: `${props.namePrefix}-database`,
      kmsKeyArn: this.key.key.arn,
      forceDestroy: false,
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.plan = new BackupPlan(this, "plan", {
      name: `${props.namePrefix}-database-daily`,
      rule: [
        {
          ruleName: "daily",
          targetVaultName: this.vault.name,
          schedule,
          scheduleExpressionTimezone: "Etc/UTC",
          startWindow: 60,
          completionWindow: 360,
          lifecycle: { deleteAfter: props.retentionDays },
          recoveryPointTags: { Service: "database" },
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${props.namePrefix}-database-backup`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicyAttachment(this, "role-backup", {
      role: this.role.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    });
    this.selection = new BackupSelection(this, "selection", {
      name: `${props.namePrefix}-database`,
      planId: this.plan.id,
      iamRoleArn: this.role.arn,
      resources: [props.databaseArn],
    });
  }
}

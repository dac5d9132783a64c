/**
 * AWS Backup restore testing: once a week AWS Backup restores the latest recovery
 * point of each selected resource into a new, temporary resource (a new RDS
 * instance, a new EFS file system), keeps it for `validationWindowHours` so a
 * check can run against it, then deletes it. A restore job that fails or is
 * aborted is published to the alarm topic through EventBridge.
 *
 * A restore test of EFS creates a new file system, so the production file-system
 * policy (mount only through Qdrant's access point) does not stand in its way.
 *
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 *
 * @example
 * new RestoreTesting(this, "restore-testing", {
 *   namePrefix: "faq-prod", vaultArns: [dbBackup.vault.arn, qdrant.backupVault.arn],
 *   resources: [{ name: "database", type: "RDS", arn: database.instance.arn },
 *               { name: "qdrant_efs", type: "EFS", arn: qdrant.fileSystem.arn }],
 *   alarmTopicArn: alarmTopic.topic.arn,
 * });
 */
import { Construct } from "constructs";
import { BackupRestoreTestingPlan } from "@cdktf/provider-aws/lib/backup-restore-testing-plan";
import { BackupRestoreTestingSelection } from "@cdktf/provider-aws/lib/backup-restore-testing-selection";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";

/** One resource whose recovery points are restore-tested. */
export interface RestoreTestedResource {
  /** Selection name: letters, digits and underscores. */
  readonly name: string;
  /** AWS Backup protected resource type. */
  readonly type: "RDS" | "EFS";
  /** ARN of the protected resource. */
  readonly arn: string;
}

export interface RestoreTestingProps {
  /** Prefix of resource names (hyphens become underscores where AWS Backup wants them). */
  readonly namePrefix: string;
  /** Vaults whose recovery points may be restored. */
  readonly vaultArns: readonly string[];
  /** The resources to restore-test. */
  readonly resources: readonly RestoreTestedResource[];
  /** SNS topic told about failed or aborted restore jobs. */
  readonly alarmTopicArn: string;
  /**
   * When the tests start (AWS Backup cron expression, UTC).
   * @default "cron(0 6 ? * TUE *)" (Tuesdays 06:00, after the nightly backups)
   */
  readonly schedule?: string;
  /**
   * Hours after the scheduled time within which the restores must start (1-168).
   * @default 8
   */
  readonly startWindowHours?: number;
  /**
   * Only recovery points created within this many days are candidates (1-365).
   * @default 7
   */
  readonly selectionWindowDays?: number;
  /**
   * Hours a restored resource is kept for validation before AWS Backup deletes it (0-168).
   * @default 2
   */
  readonly validationWindowHours?: number;
}

export class RestoreTesting extends Construct {
  /** The restore testing plan. */
  public readonly plan: BackupRestoreTestingPlan;
  /** Selections, by resource name. */
  public readonly selections: Record<string, BackupRestoreTestingSelection>;
  /** Role AWS Backup assumes to restore (and to delete the restored resources). */
  public readonly role: IamRole;
  /** EventBridge rule matching failed or aborted restore jobs. */
  public readonly failureRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: RestoreTestingProps) {
    super(scope, id);
    const schedule = props.schedule ?? "cron(0 6 ? * TUE *)";
    const startWindowHours = props.startWindowHours ?? 8;
    const selectionWindowDays = props.selectionWindowDays ?? 7;
    const validationWindowHours = props.validationWindowHours ?? 2;
    const ranges = [
      ["startWindowHours", startWindowHours, 1, 168],
      ["selectionWindowDays", selectionWindowDays, 1, 365],
      ["validationWindowHours", validationWindowHours, 0, 168],
    ] as const;
    for (const [name, value, min, max] of ranges) {
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new Error(`RestoreTesting ${id}: ${name} must be a whole number from ${min} to ${max}, got ${value}`);
      }
    }
    if (props.resources.length === 0) throw new Error(`RestoreTesting ${id}: resources must list at least one resource, got none`);
    if (props.vaultArns.length === 0) throw new Error(`RestoreTesting ${id}: vaultArns must list at least one vault, got none`);
    for (const r of props.resources) {
      if (!/^[A-Za-z0-9_]{1,50}$/.test(r.name)) {
        throw new Error(`RestoreTesting ${id}: resources[].name must be 1-50 letters, digits or underscores, got "${r.name}"`);
      }
    }
    // Restore testing plan and selection names accept letters, digits and underscores only.
    const planName = `${props.namePrefix.replace(/-/g, "_")}_weekly`;

    this.plan = new BackupRestoreTestingPlan(this, "plan", {
      name: planName,
      scheduleExpression: schedule,
      scheduleExpressionTimezone: "Etc/UTC",
      startWindowHours,
      recoveryPointSelection: [
        {
          algorithm: "LATEST_WITHIN_WINDOW",
          includeVaults: [...props.vaultArns],
          recoveryPointTypes: ["SNAPSHOT"],
          selectionWindowDays,
        },
      ],
    });

    this.role = new IamRole(this, "role", {
      name: `${props.namePrefix}-restore-testing`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    // The managed restore policy covers creating and deleting RDS instances and EFS file systems from recovery points.
    const restorePolicy = new IamRolePolicyAttachment(this, "role-restores", {
      role: this.role.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    });

    this.selections = {};
    for (const r of props.resources) {
      this.selections[r.name] = new BackupRestoreTestingSelection(this, `selection-${r.name}`, {
        name: r.name,
        restoreTestingPlanName: this.plan.name,
        protectedResourceType: r.type,
        protectedResourceArns: [r.arn],
        iamRoleArn: this.role.arn,
        validationWindowHours,
        dependsOn: [restorePolicy],
      });
    }

    this.failureRule = new CloudwatchEventRule(this, "failure-rule", {
      name: `${props.namePrefix}-restore-test-failed`,
      description: "An AWS Backup restore job (the weekly restore test) failed or was aborted",
      eventPattern: JSON.stringify({
        source: ["aws.backup"],
        "detail-type": ["Restore Job State Change"],
        // Every failed restore job of the account and region: a pattern on fields the event may not carry would
        // match nothing, silently. (Two stages in one account each hear the other's failures.)
        detail: { status: ["FAILED", "ABORTED"] },
      }),
    });
    new CloudwatchEventTarget(this, "failure-to-alarms", { rule: this.failureRule.name, arn: props.alarmTopicArn });
  }
}

/**
 * The stage's ECS cluster, shared by the web service and Qdrant: Container
 * Insights on, and ECS Exec sessions logged to an encrypted log group and their
 * channel encrypted with a KMS key.
 *
 * @example
 * const cluster = new ServiceCluster(this, "cluster", {
 *   namePrefix: "faq-prod", logRetentionDays: 365, logsKmsKeyArn: logsKey.key.arn,
 * });
 * new EcsService(this, "svc", { cluster: cluster.cluster.arn, ... });
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";

export interface ServiceClusterProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Retention of the ECS Exec session log group. */
  readonly logRetentionDays: number;
  /** KMS key (ARN) encrypting the session logs and the ECS Exec channel; its policy must allow CloudWatch Logs. */
  readonly logsKmsKeyArn: string;
}

export class ServiceCluster extends Construct {
  /** The ECS cluster. */
  public readonly cluster: EcsCluster;
  /** Where ECS Exec sessions are logged. */
  public readonly execLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ServiceClusterProps) {
    super(scope, id);
    this.execLogGroup = new CloudwatchLogGroup(this, "exec-logs", {
      name: `/${props.namePrefix}/ecs/exec`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });
    this.cluster = new EcsCluster(this, "cluster", {
      name: `${props.namePrefix}-cluster`,
      setting: [{ name: "containerInsights", value: "enabled" }],
      configuration: {
        executeCommandConfiguration: {
          kmsKeyId: props.logsKmsKeyArn,
          logging: "OVERRIDE",
          logConfiguration: {
            cloudWatchLogGroupName: this.execLogGroup.name,
            cloudWatchEncryptionEnabled: true,
          },
        },
      },
    });
  }
}

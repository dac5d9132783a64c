/**
 * ECS deployment state changes of the stage's services, published to the alarm
 * topic through EventBridge: a deployment that failed (the circuit breaker gave
 * up) or is being rolled back. The topic's policy and its KMS key policy let
 * events.amazonaws.com publish (AlarmTopic).
 *
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html
 *
 * @example
 * new DeploymentEvents(this, "deployment-events", {
 *   namePrefix: "faq-prod", region: "eu-west-1", accountId, clusterName: cluster.cluster.name,
 *   alarmTopicArn: alarmTopic.topic.arn,
 * });
 */
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";

/**
 * What reaches the topic: a failed deployment (SERVICE_DEPLOYMENT_FAILED, sent when the circuit breaker gives up),
 * and the start of a rollback, which ECS reports as SERVICE_DEPLOYMENT_IN_PROGRESS with a reason
 * "ECS deployment circuit breaker: rolling back to deploymentId ...". ECS has no separate rolled-back event.
 */
export const DEPLOYMENT_EVENT_DETAIL = {
  $or: [
    { eventName: ["SERVICE_DEPLOYMENT_FAILED"] },
    { eventName: ["SERVICE_DEPLOYMENT_IN_PROGRESS"], reason: [{ wildcard: "*rolling back*" }] },
  ],
} as const;

export interface DeploymentEventsProps {
  /** Prefix of the rule name. */
  readonly namePrefix: string;
  /** Region of the cluster. */
  readonly region: string;
  /** Account of the cluster. */
  readonly accountId: string;
  /** ECS cluster whose services' deployments are watched (every service in it). */
  readonly clusterName: string;
  /** SNS topic notified. */
  readonly alarmTopicArn: string;
}

export class DeploymentEvents extends Construct {
  /** The EventBridge rule. */
  public readonly rule: CloudwatchEventRule;
  /** Its target, the alarm topic. */
  public readonly target: CloudwatchEventTarget;

  constructor(scope: Construct, id: string, props: DeploymentEventsProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: `${props.namePrefix}-deployment-failed`,
      description: "An ECS service deployment in the stage's cluster failed or was rolled back",
      eventPattern: JSON.stringify({
        source: ["aws.ecs"],
        "detail-type": ["ECS Deployment State Change"],
        // Deployment events name the service in `resources`: arn:aws:ecs:<region>:<account>:service/<cluster>/<service>.
        resources: [{ prefix: `arn:aws:ecs:${props.region}:${props.accountId}:service/${props.clusterName}/` }],
        detail: DEPLOYMENT_EVENT_DETAIL,
      }),
    });
    this.target = new CloudwatchEventTarget(this, "to-alarm-topic", {
      rule: this.rule.name,
      arn: props.alarmTopicArn,
    });
  }
}

/**
 * The stage's alarm topic: an SNS topic encrypted with its own KMS key (which
 * CloudWatch alarms and AWS Budgets may use to publish), with an optional e-mail
 * subscription.
 *
 * @example
 * const alarms = new AlarmTopic(this, "alarms", {
 *   namePrefix: "faq-prod", accountId: identity.accountId, region: "eu-west-1",
 *   email: "platform-alerts@example.com",
 * });
 * new CloudwatchMetricAlarm(this, "cpu", { ..., alarmActions: [alarms.topic.arn] });
 */
import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { suppress } from "../checks/suppress";
import { EncryptionKey } from "./encryption-key";

export interface AlarmTopicProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Account ID (key policy and topic policy conditions). */
  readonly accountId: string;
  /** Region of the stage. */
  readonly region: string;
  /**
   * E-mail address subscribed to the topic (the recipient confirms once).
   * @default - no subscription
   */
  readonly email?: string;
}

export class AlarmTopic extends Construct {
  /** The SNS topic alarms publish to. */
  public readonly topic: SnsTopic;
  /** The key encrypting it. */
  public readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.key = new EncryptionKey(this, "key", {
      alias: `${props.namePrefix}-alarms`,
      description: `Alarm topic of ${props.namePrefix}`,
      accountId: props.accountId,
      region: props.region,
      // https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
      allowServicePrincipals: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"],
    });
    suppress(
      this.key.key,
      "DFP-PROD-1",
      "This key only encrypts alarm notifications while SNS delivers them; no data is stored under it, so " +
        "destroying it (with its 30-day deletion window) loses nothing that a re-created topic and key would not restore.",
    );
    this.topic = new SnsTopic(this, "topic", {
      name: `${props.namePrefix}-alarms`,
      kmsMasterKeyId: this.key.key.arn,
    });
    new SnsTopicPolicy(this, "policy", {
      arn: this.topic.arn,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AwsServicesPublish",
            Effect: "Allow",
            Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"] },
            Action: "sns:Publish",
            Resource: this.topic.arn,
            Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
          },
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sns:Publish",
            Resource: this.topic.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });
    if (props.email !== undefined) {
      new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.email });
    }
  }
}

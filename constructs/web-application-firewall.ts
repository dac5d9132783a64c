/**
 * A regional WAFv2 web ACL in front of a load balancer: AWS managed rule groups
 * (Amazon IP reputation list, common rule set, known bad inputs, SQL injection,
 * anonymous IP list)
 * and per-client-IP rate limits (every path over 5 minutes; optionally the query
 * endpoint over 60 seconds, and an allowlist both skip), with full request logs in an encrypted
 * CloudWatch log group (`aws-waf-logs-<prefix>`) where the `authorization` and
 * `cookie` headers are redacted.
 *
 * @example
 * const waf = new WebApplicationFirewall(this, "waf", {
 *   namePrefix: "faq-prod", accountId: identity.accountId, region: "eu-west-1",
 *   resourceArn: edge.loadBalancer.arn, rateLimitPer5Minutes: 300,
 *   logRetentionDays: 365, logsKmsKeyArn: logsKey.key.arn,
 * });
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2IpSet } from "@cdktf/provider-aws/lib/wafv2-ip-set";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";

/**
 * The AWS managed rule groups, in evaluation order after the IP reputation list and the rate limit.
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
 */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
  // VPNs, Tor exit nodes, open proxies and hosting providers: where scripted abuse comes from, and
  // what checkov's Log4j check (CKV2_AWS_76) expects beside the known-bad-inputs group.
  "AWSManagedRulesAnonymousIpList",
] as const;

/**
 * The most of a request body WAF inspects behind an Application Load Balancer, and the limit of the
 * common rule set's SizeRestrictions_BODY rule: a larger body is blocked by that rule unless it is
 * overridden to count. https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 */
export const WAF_BODY_INSPECTION_BYTES = 8192;

/** Headers never written to the WAF logs. */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

export interface WebApplicationFirewallProps {
  /** Prefix of resource names (web ACL, metrics, log group `aws-waf-logs-<prefix>`). */
  readonly namePrefix: string;
  /** Account ID (log delivery policy condition). */
  readonly accountId: string;
  /** Region of the stage (log delivery policy condition). */
  readonly region: string;
  /** ARN of the regional resource to protect (the Application Load Balancer). */
  readonly resourceArn: string;
  /** Requests one client IP may send in a 5-minute window before it is blocked (WAF minimum 10); the query path is counted apart. */
  readonly rateLimitPer5Minutes: number;
  /**
   * A tighter per-IP limit on the query endpoint: requests whose URI path starts with `pathPrefix`, counted over 60 seconds.
   * @default - no separate rule; the query path counts against rateLimitPer5Minutes
   */
  readonly queryRateLimit?: { readonly pathPrefix: string; readonly limitPer60Seconds: number };
  /**
   * Source IPv4 CIDRs the rate rules never count (load-test agents); the managed rule groups still apply.
   * @default [] (everyone is rate-limited)
   */
  readonly rateLimitAllowlistCidrs?: readonly string[];
  /**
   * The largest request body the application accepts (the value nginx's client_max_body_size has too). Above
   * WAF_BODY_INSPECTION_BYTES, the common rule set's SizeRestrictions_BODY rule only counts: WAF cannot see past
   * that size on an ALB, and nginx enforces the limit exactly (413).
   * @default WAF_BODY_INSPECTION_BYTES (the managed rule blocks larger bodies)
   */
  readonly maxRequestBodyBytes?: number;
  /** Retention of the WAF log group. */
  readonly logRetentionDays: number;
  /** KMS key encrypting the WAF log group. */
  readonly logsKmsKeyArn: string;
}

/** Metrics and sampled requests on, under a name. */
const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

export class WebApplicationFirewall extends Construct {
  /** The web ACL. */
  public readonly webAcl: Wafv2WebAcl;
  /** Its association with the protected resource. */
  public readonly association: Wafv2WebAclAssociation;
  /** Log group receiving the WAF logs (its name must start with `aws-waf-logs-`). */
  public readonly logGroup: CloudwatchLogGroup;
  /** The logging configuration (with the redacted headers). */
  public readonly loggingConfiguration: Wafv2WebAclLoggingConfiguration;
  /** IP set of the rate-limit allowlist (only when rateLimitAllowlistCidrs is not empty). */
  public readonly rateLimitAllowlist?: Wafv2IpSet;

  constructor(scope: Construct, id: string, props: WebApplicationFirewallProps) {
    super(scope, id);
    const limit = props.rateLimitPer5Minutes;
    if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000) {
      throw new Error(`WebApplicationFirewall ${id}: rateLimitPer5Minutes must be a whole number from 10 to 2000000000, got ${limit}`);
    }
    const query = props.queryRateLimit;
    const allowlistCidrs = props.rateLimitAllowlistCidrs ?? [];
    if (query && (!Number.isInteger(query.limitPer60Seconds) || query.limitPer60Seconds < 10 || query.limitPer60Seconds > 2_000_000_000)) {
      throw new Error(
        `WebApplicationFirewall ${id}: queryRateLimit.limitPer60Seconds must be a whole number from 10 to 2000000000, got ${query.limitPer60Seconds}`,
      );
    }
    if (query && !/^\/\S*$/.test(query.pathPrefix)) {
      throw new Error(`WebApplicationFirewall ${id}: queryRateLimit.pathPrefix must be an absolute URL path, got "${query.pathPrefix}"`);
    }
    const maxRequestBodyBytes = props.maxRequestBodyBytes ?? WAF_BODY_INSPECTION_BYTES;
    if (!Number.isInteger(maxRequestBodyBytes) || maxRequestBodyBytes < 1) {
      throw new Error(`WebApplicationFirewall ${id}: maxRequestBodyBytes must be a positive whole number, got ${maxRequestBodyBytes}`);
    }
    const prefix = props.namePrefix;
    const metric = (name: string) => `${prefix}-${name}`;

    if (allowlistCidrs.length > 0) {
      this.rateLimitAllowlist = new Wafv2IpSet(this, "rate-limit-allowlist", {
        name: `${prefix}-rate-limit-allowlist`,
        description: "Sources the rate rules never count (load-test agents)",
        scope: "REGIONAL",
        ipAddressVersion: "IPV4",
        addresses: [...allowlistCidrs],
      });
    }
    // Scope-down statements of the rate rules (Terraform JSON, snake_case).
    const onQueryPath = query && {
      byte_match_statement: {
        search_string: query.pathPrefix,
        field_to_match: { uri_path: {} },
        text_transformation: [{ priority: 0, type: "NONE" }],
        positional_constraint: "STARTS_WITH",
      },
    };
    const notAllowlisted = this.rateLimitAllowlist && {
      not_statement: { statement: { ip_set_reference_statement: { arn: this.rateLimitAllowlist.arn } } },
    };
    const allOf = (...statements: (object | undefined)[]) => {
      const present = statements.filter((x): x is object => x !== undefined);
      return present.length === 0 ? undefined : present.length === 1 ? present[0] : { and_statement: { statement: present } };
    };

    // The rule `statement` is passed through as Terraform JSON (snake_case), the provider types it as `any`.
    const managed = (name: string, priority: number): Wafv2WebAclRule => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managed_rule_group_statement: {
          vendor_name: "AWS",
          name,
          // Bodies the application accepts must not be blocked for their size alone.
          ...(name === "AWSManagedRulesCommonRuleSet" && maxRequestBodyBytes > WAF_BODY_INSPECTION_BYTES
            ? { rule_action_override: [{ name: "SizeRestrictions_BODY", action_to_use: { count: {} } }] }
            : {}),
        },
      },
      visibilityConfig: visibility(metric(name)),
    });
    const [ipReputation, ...others] = MANAGED_RULE_GROUPS;
    const rules: Wafv2WebAclRule[] = [
      // Known-bad sources first: cheapest (25 WCU) and they should not count against anyone's rate.
      managed(ipReputation, 0),
      {
        name: "RateLimitPerIp",
        priority: 1,
        action: { block: { customResponse: { responseCode: 429 } } },
        statement: {
          rate_based_statement: {
            aggregate_key_type: "IP",
            limit,
            evaluation_window_sec: 300,
            scope_down_statement: allOf(onQueryPath && { not_statement: { statement: onQueryPath } }, notAllowlisted),
          },
        },
        visibilityConfig: visibility(metric("RateLimitPerIp")),
      },
      ...(query
        ? [
            {
              // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html (EvaluationWindowSec 60)
              name: "RateLimitQueryPerIp",
              priority: 2,
              action: { block: { customResponse: { responseCode: 429 } } },
              statement: {
                rate_based_statement: {
                  aggregate_key_type: "IP",
                  limit: query.limitPer60Seconds,
                  evaluation_window_sec: 60,
                  scope_down_statement: allOf(onQueryPath, notAllowlisted),
                },
              },
              visibilityConfig: visibility(metric("RateLimitQueryPerIp")),
            },
          ]
        : []),
      ...others.map((name, i) => managed(name, i + 3)),
    ];

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      name: `${prefix}-web-acl`,
      description: `Managed rule groups and a per-IP rate limit in front of ${prefix}`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(metric("web-acl")),
    });

    this.association = new Wafv2WebAclAssociation(this, "association", {
      resourceArn: props.resourceArn,
      webAclArn: this.webAcl.arn,
    });

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `aws-waf-logs-${prefix}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });
    // WAF delivers to CloudWatch Logs as the log-delivery service; grant it this group explicitly
    // rather than letting WAF edit the account's resource policy on its own.
    // https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
    const deliveryPolicy = new CloudwatchLogResourcePolicy(this, "log-delivery-policy", {
      policyName: `${prefix}-waf-log-delivery`,
      policyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WafLogDelivery",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${this.logGroup.arn}:*`,
            Condition: {
              StringEquals: { "aws:SourceAccount": props.accountId },
              ArnLike: { "aws:SourceArn": `arn:aws:logs:${props.region}:${props.accountId}:*` },
            },
          },
        ],
      }),
    });
    this.loggingConfiguration = new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
      dependsOn: [deliveryPolicy],
    });
  }
}

import { TerraformStack, Testing } from "cdktf";
import { MANAGED_RULE_GROUPS, REDACTED_HEADERS, WAF_BODY_INSPECTION_BYTES, WebApplicationFirewall } from "../../constructs/web-application-firewall";
import { resource, resources, synthEdited, synthStage, STAGE_NAMES, testApp, validStages } from "../helpers/stages";

describe.each(STAGE_NAMES)("web application firewall of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const { parsed } = synthStage(stageName);
  const [[aclName, acl]] = resources(parsed, "aws_wafv2_web_acl");
  const byName = Object.fromEntries((acl.rule as any[]).map((r) => [r.name, r]));

  it("is a regional web ACL associated with the load balancer, allowing what no rule blocks", () => {
    expect(acl.scope).toBe("REGIONAL");
    expect(acl.default_action).toEqual({ allow: {} });
    const [lbName] = Object.keys(parsed.resource.aws_lb);
    expect(resource(parsed, "aws_wafv2_web_acl_association")).toEqual(
      expect.objectContaining({ resource_arn: "${aws_lb." + lbName + ".arn}", web_acl_arn: "${aws_wafv2_web_acl." + aclName + ".arn}" }),
    );
  });

  it("runs the AWS managed rule groups, blocking on their verdicts", () => {
    expect(MANAGED_RULE_GROUPS).toEqual([
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
      "AWSManagedRulesAnonymousIpList",
    ]);
    for (const group of MANAGED_RULE_GROUPS) {
      expect(byName[group]).toMatchObject({
        override_action: { none: {} },
        statement: { managed_rule_group_statement: { vendor_name: "AWS", name: group } },
        visibility_config: { cloudwatch_metrics_enabled: true, sampled_requests_enabled: true },
      });
    }
  });

  it(`blocks a client IP above ${stage.edge.wafRateLimitPer5Minutes} requests per 5 minutes`, () => {
    expect(byName.RateLimitPerIp).toMatchObject({
      action: { block: { custom_response: { response_code: 429 } } },
      statement: { rate_based_statement: { aggregate_key_type: "IP", limit: stage.edge.wafRateLimitPer5Minutes, evaluation_window_sec: 300 } },
    });
  });

  it("gives every rule a distinct priority, IP reputation first, then the rate limits", () => {
    const priorities = (acl.rule as any[]).map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(byName.AWSManagedRulesAmazonIpReputationList.priority).toBe(0);
    expect(byName.RateLimitPerIp.priority).toBe(1);
    expect(byName.RateLimitQueryPerIp.priority).toBe(2);
    expect(acl.rule).toHaveLength(MANAGED_RULE_GROUPS.length + 2);
  });

  it("logs to an encrypted aws-waf-logs- group with the stage retention, redacting authorization and cookie", () => {
    const logging = resource(parsed, "aws_wafv2_web_acl_logging_configuration");
    expect(logging.resource_arn).toBe("${aws_wafv2_web_acl." + aclName + ".arn}");
    expect(logging.redacted_fields).toEqual([{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }]);
    expect(REDACTED_HEADERS).toEqual(["authorization", "cookie"]);
    const groupName = /^\$\{aws_cloudwatch_log_group\.([^.]+)\.arn\}$/.exec(logging.log_destination_configs[0])![1];
    const group = parsed.resource.aws_cloudwatch_log_group[groupName];
    expect(group).toMatchObject({ name: `aws-waf-logs-${stage.namePrefix}`, retention_in_days: stage.logRetentionDays });
    expect(group.kms_key_id).toBe("${aws_kms_key.logs-key_44F95A88.arn}");
    const policy = JSON.parse(resource(parsed, "aws_cloudwatch_log_resource_policy", "waf").policy_document);
    expect(policy.Statement[0]).toMatchObject({
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Resource: "${aws_cloudwatch_log_group." + groupName + ".arn}:*",
    });
  });

  it("takes the rate limit from the config", () => {
    const edited = synthEdited(stageName, (raw) => (raw[stageName].edge.wafRateLimitPer5Minutes = 1234));
    const rule = (resource(edited, "aws_wafv2_web_acl").rule as any[]).find((r) => r.name === "RateLimitPerIp");
    expect(rule.statement.rate_based_statement.limit).toBe(1234);
  });

  it("limits the query path per IP over 60 seconds, and leaves it out of the 5-minute limit", () => {
    const onQueryPath = {
      byte_match_statement: {
        search_string: stage.edge.wafQueryRateLimit.pathPrefix,
        field_to_match: { uri_path: {} },
        positional_constraint: "STARTS_WITH",
        text_transformation: [{ priority: 0, type: "NONE" }],
      },
    };
    expect(byName.RateLimitQueryPerIp).toMatchObject({
      action: { block: { custom_response: { response_code: 429 } } },
      statement: {
        rate_based_statement: {
          aggregate_key_type: "IP",
          limit: stage.edge.wafQueryRateLimit.limitPer60Seconds,
          evaluation_window_sec: 60,
          scope_down_statement: onQueryPath,
        },
      },
    });
    expect(byName.RateLimitPerIp.statement.rate_based_statement.scope_down_statement).toEqual({ not_statement: { statement: onQueryPath } });
  });

  it("has no rate-limit allowlist by default", () => {
    expect(stage.edge.wafRateLimitAllowlistCidrs).toEqual([]);
    expect(resources(parsed, "aws_wafv2_ip_set")).toEqual([]);
  });

  it("exempts allowlisted load-test sources from both rate rules, not from the managed groups", () => {
    const edited = synthEdited(stageName, (raw) => (raw[stageName].edge.wafRateLimitAllowlistCidrs = ["203.0.113.0/28"]));
    const [[setName, ipSet]] = resources(edited, "aws_wafv2_ip_set");
    expect(ipSet).toMatchObject({ scope: "REGIONAL", ip_address_version: "IPV4", addresses: ["203.0.113.0/28"] });
    const notAllowlisted = { not_statement: { statement: { ip_set_reference_statement: { arn: "${aws_wafv2_ip_set." + setName + ".arn}" } } } };
    const rules = Object.fromEntries((resource(edited, "aws_wafv2_web_acl").rule as any[]).map((r) => [r.name, r]));
    for (const name of ["RateLimitPerIp", "RateLimitQueryPerIp"]) {
      expect(rules[name].statement.rate_based_statement.scope_down_statement.and_statement.statement).toContainEqual(notAllowlisted);
    }
    expect(JSON.stringify(rules.AWSManagedRulesCommonRuleSet)).not.toContain("ip_set");
  });
});

describe("WebApplicationFirewall construct", () => {
  it("fails when the rate limit is outside what WAF accepts, naming the prop and value", () => {
    const make = (rateLimitPer5Minutes: number) => () =>
      new WebApplicationFirewall(new TerraformStack(testApp(), "s"), "waf", {
        namePrefix: "t", accountId: "123456789012", region: "eu-west-1", resourceArn: "arn:alb", rateLimitPer5Minutes,
        logRetentionDays: 7, logsKmsKeyArn: "arn:key",
      });
    expect(make(9)).toThrow("WebApplicationFirewall waf: rateLimitPer5Minutes must be a whole number from 10 to 2000000000, got 9");
    expect(make(10.5)).toThrow("got 10.5");
    expect(make(10)).not.toThrow();
  });

  it("lets the common rule set's body-size rule block only when the largest accepted body fits in what WAF inspects", () => {
    const commonRuleSet = (maxRequestBodyBytes?: number) => {
      const stack = new TerraformStack(testApp(), "s");
      new WebApplicationFirewall(stack, "waf", {
        namePrefix: "t", accountId: "123456789012", region: "eu-west-1", resourceArn: "arn:alb", rateLimitPer5Minutes: 300,
        logRetentionDays: 7, logsKmsKeyArn: "arn:key", maxRequestBodyBytes,
      });
      const acl = resources(JSON.parse(Testing.synth(stack)), "aws_wafv2_web_acl")[0][1];
      return acl.rule.find((r: any) => r.name === "AWSManagedRulesCommonRuleSet").statement.managed_rule_group_statement;
    };
    expect(commonRuleSet().rule_action_override).toBeUndefined();
    expect(commonRuleSet(WAF_BODY_INSPECTION_BYTES).rule_action_override).toBeUndefined();
    expect(commonRuleSet(WAF_BODY_INSPECTION_BYTES + 1).rule_action_override).toEqual([{ name: "SizeRestrictions_BODY", action_to_use: { count: {} } }]);
    expect(() => commonRuleSet(0)).toThrow("WebApplicationFirewall waf: maxRequestBodyBytes must be a positive whole number, got 0");
  });
});

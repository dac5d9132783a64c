import { TerraformOutput, Testing } from "cdktf";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { AUTH_TOKEN_LENGTH, RedisCache, type RedisCacheProps } from "../../constructs/redis-cache";
import { ref, resources, synthStage, STAGE_NAMES, validStages, refName, subnetRefs } from "../helpers/stages";

const RG = "aws_elasticache_replication_group";

describe.each(STAGE_NAMES)("Redis cache of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const config = stage.cache;
  const { parsed, stack } = synthStage(stageName);
  const [[groupName, group]] = resources(parsed, RG);
  const [[tokenName, tokenSource]] = Object.entries(parsed.data!.aws_secretsmanager_random_password);
  const tokenRef = "${" + `data.aws_secretsmanager_random_password.${tokenName}.random_password` + "}";

  it(`runs ${config.engine} ${config.engineVersion} on ${config.nodeType} with a ${config.parameterGroupFamily} parameter group`, () => {
    expect(group).toMatchObject({ engine: config.engine, engine_version: config.engineVersion, node_type: config.nodeType, port: 6379 });
    const params = parsed.resource.aws_elasticache_parameter_group[refName(group.parameter_group_name)];
    expect(params.family).toBe(config.parameterGroupFamily);
  });

  it("encrypts at rest with its own rotating KMS key and in transit (TLS required)", () => {
    expect(group).toMatchObject({ at_rest_encryption_enabled: "true", transit_encryption_enabled: true, transit_encryption_mode: "required" });
    expect(refName(group.kms_key_id)).toMatch(/^cache_/);
    expect(parsed.resource.aws_kms_key[refName(group.kms_key_id)].enable_key_rotation).toBe(true);
  });

  it("uses an AUTH token generated at deploy time, set once and then left to the manual rotation procedure", () => {
    expect(group.auth_token).toBe(tokenRef);
    expect(tokenSource).toMatchObject({ password_length: AUTH_TOKEN_LENGTH, exclude_punctuation: true, include_space: false });
    expect(group.lifecycle.ignore_changes).toEqual(["auth_token"]);
  });

  it("keeps the token and the full rediss:// URL in two secrets under the stage's secrets key", () => {
    const secrets = resources(parsed, "aws_secretsmanager_secret").filter(([n]) => n.startsWith("cache_"));
    expect(secrets.map(([, s]) => s.name).sort()).toEqual([`${stage.namePrefix}/redis/auth-token`, `${stage.namePrefix}/redis/url`]);
    secrets.forEach(([, s]) => expect(s.kms_key_id).toMatch(/^\$\{aws_kms_key\.secrets-key_[^.]+\.arn\}$/));

    const versions: Record<string, any> = Object.fromEntries(
      resources(parsed, "aws_secretsmanager_secret_version")
        .filter(([, v]) => refName(v.secret_id).startsWith("cache_"))
        .map(([, v]) => [parsed.resource.aws_secretsmanager_secret[refName(v.secret_id)].name, v]),
    );
    expect(versions[`${stage.namePrefix}/redis/auth-token`].secret_string).toBe(tokenRef);
    expect(versions[`${stage.namePrefix}/redis/url`].secret_string).toBe(
      `rediss://:${tokenRef}@${ref(RG, groupName, "primary_endpoint_address")}:6379/0`,
    );
    for (const version of Object.values(versions)) {
      expect(version.lifecycle).toEqual({ ignore_changes: ["secret_string"], replace_triggered_by: [`${RG}.${groupName}.id`] });
    }
  });

  it("lives in the isolated subnets", () => {
    expect(parsed.resource.aws_elasticache_subnet_group[refName(group.subnet_group_name)].subnet_ids).toEqual(subnetRefs(parsed, "isolated"));
  });

  it("has its own security group, admitting only other security groups on 6379", () => {
    expect(group.security_group_ids).toHaveLength(1);
    const sgName = refName(group.security_group_ids[0]);
    const sg = parsed.resource.aws_security_group[sgName];
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const rules = resources(parsed, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.security_group_id === ref("aws_security_group", sgName));
    for (const [, rule] of rules) {
      expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 6379, to_port: 6379 });
      expect(rule.referenced_security_group_id).toMatch(/^\$\{aws_security_group\./);
      expect(rule.cidr_ipv4).toBeUndefined();
    }
  });

  it(`has ${config.replicas} replica(s), failover ${config.automaticFailover ? "on" : "off"}, Multi-AZ ${config.multiAz ? "on" : "off"}`, () => {
    expect(group).toMatchObject({
      num_cache_clusters: 1 + config.replicas,
      automatic_failover_enabled: config.automaticFailover,
      multi_az_enabled: config.multiAz,
      snapshot_retention_limit: config.snapshotRetentionDays,
      maintenance_window: config.maintenanceWindow,
      auto_minor_version_upgrade: "true",
    });
  });

  if (stage.production) {
    it("in production: at least one replica, automatic failover and Multi-AZ, protected from destroy", () => {
      expect(group.num_cache_clusters).toBeGreaterThanOrEqual(2);
      expect(group).toMatchObject({ automatic_failover_enabled: true, multi_az_enabled: true });
      expect(group.lifecycle.prevent_destroy).toBe(true);
    });
  } else {
    it("outside production: a single node, no failover", () => {
      expect(group).toMatchObject({ num_cache_clusters: 1, automatic_failover_enabled: false, multi_az_enabled: false });
      expect(group.lifecycle.prevent_destroy).toBeUndefined();
    });
  }

  it("sends its slow log to an encrypted log group with the stage's retention", () => {
    const [delivery] = group.log_delivery_configuration;
    expect(delivery).toMatchObject({ destination_type: "cloudwatch-logs", log_type: "slow-log" });
    const logGroup = parsed.resource.aws_cloudwatch_log_group[refName(delivery.destination)];
    expect(logGroup.retention_in_days).toBe(stage.logRetentionDays);
    expect(logGroup.kms_key_id).toMatch(/^\$\{aws_kms_key\.logs-key_/);
  });

  it("exposes the contract fields", () => {
    expect(stack.cache.replicationGroup).toBeInstanceOf(ElasticacheReplicationGroup);
    expect(stack.cache.port).toBe(6379);
    expect(stack.cache.authTokenSecret).toBeInstanceOf(SecretsmanagerSecret);
    expect(stack.cache.urlSecret).toBeInstanceOf(SecretsmanagerSecret);
    expect(typeof stack.cache.primaryEndpoint).toBe("string");
    expect(stack.cache.kmsKey.key).toBeDefined();
  });
});

const props: RedisCacheProps = {
  namePrefix: "faq-test",
  accountId: "123456789012",
  region: "eu-west-1",
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  secretsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/secrets",
  logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
  logRetentionDays: 30,
  engine: "redis",
  engineVersion: "7.1",
  parameterGroupFamily: "redis7",
  nodeType: "cache.t4g.micro",
  replicas: 0,
  automaticFailover: false,
  multiAz: false,
  snapshotRetentionDays: 1,
  maintenanceWindow: "sun:05:00-sun:06:00",
  snapshotWindow: "02:00-03:00",
};

describe("RedisCache construct", () => {
  const synth = (overrides: Partial<RedisCacheProps> = {}, use?: (cache: RedisCache) => void) =>
    JSON.parse(
      Testing.synthScope((scope) => {
        const cache = new RedisCache(scope, "cache", { ...props, ...overrides });
        use?.(cache);
      }),
    );

  it("allowFrom admits exactly the given security groups on 6379, nothing else", () => {
    const json = synth({}, (cache) => {
      cache.allowFrom("sg-web", "Django tasks");
      cache.allowFrom("sg-worker", "Workers");
    });
    const rules = Object.values(json.resource.aws_vpc_security_group_ingress_rule) as any[];
    expect(rules.map((r) => r.referenced_security_group_id)).toEqual(["sg-web", "sg-worker"]);
    const sgName = Object.keys(json.resource.aws_security_group)[0];
    for (const rule of rules) {
      expect(rule).toMatchObject({ security_group_id: ref("aws_security_group", sgName), ip_protocol: "tcp", from_port: 6379, to_port: 6379 });
      expect(rule.cidr_ipv4).toBeUndefined();
    }
  });

  it("urlSecretArn is the ARN of the URL secret", () => {
    const json = synth({}, (cache) => new TerraformOutput(cache, "url-secret-arn", { value: cache.urlSecretArn }));
    const [urlSecret] = Object.entries(json.resource.aws_secretsmanager_secret).find(([, s]: [string, any]) => s.name === "faq-test/redis/url")!;
    expect((Object.values(json.output)[0] as any).value).toBe(ref("aws_secretsmanager_secret", urlSecret, "arn"));
  });

  it("leaves the snapshot window out when snapshots are off", () => {
    const [group] = Object.values(synth({ snapshotRetentionDays: 0 }).resource[RG]) as any[];
    expect(group.snapshot_retention_limit).toBe(0);
    expect(group.snapshot_window).toBeUndefined();
  });

  it("names the Redis 6 parameter group without a dot", () => {
    const [params] = Object.values(synth({ engineVersion: "6.2", parameterGroupFamily: "redis6.x" }).resource.aws_elasticache_parameter_group) as any[];
    expect(params).toMatchObject({ family: "redis6.x", name: "faq-test-redis-redis6-x" });
  });

  it("fails when automatic failover has no replica", () => {
    expect(() => synth({ automaticFailover: true })).toThrow("RedisCache cache: automaticFailover needs replicas of at least 1, got 0");
  });

  it("fails when Multi-AZ is on without automatic failover", () => {
    expect(() => synth({ replicas: 1, multiAz: true })).toThrow("RedisCache cache: multiAz needs automaticFailover to be true, got false");
  });

  it("fails when there are more than 5 replicas", () => {
    expect(() => synth({ replicas: 6 })).toThrow("RedisCache cache: replicas must be 0-5, got 6");
  });

  it("fails when the parameter group family belongs to another engine", () => {
    expect(() => synth({ parameterGroupFamily: "valkey7" })).toThrow('RedisCache cache: parameterGroupFamily "valkey7" does not belong to engine "redis"');
  });

  it("fails when Multi-AZ has subnets in one AZ only", () => {
    expect(() => synth({ replicas: 1, automaticFailover: true, multiAz: true, subnetIds: ["subnet-a"] })).toThrow(
      "RedisCache cache: multiAz needs subnetIds in at least 2 AZs, got 1",
    );
  });

  it("fails when the secret recovery window is outside 7-30 days", () => {
    expect(() => synth({ secretRecoveryWindowDays: 3 })).toThrow("RedisCache cache: secretRecoveryWindowDays must be 7-30, got 3");
  });
});

/**
 * An ElastiCache Redis OSS (or Valkey) replication group in isolated subnets:
 * encrypted at rest with its own KMS key and in transit (TLS required), protected
 * by an AUTH token generated at deploy time and kept in Secrets Manager, with a
 * second secret holding the complete `rediss://` URL the application reads as
 * REDIS_URL. Reachable on 6379 only from the security groups handed to `allowFrom`.
 *
 * The token is never typed anywhere, but Terraform state and the plan of the apply
 * that creates the group do hold it: the replication group's `auth_token` has no
 * write-only form, and the two secrets must hold the same value (the data source is
 * read once per plan, so all three get one token). This is the one generated secret
 * left in state (docs/data-tier.md, "What Terraform state and plan files hold");
 * the state bucket has its own KMS key that only the deploy and plan roles and the
 * account's administrators may use. Rotation is a manual procedure
 * (docs/data-tier.md); Terraform ignores the token after creation.
 *
 * @example
 * const cache = new RedisCache(this, "cache", {
 *   namePrefix: "faq-prod", accountId: identity.accountId, region: "eu-west-1",
 *   vpcId: network.vpc.id, subnetIds: network.isolatedSubnets.map((s) => s.id),
 *   secretsKmsKeyArn: secretsKey.key.arn, logsKmsKeyArn: logsKey.key.arn, logRetentionDays: 365,
 *   engine: "redis", engineVersion: "7.1", parameterGroupFamily: "redis7", nodeType: "cache.m7g.large",
 *   replicas: 1, automaticFailover: true, multiAz: true, snapshotRetentionDays: 7,
 *   maintenanceWindow: "sun:05:00-sun:06:00", snapshotWindow: "02:00-03:00", preventDestroy: true,
 * });
 * cache.allowFrom(web.securityGroup.id, "Django tasks");
 * // REDIS_URL from cache.urlSecretArn
 */
import { Construct } from "constructs";
import { Token } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsSecretsmanagerRandomPassword } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password";
import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { EncryptionKey } from "./encryption-key";
import { admitFromSecurityGroup, type DataStoreProps } from "./data-store";

/** Redis's port; the replication group listens here and nowhere else. */
export const REDIS_PORT = 6379;

/** Length of the generated AUTH token (ElastiCache accepts 16-128 characters). */
export const AUTH_TOKEN_LENGTH = 64;

/** The replication group is `<namePrefix>-redis`. */
export interface RedisCacheProps extends DataStoreProps {
  /** "redis" (Redis OSS) or "valkey". */
  readonly engine: "redis" | "valkey";
  /** Engine version, e.g. "7.1". */
  readonly engineVersion: string;
  /** Parameter group family matching engine and version, e.g. "redis7". */
  readonly parameterGroupFamily: string;
  /** Node type, e.g. "cache.t4g.micro". */
  readonly nodeType: string;
  /** Read replicas besides the primary, 0-5. */
  readonly replicas: number;
  /** Promote a replica when the primary fails (needs replicas >= 1). */
  readonly automaticFailover: boolean;
  /** Spread nodes over AZs (needs automaticFailover). */
  readonly multiAz: boolean;
  /** Daily snapshots kept, 0-35 (0 turns snapshots off). */
  readonly snapshotRetentionDays: number;
  /** Weekly maintenance window (UTC). */
  readonly maintenanceWindow: string;
  /** Daily snapshot window (UTC), used when snapshotRetentionDays > 0. */
  readonly snapshotWindow: string;
  /**
   * Days a deleted secret can still be restored (7-30).
   * @default 30
   */
  readonly secretRecoveryWindowDays?: number;
  /**
   * Refuse `terraform destroy` of the replication group, its key and its secrets (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

export class RedisCache extends Construct {
  /** The replication group (cluster mode disabled: one shard, a primary and `replicas` replicas). */
  public readonly replicationGroup: ElasticacheReplicationGroup;
  /** Host name of the primary (follows failovers). */
  public readonly primaryEndpoint: string;
  /** Port: 6379. */
  public readonly port: number;
  /** Secret holding the AUTH token alone. */
  public readonly authTokenSecret: SecretsmanagerSecret;
  /** Secret holding `rediss://:<token>@<primary endpoint>:6379/0` (REDIS_URL). */
  public readonly urlSecret: SecretsmanagerSecret;
  /** ARN of urlSecret. */
  public readonly urlSecretArn: string;
  /** Security group of the nodes: no rules until `allowFrom`. */
  public readonly securityGroup: SecurityGroup;
  /** Key encrypting the nodes' data and snapshots at rest. */
  public readonly kmsKey: EncryptionKey;
  /** Parameter group of the replication group. */
  public readonly parameterGroup: ElasticacheParameterGroup;
  /** Subnet group over the isolated subnets. */
  public readonly subnetGroup: ElasticacheSubnetGroup;
  /** Log group receiving the slow log. */
  public readonly slowLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? false;
    const recoveryWindowDays = props.secretRecoveryWindowDays ?? 30;
    const lifecycle = preventDestroy ? { preventDestroy: true } : undefined;

    const fail = (message: string) => {
      throw new Error(`RedisCache ${id}: ${message}`);
    };
    if (!Number.isInteger(props.replicas) || props.replicas < 0 || props.replicas > 5) fail(`replicas must be 0-5, got ${props.replicas}`);
    if (props.automaticFailover && props.replicas < 1) fail(`automaticFailover needs replicas of at least 1, got ${props.replicas}`);
    if (props.multiAz && !props.automaticFailover) fail("multiAz needs automaticFailover to be true, got false");
    if (!props.parameterGroupFamily.startsWith(props.engine)) {
      fail(`parameterGroupFamily "${props.parameterGroupFamily}" does not belong to engine "${props.engine}"`);
    }
    if (props.snapshotRetentionDays < 0 || props.snapshotRetentionDays > 35) fail(`snapshotRetentionDays must be 0-35, got ${props.snapshotRetentionDays}`);
    if (recoveryWindowDays < 7 || recoveryWindowDays > 30) fail(`secretRecoveryWindowDays must be 7-30, got ${recoveryWindowDays}`);
    if (props.multiAz && !Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) {
      fail(`multiAz needs subnetIds in at least 2 AZs, got ${props.subnetIds.length}`);
    }

    const name = `${props.namePrefix}-redis`;
    this.port = REDIS_PORT;

    this.kmsKey = new EncryptionKey(this, "key", {
      alias: name,
      description: `ElastiCache data at rest of ${name}`,
      accountId: props.accountId,
      region: props.region,
      preventDestroy,
    });

    this.subnetGroup = new ElasticacheSubnetGroup(this, "subnet-group", {
      name,
      description: `Isolated subnets of ${name}`,
      subnetIds: props.subnetIds,
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name,
      description: `${props.engine} ${name}: 6379 from the security groups allowed by allowFrom only`,
      vpcId: props.vpcId,
      tags: { Name: name },
      // Terraform removes AWS's default allow-all egress rule; the nodes start no connections.
    });

    this.parameterGroup = new ElasticacheParameterGroup(this, "parameter-group", {
      name: `${name}-${props.parameterGroupFamily.replace(/\./g, "-")}`,
      family: props.parameterGroupFamily,
      description: `Parameters of ${name}`,
      parameter: [
        // Django's cache and session keys all carry a TTL: evict among those, never a key without one.
        { name: "maxmemory-policy", value: "volatile-lru" },
      ],
      // A family change makes a new group (its name has the family) before the old one is deleted.
      lifecycle: { createBeforeDestroy: true },
    });

    this.slowLogGroup = new CloudwatchLogGroup(this, "slow-log", {
      name: `/${props.namePrefix}/elasticache/${name}/slow-log`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });

    // Generated by Secrets Manager at plan time. Alphanumeric only: ElastiCache forbids space, ", / and @,
    // and any other punctuation would need percent-encoding in the rediss:// URL.
    // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html
    const authToken = new DataAwsSecretsmanagerRandomPassword(this, "auth-token", {
      passwordLength: AUTH_TOKEN_LENGTH,
      excludePunctuation: true,
      includeSpace: false,
      requireEachIncludedType: true,
    }).randomPassword;

    this.replicationGroup = new ElasticacheReplicationGroup(this, "replication-group", {
      replicationGroupId: name,
      description: `Django cache and sessions of ${props.namePrefix}`,
      engine: props.engine,
      engineVersion: props.engineVersion,
      nodeType: props.nodeType,
      port: REDIS_PORT,
      parameterGroupName: this.parameterGroup.name,
      numCacheClusters: 1 + props.replicas,
      automaticFailoverEnabled: props.automaticFailover,
      multiAzEnabled: props.multiAz,
      subnetGroupName: this.subnetGroup.name,
      securityGroupIds: [this.securityGroup.id],
      atRestEncryptionEnabled: "true",
      kmsKeyId: this.kmsKey.key.arn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      authToken,
      autoMinorVersionUpgrade: "true",
      maintenanceWindow: props.maintenanceWindow,
      snapshotRetentionLimit: props.snapshotRetentionDays,
      snapshotWindow: props.snapshotRetentionDays > 0 ? props.snapshotWindow : undefined,
      logDeliveryConfiguration: [
        {
          destination: this.slowLogGroup.name,
          destinationType: "cloudwatch-logs",
          logFormat: "json",
          logType: "slow-log",
        },
      ],
      tags: { Name: name },
      // The data source yields a new token on every plan; the token is set once, at creation (rotation: docs/data-tier.md).
      lifecycle: { ignoreChanges: ["auth_token"], ...(lifecycle ?? {}) },
    });
    this.primaryEndpoint = this.replicationGroup.primaryEndpointAddress;

    // Both secret versions keep their first value like the group keeps its token; if the group is
    // ever replaced (new id), they are replaced with it and take the new group's token and endpoint.
    // replace_triggered_by takes a bare reference (no "${}"); `.id` changes only when the group is replaced.
    const groupAddress = `${ElasticacheReplicationGroup.tfResourceType}.${this.replicationGroup.friendlyUniqueId}`;
    const versionLifecycle = { ignoreChanges: ["secret_string"], replaceTriggeredBy: [`${groupAddress}.id`] };

    this.authTokenSecret = new SecretsmanagerSecret(this, "auth-token-secret", {
      name: `${props.namePrefix}/redis/auth-token`,
      description: `AUTH token of ${name}`,
      kmsKeyId: props.secretsKmsKeyArn,
      recoveryWindowInDays: recoveryWindowDays,
      lifecycle,
    });
    new SecretsmanagerSecretVersion(this, "auth-token-secret-value", {
      secretId: this.authTokenSecret.id,
      secretString: authToken,
      lifecycle: versionLifecycle,
    });

    this.urlSecret = new SecretsmanagerSecret(this, "url-secret", {
      name: `${props.namePrefix}/redis/url`,
      description: `REDIS_URL of ${name}: rediss://:<token>@<primary endpoint>:${REDIS_PORT}/0`,
      kmsKeyId: props.secretsKmsKeyArn,
      recoveryWindowInDays: recoveryWindowDays,
      lifecycle,
    });
    new SecretsmanagerSecretVersion(this, "url-secret-value", {
      secretId: this.urlSecret.id,
      secretString: `rediss://:${authToken}@${this.primaryEndpoint}:${REDIS_PORT}/0`,
      lifecycle: versionLifecycle,
    });
    this.urlSecretArn = this.urlSecret.arn;
  }

  /** Admits Redis (6379) from another security group; never from a CIDR. */
  public allowFrom(securityGroupId: string, description: string): void {
    admitFromSecurityGroup(this, this.securityGroup.id, REDIS_PORT, securityGroupId, description);
  }
}

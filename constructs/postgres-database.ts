/**
 * An RDS PostgreSQL 15 instance in isolated subnets: storage and Performance
 * Insights encrypted with its own KMS key, TLS forced by its own parameter group,
 * master password generated and kept by RDS in Secrets Manager (never in config,
 * code, environment or Terraform state), reachable on 5432 only from the security
 * groups handed to `allowFrom`.
 *
 * @example
 * const database = new PostgresDatabase(this, "database", {
 *   namePrefix: "faq-prod", accountId: identity.accountId, region: "eu-west-1",
 *   vpcId: network.vpc.id, subnetIds: network.isolatedSubnets.map((s) => s.id),
 *   secretsKmsKeyArn: secretsKey.key.arn, logsKmsKeyArn: logsKey.key.arn, logRetentionDays: 365,
 *   engineVersion: "15", instanceClass: "db.m7g.large", allocatedStorageGiB: 50, maxAllocatedStorageGiB: 200,
 *   multiAz: true, backupRetentionDays: 30, deletionProtection: true, finalSnapshot: true,
 *   performanceInsights: true, monitoringIntervalSeconds: 60, slowStatementThresholdMs: 500,
 *   maintenanceWindow: "sun:03:00-sun:04:00", backupWindow: "01:00-01:30",
 *   databaseName: "faq", masterUsername: "faq_admin", masterPasswordRotationDays: 30, preventDestroy: true,
 * });
 * database.allowFrom(web.securityGroup.id, "Django tasks");
 * // DB_PASSWORD from `${database.masterUserSecretArn}:password::`
 */
import { Construct } from "constructs";
import { Token } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup, type DbParameterGroupParameter } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { EncryptionKey } from "./encryption-key";
import { admitFromSecurityGroup, type DataStoreProps } from "./data-store";

/** PostgreSQL's port; the instance listens here and nowhere else. */
export const POSTGRES_PORT = 5432;

/** Log types exported to CloudWatch Logs, each into a log group this construct creates first. */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** The instance is `<namePrefix>-postgres`. */
export interface PostgresDatabaseProps extends DataStoreProps {
  /**
   * PostgreSQL major version, "15". Only the major: with auto minor version upgrade on, RDS moves
   * the instance to new minor versions, and a pinned minor would make every later plan a downgrade.
   * The version running is `engine_version_actual`.
   */
  readonly engineVersion: string;
  /** Instance class, e.g. "db.t4g.small". */
  readonly instanceClass: string;
  /** Initial gp3 storage. */
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling; equal to allocatedStorageGiB turns autoscaling off. */
  readonly maxAllocatedStorageGiB: number;
  /** Synchronous standby in a second AZ. */
  readonly multiAz: boolean;
  /** Automated backups kept, 0-35 days. */
  readonly backupRetentionDays: number;
  /** RDS deletion protection. */
  readonly deletionProtection: boolean;
  /** Take a final snapshot `<namePrefix>-postgres-final` when the instance is destroyed. */
  readonly finalSnapshot: boolean;
  /** Performance Insights, encrypted with the database's key, 7 days retention. */
  readonly performanceInsights: boolean;
  /** Enhanced monitoring interval; 0 turns it (and its IAM role) off. */
  readonly monitoringIntervalSeconds: number;
  /** log_min_duration_statement: statements slower than this are logged. */
  readonly slowStatementThresholdMs: number;
  /** Weekly maintenance window (UTC). */
  readonly maintenanceWindow: string;
  /** Daily backup window (UTC). */
  readonly backupWindow: string;
  /** Name of the database created with the instance. */
  readonly databaseName: string;
  /** Master user name: only the migration task connects as it (password from the RDS-managed secret). */
  readonly masterUsername: string;
  /** The application's role: it logs in with IAM authentication (`rds-db:connect` on `appConnectArn`). */
  readonly appUsername: string;
  /** Days between rotations of the RDS-managed master password, 1-365. */
  readonly masterPasswordRotationDays: number;
  /**
   * max_connections set in the parameter group (static: applied at the next reboot).
   * @default - the RDS default derived from the instance memory
   */
  readonly maxConnections?: number;
  /**
   * Refuse `terraform destroy` of the instance, its parameter group and its key (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

export class PostgresDatabase extends Construct {
  /** The RDS instance. */
  public readonly instance: DbInstance;
  /** Host name of the instance (DB_HOST). */
  public readonly address: string;
  /** Port of the instance (DB_PORT): 5432. */
  public readonly port: number;
  /** Name of the application database (DB_NAME). */
  public readonly databaseName: string;
  /** Master user name (the migration task's DB_USER; also the `username` key of the master user secret). */
  public readonly masterUsername: string;
  /** The application's role (the web containers' DB_USER), created by the migration task (constructs/database/app-role.ts). */
  public readonly appUsername: string;
  /** `arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<appUsername>`: what `rds-db:connect` names to log in as the app role. */
  public readonly appConnectArn: string;
  /** ARN of the RDS-managed secret holding `username` and `password` (DB_PASSWORD from `<arn>:password::`). */
  public readonly masterUserSecretArn: string;
  /** Security group of the instance: no rules until `allowFrom`. */
  public readonly securityGroup: SecurityGroup;
  /** Key encrypting storage, snapshots and Performance Insights. */
  public readonly kmsKey: EncryptionKey;
  /** Parameter group forcing TLS and logging slow statements and connections. */
  public readonly parameterGroup: DbParameterGroup;
  /** Subnet group over the isolated subnets. */
  public readonly subnetGroup: DbSubnetGroup;
  /** Log groups receiving the exported logs, by log type. */
  public readonly logGroups: Record<(typeof POSTGRES_LOG_EXPORTS)[number], CloudwatchLogGroup>;
  /** Role RDS uses to publish enhanced monitoring metrics, when monitoringIntervalSeconds > 0. */
  public readonly monitoringRole?: IamRole;
  /** Rotation schedule of the master user secret. */
  public readonly masterPasswordRotation: SecretsmanagerSecretRotation;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? false;
    const lifecycle = preventDestroy ? { preventDestroy: true } : undefined;

    const fail = (message: string) => {
      throw new Error(`PostgresDatabase ${id}: ${message}`);
    };
    if (props.engineVersion !== "15") fail(`engineVersion must be the PostgreSQL major version "15" (minor versions are applied automatically), got "${props.engineVersion}"`);
    if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) {
      fail(`subnetIds must list subnets in at least 2 AZs (an RDS subnet group needs two; Multi-AZ needs a second AZ), got ${props.subnetIds.length}`);
    }
    if (props.appUsername === props.masterUsername) {
      fail(`appUsername must differ from masterUsername ("${props.masterUsername}"): the application never connects as the master user`);
    }
    if (props.allocatedStorageGiB < 20) fail(`allocatedStorageGiB must be at least 20 for gp3, got ${props.allocatedStorageGiB}`);
    if (props.maxAllocatedStorageGiB < props.allocatedStorageGiB) {
      fail(`maxAllocatedStorageGiB (${props.maxAllocatedStorageGiB}) must not be below allocatedStorageGiB (${props.allocatedStorageGiB})`);
    }
    if (props.backupRetentionDays < 0 || props.backupRetentionDays > 35) fail(`backupRetentionDays must be 0-35, got ${props.backupRetentionDays}`);
    if (props.finalSnapshot && props.backupRetentionDays === 0) fail("finalSnapshot needs backupRetentionDays of at least 1, got 0");
    if (!Number.isInteger(props.masterPasswordRotationDays) || props.masterPasswordRotationDays < 1 || props.masterPasswordRotationDays > 365) {
      fail(`masterPasswordRotationDays must be a whole number from 1 to 365, got ${props.masterPasswordRotationDays}`);
    }
    if (![0, 1, 5, 10, 15, 30, 60].includes(props.monitoringIntervalSeconds)) {
      fail(`monitoringIntervalSeconds must be one of 0, 1, 5, 10, 15, 30, 60, got ${props.monitoringIntervalSeconds}`);
    }

    const identifier = `${props.namePrefix}-postgres`;
    this.port = POSTGRES_PORT;
    this.databaseName = props.databaseName;
    this.masterUsername = props.masterUsername;
    this.appUsername = props.appUsername;

    this.kmsKey = new EncryptionKey(this, "key", {
      alias: identifier,
      description: `RDS storage and Performance Insights of ${identifier}`,
      accountId: props.accountId,
      region: props.region,
      preventDestroy,
    });

    this.subnetGroup = new DbSubnetGroup(this, "subnet-group", {
      name: identifier,
      description: `Isolated subnets of ${identifier}`,
      subnetIds: props.subnetIds,
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: identifier,
      description: `PostgreSQL ${identifier}: 5432 from the security groups allowed by allowFrom only`,
      vpcId: props.vpcId,
      tags: { Name: identifier },
      // Terraform removes AWS's default allow-all egress rule; the database starts no connections.
    });

    const parameters: DbParameterGroupParameter[] = [
      // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
      { name: "rds.force_ssl", value: "1" },
      { name: "ssl_min_protocol_version", value: "TLSv1.2" },
      { name: "log_min_duration_statement", value: String(props.slowStatementThresholdMs) },
      { name: "log_connections", value: "1" },
      { name: "log_disconnections", value: "1" },
    ];
    if (props.maxConnections !== undefined) {
      parameters.push({ name: "max_connections", value: String(props.maxConnections), applyMethod: "pending-reboot" });
    }
    this.parameterGroup = new DbParameterGroup(this, "parameter-group", {
      name: `${identifier}-15`,
      family: "postgres15",
      description: `TLS-only, slow statement and connection logging for ${identifier}`,
      parameter: parameters,
      // A new group must exist before the instance moves to it; the old one is deleted after.
      lifecycle: { createBeforeDestroy: true, ...(lifecycle ?? {}) },
    });

    // RDS would create these on first export, unencrypted and kept forever: create them first.
    this.logGroups = Object.fromEntries(
      POSTGRES_LOG_EXPORTS.map((type) => [
        type,
        new CloudwatchLogGroup(this, `${type}-logs`, {
          name: `/aws/rds/instance/${identifier}/${type}`,
          retentionInDays: props.logRetentionDays,
          kmsKeyId: props.logsKmsKeyArn,
        }),
      ]),
    ) as PostgresDatabase["logGroups"];

    // RDS checks the role's permissions when the instance is created: attach the policy first.
    let monitoringPolicy: IamRolePolicyAttachment | undefined;
    if (props.monitoringIntervalSeconds > 0) {
      this.monitoringRole = new IamRole(this, "monitoring-role", {
        name: `${identifier}-monitoring`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "monitoring.rds.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
            },
          ],
        }),
      });
      monitoringPolicy = new IamRolePolicyAttachment(this, "monitoring-policy", {
        role: this.monitoringRole.name,
        policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
      });
    }

    this.instance = new DbInstance(this, "instance", {
      identifier,
      engine: "postgres",
      engineVersion: props.engineVersion,
      instanceClass: props.instanceClass,
      dbName: props.databaseName,
      username: props.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.secretsKmsKeyArn,
      port: POSTGRES_PORT,
      parameterGroupName: this.parameterGroup.name,
      caCertIdentifier: "rds-ca-rsa2048-g1",

      storageType: "gp3",
      allocatedStorage: props.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorageGiB > props.allocatedStorageGiB ? props.maxAllocatedStorageGiB : undefined,
      storageEncrypted: true,
      // IAM authentication as well as the managed password: operators can get short-lived tokens
      // (aws rds generate-db-auth-token) instead of reading the master secret.
      iamDatabaseAuthenticationEnabled: true,
      kmsKeyId: this.kmsKey.key.arn,

      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      multiAz: props.multiAz,

      backupRetentionPeriod: props.backupRetentionDays,
      backupWindow: props.backupWindow,
      maintenanceWindow: props.maintenanceWindow,
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection,
      skipFinalSnapshot: !props.finalSnapshot,
      finalSnapshotIdentifier: props.finalSnapshot ? `${identifier}-final` : undefined,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,

      enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
      performanceInsightsEnabled: props.performanceInsights,
      performanceInsightsKmsKeyId: props.performanceInsights ? this.kmsKey.key.arn : undefined,
      performanceInsightsRetentionPeriod: props.performanceInsights ? 7 : undefined,
      monitoringInterval: props.monitoringIntervalSeconds,
      monitoringRoleArn: this.monitoringRole?.arn,

      tags: { Name: identifier },
      dependsOn: [...Object.values(this.logGroups), ...(monitoringPolicy ? [monitoringPolicy] : [])],
      lifecycle,
    });

    this.address = this.instance.address;
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
    this.appConnectArn = `arn:aws:rds-db:${props.region}:${props.accountId}:dbuser:${this.instance.resourceId}/${props.appUsername}`;
    this.masterUserSecretArn = this.instance.masterUserSecret.get(0).secretArn;

    // RDS rotates its managed secret every 7 days unless told otherwise; the schedule is config.
    this.masterPasswordRotation = new SecretsmanagerSecretRotation(this, "master-password-rotation", {
      secretId: this.masterUserSecretArn,
      rotateImmediately: false,
      rotationRules: { automaticallyAfterDays: props.masterPasswordRotationDays },
    });
  }

  /** Admits PostgreSQL (5432) from another security group; never from a CIDR. */
  public allowFrom(securityGroupId: string, description: string): void {
    admitFromSecurityGroup(this, this.securityGroup.id, POSTGRES_PORT, securityGroupId, description);
  }
}

import { Testing } from "cdktf";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { PostgresDatabase, type PostgresDatabaseProps } from "../../constructs/postgres-database";
import { ref, resource, resources, synthStage, STAGE_NAMES, validStages, refName, subnetRefs } from "../helpers/stages";

const DB = "aws_db_instance";

describe.each(STAGE_NAMES)("PostgreSQL database of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const config = stage.database;
  const { parsed } = synthStage(stageName);
  const db = resource(parsed, DB, "database_instance");

  it(`runs PostgreSQL ${config.engineVersion}`, () => {
    expect(db.engine).toBe("postgres");
    expect(db.engine_version).toBe(config.engineVersion);
    expect(db.engine_version).toBe("15");
    expect(db.auto_minor_version_upgrade).toBe(true);
    expect(db.allow_major_version_upgrade).toBe(false);
  });

  it("forces TLS and logs slow statements and connections through its own postgres15 parameter group", () => {
    const group = parsed.resource.aws_db_parameter_group[refName(db.parameter_group_name)];
    expect(group.family).toBe("postgres15");
    const params = Object.fromEntries(group.parameter.map((p: any) => [p.name, p.value]));
    expect(params).toMatchObject({
      "rds.force_ssl": "1",
      log_min_duration_statement: String(config.slowStatementThresholdMs),
      log_connections: "1",
      log_disconnections: "1",
    });
    expect(db.ca_cert_identifier).toBe("rds-ca-rsa2048-g1");
  });

  it("encrypts gp3 storage and Performance Insights with its own rotating customer-managed key", () => {
    expect(db).toMatchObject({ storage_encrypted: true, storage_type: "gp3", allocated_storage: config.allocatedStorageGiB });
    expect(db.max_allocated_storage).toBe(config.maxAllocatedStorageGiB);
    const key = parsed.resource.aws_kms_key[refName(db.kms_key_id)];
    expect(refName(db.kms_key_id)).toMatch(/^database_/);
    expect(key.enable_key_rotation).toBe(true);
    if (config.performanceInsights) expect(db.performance_insights_kms_key_id).toBe(db.kms_key_id);
  });

  it("lets RDS generate and keep the master password in Secrets Manager, under the stage's secrets key", () => {
    expect(db.manage_master_user_password).toBe(true);
    expect(db.password).toBeUndefined();
    expect(db.master_user_secret_kms_key_id).toMatch(/^\$\{aws_kms_key\.secrets-key_[^.]+\.arn\}$/);
    expect(db).toMatchObject({ username: config.masterUsername, db_name: config.databaseName });
    const [[, rotation]] = resources(parsed, "aws_secretsmanager_secret_rotation").filter(([n]) => n.startsWith("database_"));
    const [[dbName]] = resources(parsed, DB);
    expect(rotation.secret_id).toBe(ref(DB, dbName, "master_user_secret[0].secret_arn"));
    expect(rotation).toMatchObject({ rotate_immediately: false, rotation_rules: { automatically_after_days: config.masterPasswordRotationDays } });
  });

  it("lives in the isolated subnets, not publicly accessible", () => {
    const group = parsed.resource.aws_db_subnet_group[refName(db.db_subnet_group_name)];
    expect(group.subnet_ids).toEqual(subnetRefs(parsed, "isolated"));
    expect(db.publicly_accessible).toBe(false);
  });

  it("has its own security group, admitting only other security groups on 5432", () => {
    expect(db.vpc_security_group_ids).toHaveLength(1);
    const sgName = refName(db.vpc_security_group_ids[0]);
    const sg = parsed.resource.aws_security_group[sgName];
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const rules = resources(parsed, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.security_group_id === ref("aws_security_group", sgName));
    for (const [, rule] of rules) {
      expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 5432, to_port: 5432 });
      expect(rule.referenced_security_group_id).toMatch(/^\$\{aws_security_group\./);
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
    }
    expect(db.port).toBe(5432);
  });

  it(`is ${config.multiAz ? "Multi-AZ" : "single-AZ"}, keeps backups ${config.backupRetentionDays} days, deletion protection ${config.deletionProtection ? "on" : "off"}`, () => {
    expect(db).toMatchObject({
      multi_az: config.multiAz,
      backup_retention_period: config.backupRetentionDays,
      deletion_protection: config.deletionProtection,
      skip_final_snapshot: !config.finalSnapshot,
      backup_window: config.backupWindow,
      maintenance_window: config.maintenanceWindow,
      instance_class: config.instanceClass,
    });
    if (config.finalSnapshot) expect(db.final_snapshot_identifier).toBe(`${stage.namePrefix}-postgres-final`);
    else expect(db.final_snapshot_identifier).toBeUndefined();
  });

  if (stage.production) {
    it("in production: Multi-AZ, deletion protection, 30-day backups, final snapshot, Performance Insights, enhanced monitoring", () => {
      expect(db).toMatchObject({ multi_az: true, deletion_protection: true, backup_retention_period: 30, skip_final_snapshot: false });
      expect(db.performance_insights_enabled).toBe(true);
      expect(db.monitoring_interval).toBeGreaterThan(0);
      const role = parsed.resource.aws_iam_role[refName(db.monitoring_role_arn)];
      expect(JSON.parse(role.assume_role_policy).Statement[0].Principal.Service).toBe("monitoring.rds.amazonaws.com");
      expect(db.lifecycle).toEqual({ prevent_destroy: true });
    });
  } else {
    it("outside production: single-AZ, no enhanced monitoring role, destroyable", () => {
      expect(db.multi_az).toBe(false);
      expect(db.monitoring_interval).toBe(0);
      expect(db.monitoring_role_arn).toBeUndefined();
      expect(resources(parsed, "aws_iam_role").filter(([n]) => n.startsWith("database_"))).toEqual([]);
      expect(db.lifecycle).toBeUndefined();
    });
  }

  it("always exports postgresql and upgrade logs into encrypted log groups with retention, copies tags, takes minor upgrades", () => {
    expect(db.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
    for (const type of ["postgresql", "upgrade"]) {
      const group = Object.values(parsed.resource.aws_cloudwatch_log_group).find((g: any) => g.name === `/aws/rds/instance/${stage.namePrefix}-postgres/${type}`) as any;
      expect(group).toMatchObject({ retention_in_days: stage.logRetentionDays });
      expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\.logs-key_/);
    }
    expect(db).toMatchObject({ copy_tags_to_snapshot: true, auto_minor_version_upgrade: true });
  });

  it("exposes the contract fields", () => {
    const { stack } = synthStage(stageName);
    expect(stack.database.instance).toBeInstanceOf(DbInstance);
    expect(stack.database.port).toBe(5432);
    expect(stack.database.databaseName).toBe(config.databaseName);
    expect(stack.database.masterUsername).toBe(config.masterUsername);
    expect(stack.database.kmsKey.key).toBeDefined();
    expect(stack.database.parameterGroup).toBeDefined();
    expect(typeof stack.database.address).toBe("string");
    expect(typeof stack.database.masterUserSecretArn).toBe("string");
  });
});

const props: PostgresDatabaseProps = {
  namePrefix: "faq-test",
  accountId: "123456789012",
  region: "eu-west-1",
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  secretsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/secrets",
  logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
  logRetentionDays: 30,
  engineVersion: "15",
  instanceClass: "db.t4g.small",
  allocatedStorageGiB: 20,
  maxAllocatedStorageGiB: 20,
  multiAz: false,
  backupRetentionDays: 7,
  deletionProtection: false,
  finalSnapshot: false,
  performanceInsights: false,
  monitoringIntervalSeconds: 0,
  slowStatementThresholdMs: 500,
  maintenanceWindow: "sun:03:00-sun:04:00",
  backupWindow: "01:00-01:30",
  databaseName: "faq",
  masterUsername: "faq_admin",
  appUsername: "faq_app",
  masterPasswordRotationDays: 30,
};

describe("PostgresDatabase construct", () => {
  const synth = (overrides: Partial<PostgresDatabaseProps> = {}, use?: (db: PostgresDatabase) => void) =>
    Testing.synthScope((scope) => {
      const db = new PostgresDatabase(scope, "db", { ...props, ...overrides });
      use?.(db);
    });

  it("allowFrom admits exactly the given security group on 5432, nothing else", () => {
    const json = JSON.parse(synth({}, (db) => db.allowFrom("sg-web", "Django tasks")));
    const rules = Object.values(json.resource[VpcSecurityGroupIngressRule.tfResourceType]) as any[];
    expect(rules).toHaveLength(1);
    const sgName = Object.keys(json.resource.aws_security_group)[0];
    expect(rules[0]).toEqual(
      expect.objectContaining({
        security_group_id: ref("aws_security_group", sgName),
        referenced_security_group_id: "sg-web",
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
        description: "Django tasks",
      }),
    );
    expect(rules[0].cidr_ipv4).toBeUndefined();
  });

  it("turns storage autoscaling off when the ceiling equals the allocation", () => {
    const [instance] = Object.values(JSON.parse(synth()).resource[DbInstance.tfResourceType]) as any[];
    expect(instance.allocated_storage).toBe(20);
    expect(instance.max_allocated_storage).toBeUndefined();
  });

  it("sets max_connections (pending reboot) only when given", () => {
    const groups = (json: string) => Object.values(JSON.parse(json).resource.aws_db_parameter_group) as any[];
    expect(groups(synth())[0].parameter.map((p: any) => p.name)).not.toContain("max_connections");
    expect(groups(synth({ maxConnections: 300 }))[0].parameter).toContainEqual({ name: "max_connections", value: "300", apply_method: "pending-reboot" });
  });

  it("fails when the subnets span fewer than 2 AZs", () => {
    expect(() => synth({ subnetIds: ["subnet-a"] })).toThrow(/PostgresDatabase db: subnetIds must list subnets in at least 2 AZs .* got 1/);
  });

  it("fails when the engine version is not PostgreSQL 15", () => {
    expect(() => synth({ engineVersion: "16.3" })).toThrow(
      'PostgresDatabase db: engineVersion must be the PostgreSQL major version "15" (minor versions are applied automatically), got "16.3"',
    );
    expect(() => synth({ engineVersion: "15.8" })).toThrow(/engineVersion must be the PostgreSQL major version "15".*got "15\.8"/);
  });

  it("fails when the storage exceeds its autoscaling ceiling", () => {
    expect(() => synth({ allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 })).toThrow(
      "PostgresDatabase db: maxAllocatedStorageGiB (50) must not be below allocatedStorageGiB (100)",
    );
  });

  it("fails when a final snapshot is asked for with backups off", () => {
    expect(() => synth({ finalSnapshot: true, backupRetentionDays: 0 })).toThrow("PostgresDatabase db: finalSnapshot needs backupRetentionDays of at least 1, got 0");
  });

  it("fails when the monitoring interval is not one RDS offers", () => {
    expect(() => synth({ monitoringIntervalSeconds: 7 })).toThrow(/monitoringIntervalSeconds must be one of 0, 1, 5, 10, 15, 30, 60, got 7/);
  });
});

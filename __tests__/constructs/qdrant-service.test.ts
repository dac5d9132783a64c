import { Testing, TerraformStack } from "cdktf";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { API_KEY_VERSION, QDRANT_HEALTH_CHECK_COMMAND, QdrantService, type QdrantServiceProps } from "../../constructs/qdrant-service";
import { resource, resources, synthStage, type Synth, STAGE_NAMES, testApp, validStages, refName } from "../helpers/stages";

function containerOf(synth: Synth, family: string): Record<string, any> {
  const [[, td]] = resources(synth, "aws_ecs_task_definition").filter(([, t]) => t.family === family);
  const containers = JSON.parse(td.container_definitions);
  expect(containers).toHaveLength(1);
  return containers[0];
}

function policyOf(synth: Synth, fragment: string): { Statement: Record<string, any>[] } {
  return JSON.parse(resource(synth, "aws_iam_role_policy", fragment).policy);
}

describe.each(STAGE_NAMES)("qdrant of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const { parsed, stack } = synthStage(stageName);
  const prefix = stage.namePrefix;
  const qdrantSg = "${aws_security_group.qdrant_security-group_24FEE5E1.id}";
  const efsSg = "${aws_security_group.qdrant_storage_security-group_22F455E7.id}";
  const triggerSg = "${aws_security_group.qdrant_snapshots_trigger-security-group_D13A29A7.id}";
  const privateSubnets = resources(parsed, "aws_subnet")
    .filter(([, s]) => s.tags.Tier === "private")
    .map(([name]) => `\${aws_subnet.${name}.id}`);
  const fileSystemArn = "${aws_efs_file_system.qdrant_storage_file-system_B9EAAA58.arn}";
  const accessPointArn = "${aws_efs_access_point.qdrant_storage_access-point_9497699B.arn}";
  const taskRoleArn = "${aws_iam_role.qdrant_task-role_211C1D0F.arn}";
  const bucketArn = "${aws_s3_bucket.qdrant_snapshots_bucket_2D14ABA9.arn}";

  describe("storage", () => {
    it("encrypts the file system with its own KMS key, in the configured throughput mode", () => {
      const fs = resource(parsed, "aws_efs_file_system", "qdrant");
      expect(fs).toMatchObject({ encrypted: true, throughput_mode: stage.qdrant.efsThroughputMode, performance_mode: "generalPurpose" });
      expect(refName(fs.kms_key_id, "aws_kms_key")).toMatch(/^qdrant_storage_key_/);
      expect(fs.lifecycle_policy).toBeUndefined();
    });

    it("has one mount target per AZ, in the private subnets, behind the EFS security group", () => {
      const targets = resources(parsed, "aws_efs_mount_target").map(([, t]) => t);
      expect(targets).toHaveLength(stage.network.azCount);
      expect(targets.map((t) => t.subnet_id).sort()).toEqual([...privateSubnets].sort());
      targets.forEach((t) => expect(t.security_groups).toEqual([efsSg]));
    });

    it("roots the access point at /qdrant with the container's POSIX user", () => {
      const ap = resource(parsed, "aws_efs_access_point", "qdrant");
      expect(ap.posix_user).toEqual({ uid: 1000, gid: 1000 });
      expect(ap.root_directory).toEqual({ path: "/qdrant", creation_info: { owner_uid: 1000, owner_gid: 1000, permissions: "0750" } });
      expect(containerOf(parsed, `${prefix}-qdrant`).user).toBe("1000:1000");
    });

    it("denies non-TLS access and lets only the task role mount, only through the access point", () => {
      const policy = JSON.parse(resource(parsed, "aws_efs_file_system_policy", "qdrant").policy);
      const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
      expect(bySid.DenyInsecureTransport).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
      expect(bySid.DenyMountOutsideTheAccessPoint).toMatchObject({
        Effect: "Deny",
        Principal: { AWS: "*" },
        Condition: { StringNotEquals: { "elasticfilesystem:AccessPointArn": accessPointArn } },
      });
      const allows = policy.Statement.filter((s: any) => s.Effect === "Allow");
      expect(allows).toEqual([
        expect.objectContaining({
          Principal: { AWS: taskRoleArn },
          Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
          Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArn } },
        }),
      ]);
    });

    it("admits NFS on the mount targets only from the Qdrant tasks", () => {
      const rules = resources(parsed, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.security_group_id === efsSg);
      expect(rules.map(([, r]) => [r.from_port, r.to_port, r.referenced_security_group_id, r.cidr_ipv4])).toEqual([
        [2049, 2049, qdrantSg, undefined],
      ]);
      const nfs = resources(parsed, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.from_port === 2049);
      expect(nfs).toHaveLength(1);
    });
  });

  describe("task", () => {
    const container = containerOf(parsed, `${prefix}-qdrant`);
    const td = resources(parsed, "aws_ecs_task_definition").find(([, t]) => t.family === `${prefix}-qdrant`)![1];
    const env = Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));

    it("runs the configured, pinned Qdrant image with its size from config", () => {
      expect(container.image).toBe(`qdrant/qdrant:${stage.qdrant.version}`);
      expect(container.image).not.toMatch(/latest/);
      expect(td).toMatchObject({ cpu: String(stage.qdrant.cpu), memory: String(stage.qdrant.memoryMiB), network_mode: "awsvpc" });
      expect(td.requires_compatibilities).toEqual(["FARGATE"]);
    });

    it("exposes HTTP 6333 and gRPC 6334", () => {
      expect(container.portMappings.map((p: any) => p.containerPort)).toEqual([6333, 6334]);
      expect(stack.qdrant.httpPort).toBe(6333);
      expect(stack.qdrant.grpcPort).toBe(6334);
    });

    it("takes the API key from the generated secret, never from the environment", () => {
      expect(container.secrets).toEqual([{ name: "QDRANT__SERVICE__API_KEY", valueFrom: "${aws_secretsmanager_secret.qdrant_api-key_54F9F446.arn}" }]);
      expect(Object.keys(env).filter((k) => /API_KEY/.test(k))).toEqual([]);
      const secret = resource(parsed, "aws_secretsmanager_secret", "qdrant");
      expect(refName(secret.kms_key_id, "aws_kms_key")).toBe("secrets-key_83928A38");
      const version = resource(parsed, "aws_secretsmanager_secret_version", "qdrant");
      expect(version.secret_string).toBeUndefined();
      expect(version.secret_string_wo).toMatch(/^\$\{ephemeral\.aws_secretsmanager_random_password\.api-key-value_[^.]+\.random_password\}$/);
      expect(version.secret_string_wo_version).toBe(API_KEY_VERSION);
    });

    it("mounts EFS through the access point with TLS and IAM, and keeps storage on it", () => {
      expect(td.volume).toEqual([
        {
          name: "qdrant-data",
          efs_volume_configuration: {
            file_system_id: "${aws_efs_file_system.qdrant_storage_file-system_B9EAAA58.id}",
            transit_encryption: "ENABLED",
            authorization_config: { access_point_id: "${aws_efs_access_point.qdrant_storage_access-point_9497699B.id}", iam: "ENABLED" },
          },
        },
      ]);
      expect(container.mountPoints).toEqual([{ sourceVolume: "qdrant-data", containerPath: "/qdrant/data", readOnly: false }]);
      expect(env.QDRANT__STORAGE__STORAGE_PATH).toBe("/qdrant/data/storage");
      expect(env.QDRANT__STORAGE__TEMP_PATH).toBe("/qdrant/data/temp");
    });

    it("runs hardened: non-root, read-only root filesystem, telemetry off, every write on EFS (Fargate has no tmpfs)", () => {
      expect(container.readonlyRootFilesystem).toBe(true);
      expect(env.QDRANT__TELEMETRY_DISABLED).toBe("true");
      expect(container.linuxParameters?.tmpfs).toBeUndefined();
      for (const name of ["QDRANT__STORAGE__SNAPSHOTS_PATH", "QDRANT_INIT_FILE_PATH", "TMPDIR"]) expect(env[name]).toMatch(/^\/qdrant\/data\//);
    });

    it("checks health with bash's /dev/tcp against /readyz, and gives Qdrant time to flush on stop", () => {
      expect(container.healthCheck.command).toEqual(QDRANT_HEALTH_CHECK_COMMAND);
      expect(container.healthCheck.command.join(" ")).toMatch(/\/dev\/tcp\/127\.0\.0\.1\/6333.*GET \/readyz.* 200 /);
      expect(container.healthCheck.command.join(" ")).not.toMatch(/curl|wget/);
      expect(container.stopTimeout).toBe(120);
    });

    it("stores snapshots in the snapshot bucket", () => {
      expect(env.QDRANT__STORAGE__SNAPSHOTS_CONFIG__SNAPSHOTS_STORAGE).toBe("s3");
      expect(env.QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__BUCKET).toBe("${aws_s3_bucket.qdrant_snapshots_bucket_2D14ABA9.bucket}");
      expect(env.QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__REGION).toBe(stage.region);
    });

    it("logs to an encrypted log group with the stage's retention", () => {
      const group = parsed.resource.aws_cloudwatch_log_group[refName(container.logConfiguration.options["awslogs-group"], "aws_cloudwatch_log_group")];
      expect(group.retention_in_days).toBe(stage.logRetentionDays);
      expect(refName(group.kms_key_id, "aws_kms_key")).toBe("logs-key_44F95A88");
    });
  });

  describe("service", () => {
    const service = resource(parsed, "aws_ecs_service", "qdrant");

    it("runs exactly one task, stopping the old one before starting a new one", () => {
      expect(service.desired_count).toBe(1);
      expect(service.deployment_minimum_healthy_percent).toBe(0);
      expect(service.deployment_maximum_percent).toBe(100);
      expect(service.availability_zone_rebalancing).toBe("DISABLED");
    });

    it("has no autoscaling target", () => {
      const targets = resources(parsed, "aws_appautoscaling_target").filter(([, t]) => JSON.stringify(t).includes("qdrant"));
      expect(targets).toEqual([]);
      const policies = resources(parsed, "aws_appautoscaling_policy").filter(([, t]) => JSON.stringify(t).includes("qdrant"));
      expect(policies).toEqual([]);
    });

    it("runs in the private subnets without a public IP, on the shared cluster", () => {
      expect(service.network_configuration).toEqual({ assign_public_ip: false, security_groups: [qdrantSg], subnets: privateSubnets });
      expect(refName(service.cluster, "aws_ecs_cluster")).toMatch(/^cluster_[A-F0-9]{8}$/);
      expect(service.launch_type).toBe("FARGATE");
    });

    it("registers as qdrant.<namespace> in the stage's private DNS namespace", () => {
      const namespace = resource(parsed, "aws_service_discovery_private_dns_namespace", "qdrant");
      expect(namespace.name).toBe(`${prefix}.internal`);
      expect(refName(namespace.vpc, "aws_vpc")).toMatch(/^network_vpc_/);
      const discovery = resource(parsed, "aws_service_discovery_service", "qdrant");
      expect(discovery.name).toBe("qdrant");
      expect(discovery.dns_config.dns_records).toEqual([{ type: "A", ttl: 10 }]);
      expect(service.service_registries).toEqual({ registry_arn: "${aws_service_discovery_service.qdrant_discovery_892DE061.arn}" });
      expect(stack.qdrant.host).toBe(`qdrant.${prefix}.internal`);
    });

    it("admits 6333/6334 only from the web service's tasks, and 6333 from the snapshot trigger and the restore drill", () => {
      const rules = resources(parsed, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.security_group_id === qdrantSg);
      rules.forEach(([, r]) => {
        expect(r.cidr_ipv4).toBeUndefined();
        expect(r.cidr_ipv6).toBeUndefined();
        expect(r.referenced_security_group_id).toBeDefined();
      });
      const webSg = "${aws_security_group.web_security-group_7D897C8C.id}";
      const drillSg = "${aws_security_group.restore-drill_security-group_CD9F2A6A.id}";
      expect(rules.map(([, r]) => [r.from_port, r.to_port, r.referenced_security_group_id]).sort()).toEqual(
        [[6333, 6333, triggerSg], [6333, 6333, drillSg], [6333, 6333, webSg], [6334, 6334, webSg]].sort(),
      );
    });

    it("alarms to the stage topic when no task is running", () => {
      const alarm = resource(parsed, "aws_cloudwatch_metric_alarm", "qdrant_alarm-not-running");
      expect(alarm).toMatchObject({
        namespace: "ECS/ContainerInsights",
        metric_name: "RunningTaskCount",
        comparison_operator: "LessThanThreshold",
        threshold: 1,
        treat_missing_data: "breaching",
      });
      expect(alarm.dimensions.ServiceName).toBe("${aws_ecs_service.qdrant_service_ABA275BF.name}");
      expect(alarm.alarm_actions).toHaveLength(1);
      expect(refName(alarm.alarm_actions[0], "aws_sns_topic")).toMatch(/^alarms_topic_/);
    });

    it(`alarms on EFS limits relevant to ${stage.qdrant.efsThroughputMode} throughput`, () => {
      const efsAlarms = resources(parsed, "aws_cloudwatch_metric_alarm").filter(([, a]) => a.namespace === "AWS/EFS").map(([, a]) => a.metric_name);
      expect(efsAlarms.sort()).toEqual(stage.qdrant.efsThroughputMode === "bursting" ? ["BurstCreditBalance", "PercentIOLimit"] : ["PercentIOLimit"]);
    });

    it("outputs the service name", () => {
      expect(parsed.output.qdrant_service_name.value).toBe("${aws_ecs_service.qdrant_service_ABA275BF.name}");
    });
  });

  describe("durability", () => {
    it("backs up the file system daily to a KMS-encrypted vault, kept for the configured days", () => {
      const selection = resource(parsed, "aws_backup_selection", "qdrant");
      expect(selection.resources).toEqual([fileSystemArn]);
      const plan = resource(parsed, "aws_backup_plan", "qdrant");
      expect(plan.rule).toHaveLength(1);
      expect(plan.rule[0]).toMatchObject({ schedule: "cron(0 3 * * ? *)", lifecycle: { delete_after: stage.qdrant.backupRetentionDays } });
      const vault = resource(parsed, "aws_backup_vault", "qdrant");
      expect(refName(vault.kms_key_arn, "aws_kms_key")).toMatch(/^qdrant_backup_key_/);
      expect(resource(parsed, "aws_efs_backup_policy", "qdrant").backup_policy).toEqual({ status: "DISABLED" });
    });

    it("keeps snapshots in a private, versioned, KMS-encrypted bucket that expires them", () => {
      expect(resource(parsed, "aws_s3_bucket_versioning", "qdrant_snapshots").versioning_configuration).toEqual({ status: "Enabled" });
      const sse = resource(parsed, "aws_s3_bucket_server_side_encryption_configuration", "qdrant_snapshots").rule[0];
      expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
      expect(refName(sse.apply_server_side_encryption_by_default.kms_master_key_id, "aws_kms_key")).toMatch(/^qdrant_snapshots_key_/);
      expect(resource(parsed, "aws_s3_bucket_lifecycle_configuration", "qdrant_snapshots").rule[0].expiration).toEqual([
        { days: stage.qdrant.snapshotRetentionDays },
      ]);
      expect(resource(parsed, "aws_s3_bucket_public_access_block", "qdrant_snapshots")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    });

    it("lets the task role reach exactly the snapshot bucket and its key", () => {
      const statements = policyOf(parsed, "qdrant_task-policy").Statement;
      const s3 = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith("s3:")));
      expect(s3.flatMap((s) => [s.Resource].flat()).sort()).toEqual([bucketArn, `${bucketArn}/*`].sort());
      const kms = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith("kms:")));
      expect(kms.map((s) => refName(s.Resource, "aws_kms_key"))).toEqual([expect.stringMatching(/^qdrant_snapshots_key_/)]);
      statements.forEach((s) => expect(s.Resource).not.toBe("*"));
    });

    it("asks Qdrant for a full snapshot on the configured schedule, from a one-off task in the private subnets", () => {
      const schedule = resource(parsed, "aws_scheduler_schedule", "qdrant");
      expect(schedule.schedule_expression).toBe(stage.qdrant.snapshotSchedule);
      expect(refName(schedule.kms_key_arn, "aws_kms_key")).toMatch(/^qdrant_snapshots_key_/);
      expect(refName(schedule.target.arn, "aws_ecs_cluster")).toMatch(/^cluster_[A-F0-9]{8}$/);
      expect(schedule.target.ecs_parameters).toMatchObject({
        launch_type: "FARGATE",
        task_count: 1,
        task_definition_arn: "${aws_ecs_task_definition.qdrant_snapshots_trigger-task_DA92A6BF.arn}",
        network_configuration: { assign_public_ip: false, security_groups: [triggerSg], subnets: privateSubnets },
      });
      const trigger = containerOf(parsed, `${prefix}-qdrant-snapshot`);
      expect(trigger.image).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
      expect(trigger.command.join(" ")).toMatch(/-X POST .*"http:\/\/\$QDRANT_HOST:6333\/snapshots\?wait=true"/);
      // ... then the collection's own snapshot, which the restore drill restores.
      expect(trigger.command.join(" ")).toMatch(
        new RegExp(`snapshots\\?wait=true" && .*-X POST .*"http://\\$QDRANT_HOST:6333/collections/${stage.qdrant.collectionName}/snapshots\\?wait=true"$`),
      );
      expect(trigger.environment).toEqual([{ name: "QDRANT_HOST", value: `qdrant.${prefix}.internal` }]);
      expect(trigger.secrets).toEqual([{ name: "QDRANT_API_KEY", valueFrom: "${aws_secretsmanager_secret.qdrant_api-key_54F9F446.arn}" }]);
    });

    it("lets the scheduler run only the trigger task and pass only its role", () => {
      const statements = policyOf(parsed, "qdrant_snapshots_scheduler-policy").Statement;
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
      expect(bySid.RunTheTriggerTask).toMatchObject({ Action: "ecs:RunTask", Resource: "${aws_ecs_task_definition.qdrant_snapshots_trigger-task_DA92A6BF.arn}" });
      expect(bySid.PassItsRole).toMatchObject({
        Action: "iam:PassRole",
        Resource: "${aws_iam_role.qdrant_snapshots_trigger-execution-role_680369D1.arn}",
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      });
      statements.forEach((s) => expect(s.Resource).not.toBe("*"));
    });

    it("lets only the trigger reach Qdrant on 6333 from its own security group, and reports failed runs", () => {
      const egress = resources(parsed, "aws_vpc_security_group_egress_rule").filter(([, r]) => r.security_group_id === triggerSg);
      expect(egress.map(([, r]) => [r.from_port, r.referenced_security_group_id ?? r.cidr_ipv4]).sort()).toEqual([
        [443, "0.0.0.0/0"],
        [6333, qdrantSg],
      ]);
      const rule = resource(parsed, "aws_cloudwatch_event_rule", "qdrant_snapshots");
      expect(JSON.parse(rule.event_pattern).detail).toMatchObject({ group: ["qdrant-snapshot"], lastStatus: ["STOPPED"] });
      expect(refName(resource(parsed, "aws_cloudwatch_event_target", "qdrant_snapshots").arn, "aws_sns_topic")).toMatch(/^alarms_topic_/);
    });
  });

  it("protects its stateful resources from destroy exactly in production", () => {
    const stateful = [
      resource(parsed, "aws_efs_file_system", "qdrant"),
      resource(parsed, "aws_efs_access_point", "qdrant"),
      resource(parsed, "aws_backup_vault", "qdrant"),
      resource(parsed, "aws_s3_bucket", "qdrant_snapshots"),
      resource(parsed, "aws_secretsmanager_secret", "qdrant"),
      ...resources(parsed, "aws_kms_key").filter(([n]) => n.startsWith("qdrant_")).map(([, k]) => k),
    ];
    expect(stateful).toHaveLength(8);
    stateful.forEach((r) => expect(r.lifecycle?.prevent_destroy ?? false).toBe(stage.production));
  });
});

describe("QdrantService construct", () => {
  const baseProps = (cluster: EcsCluster): QdrantServiceProps => ({
    namePrefix: "t",
    accountId: "123456789012",
    region: "eu-west-1",
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"],
    cluster,
    version: "v1.16.3",
    cpu: 512,
    memoryMiB: 1024,
    efsThroughputMode: "bursting",
    backupRetentionDays: 7,
    snapshotSchedule: "rate(1 day)",
    snapshotRetentionDays: 7,
    logRetentionDays: 7,
    logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
    secretsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/secrets",
    alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:alarms",
  });

  it("admits allowFrom() security groups on 6333 and 6334 only", () => {
    const synth: Synth = JSON.parse(
      Testing.synthScope((scope) => {
        const cluster = new EcsCluster(scope, "cluster", { name: "c" });
        const qdrant = new QdrantService(scope, "qdrant", baseProps(cluster));
        qdrant.allowFrom("sg-web", "Django web tasks");
      }),
    );
    const fromWeb = resources(synth, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.referenced_security_group_id === "sg-web");
    expect(fromWeb.map(([, r]) => [r.from_port, r.to_port, r.ip_protocol]).sort()).toEqual([
      [6333, 6333, "tcp"],
      [6334, 6334, "tcp"],
    ]);
    fromWeb.forEach(([, r]) => expect(r.description).toMatch(/^Django web tasks/));
    const grpc = resources(synth, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.from_port === 6334);
    expect(grpc.map(([, r]) => r.referenced_security_group_id)).toEqual(["sg-web"]);
  });

  it("alarms on burst credits in bursting mode, and pulls from ECR with ECR permissions", () => {
    const synth: Synth = JSON.parse(
      Testing.synthScope((scope) => {
        const cluster = new EcsCluster(scope, "cluster", { name: "c" });
        new QdrantService(scope, "qdrant", {
          ...baseProps(cluster),
          imageRepository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/qdrant/qdrant",
        });
      }),
    );
    const burst = resources(synth, "aws_cloudwatch_metric_alarm").filter(([, a]) => a.metric_name === "BurstCreditBalance");
    expect(burst).toHaveLength(1);
    const exec = JSON.parse(resource(synth, "aws_iam_role_policy", "qdrant_execution-policy").policy);
    expect(exec.Statement.map((s: any) => s.Sid)).toEqual(expect.arrayContaining(["EcrToken", "EcrPull"]));
  });

  it("fails when the version, size or timeouts are invalid, naming the prop and value", () => {
    const make = (edit: Partial<QdrantServiceProps>) => () => {
      const stack = new TerraformStack(testApp(), "s");
      const cluster = new EcsCluster(stack, "cluster", { name: "c" });
      new QdrantService(stack, "qdrant", { ...baseProps(cluster), ...edit });
    };
    expect(make({ version: "latest" })).toThrow('version must be a pinned vX.Y.Z tag (never latest), got "latest"');
    expect(make({ version: "v1.14.1" })).toThrow('version must be v1.15.0 or later (S3 snapshots with the task role), got "v1.14.1"');
    expect(make({ cpu: 512, memoryMiB: 512 })).toThrow("memoryMiB 512 is not a Fargate size with 512 CPU units");
    expect(make({ stopTimeoutSeconds: 300 })).toThrow("stopTimeoutSeconds must be 2-120 (Fargate), got 300");
    expect(make({ subnetIds: [] })).toThrow("subnetIds must list the private subnets, got none");
    expect(make({ snapshotTriggerImage: "curlimages/curl:latest" })).toThrow('triggerImage must be pinned to a version or digest, got "curlimages/curl:latest"');
    expect(make({ posixId: 0 })).toThrow("posixUid must be a non-root POSIX ID (1-4294967294), got 0");
  });
});

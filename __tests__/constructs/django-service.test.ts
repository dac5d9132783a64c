import { TerraformStack } from "cdktf";
import { DjangoService, GUNICORN_PORT, NGINX_PORT, SECRET_KEY_VERSION, ecrRepositoryArn } from "../../constructs/django-service";
import { APP_ROLE_BOOTSTRAP } from "../../constructs/database/app-role";
import { ServiceCluster } from "../../constructs/service-cluster";
import { capacityPlan } from "../../config/capacity";
import { gunicornWorkersFor } from "../../config/sizing";
import { resource, resources, STAGE_NAMES, testApp, validStages } from "../helpers/stages";
import { ARNS, containersOf, webFixtureOf } from "../helpers/web-fixture";
import { contractFor } from "../../config/app-contract";
import { appRateLimitEnvironment } from "../../config/operations";


const byName = (list: Record<string, any>[]) => Object.fromEntries(list.map((e: any) => [e.name, e]));
const arg = (command: string[], flag: string) => command[command.indexOf(flag) + 1];

describe.each(STAGE_NAMES)("web service of %s", (stageName) => {
  const { parsed, stage, web, database, cache, qdrant, loadBalancer } = webFixtureOf(stageName);
  const taskDefinition = resource(parsed, "aws_ecs_task_definition", "web_task-definition");
  const migration = resource(parsed, "aws_ecs_task_definition", "migration-task-definition");
  const containers = byName(containersOf(taskDefinition));
  const [migrate] = containersOf(migration);
  const { django, nginx } = containers;
  const staticFiles = containers["static-files"];
  const workers = stage.web.gunicornWorkers ?? gunicornWorkersFor(stage.web.cpu);
  const webSg = "${aws_security_group.web_security-group_7D897C8C.id}";
  const createdSecretArns = ["${aws_secretsmanager_secret.web_secret-key_86D6D04B.arn}", "${aws_secretsmanager_secret.web_gemini-api-key_6622D830.arn}"];

  it("is a Fargate awsvpc task sized from web.cpu / web.memoryMiB", () => {
    expect(taskDefinition).toMatchObject({
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: String(stage.web.cpu),
      memory: String(stage.web.memoryMiB),
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: stage.web.cpuArchitecture },
    });
    expect(Object.keys(containers).sort()).toEqual(["django", "nginx", "static-files"]);
  });

  it("runs Gunicorn on 127.0.0.1:8000 with WEB_CONCURRENCY workers, threads and timeouts from config", () => {
    const command: string[] = django.command;
    expect(command.slice(0, 2)).toEqual(["gunicorn", stage.web.wsgiApplication]);
    expect(arg(command, "--bind")).toBe(`127.0.0.1:${GUNICORN_PORT}`);
    expect(arg(command, "--workers")).toBe(String(workers));
    expect(byName(django.environment).WEB_CONCURRENCY.value).toBe(String(workers));
    expect(arg(command, "--worker-class")).toBe("gthread");
    expect(arg(command, "--threads")).toBe(String(stage.web.gunicornThreads));
    expect(arg(command, "--max-requests")).toBe(String(stage.web.gunicornMaxRequests));
    expect(arg(command, "--max-requests-jitter")).toBe(String(stage.web.gunicornMaxRequestsJitter));
    expect(command.includes("--preload")).toBe(stage.web.gunicornPreload);
    expect(arg(command, "--timeout")).toBe(String(stage.web.gunicornTimeoutSeconds));
    expect(Number(arg(command, "--graceful-timeout"))).toBeLessThan(stage.web.stopTimeoutSeconds);
    expect(arg(command, "--access-logfile")).toBe("-");
    expect(web.gunicornWorkers).toBe(workers);
  });

  it.each([
    ["django", () => django],
    ["static-files", () => staticFiles],
    ["migration", () => migrate],
  ] as const)("gives the %s container exactly its variables of the contract, each secret in `secrets`", (name, container) => {
    const c = container();
    const contract = contractFor(name);
    const extra = name === "django" ? Object.keys(appRateLimitEnvironment(stage.web.appRateLimits)) : [];
    expect(c.environment.map((e: any) => e.name).sort()).toEqual([...contract.filter((v) => !v.secret).map((v) => v.name), ...extra].sort());
    expect(c.secrets.map((s: any) => s.name).sort()).toEqual(contract.filter((v) => v.secret).map((v) => v.name).sort());
    for (const e of c.environment) expect(e.value).not.toMatch(/secretsmanager|:secret:/);
    expect(nginx.secrets).toBeUndefined();
    expect(nginx.environment.map((e: any) => e.name).sort()).toEqual(["APP_DOMAIN", "APP_SERVER_NAMES", "CLIENT_MAX_BODY_SIZE", "HEALTH_CHECK_PATH", "VPC_CIDR"]);
  });

  it("takes each secret from the right place (DB_PASSWORD, for the migration only: the password key of the RDS-managed secret)", () => {
    const secrets = byName(django.secrets);
    expect(secrets.DB_PASSWORD).toBeUndefined();
    expect(byName(staticFiles.secrets).DB_PASSWORD).toBeUndefined();
    expect(byName(migrate.secrets).DB_PASSWORD.valueFrom).toBe(`${ARNS.dbSecret}:password::`);
    expect(secrets.REDIS_URL.valueFrom).toBe(ARNS.redisUrlSecret);
    expect(secrets.QDRANT_API_KEY.valueFrom).toBe(ARNS.qdrantKeySecret);
    expect(secrets.SECRET_KEY.valueFrom).toBe(createdSecretArns[0]);
    expect(secrets.GEMINI_API_KEY.valueFrom).toBe(createdSecretArns[1]);
  });

  it("gives each container only the secrets its command needs", () => {
    const names = (c: any) => c.secrets.map((s: any) => s.name).sort();
    expect(names(django)).toEqual(["GEMINI_API_KEY", "QDRANT_API_KEY", "REDIS_URL", "SECRET_KEY"]);
    expect(names(staticFiles)).toEqual(["SECRET_KEY"]);
    expect(names(migrate)).toEqual(["DB_PASSWORD", "SECRET_KEY"]);
  });

  it("gives the application its settings contract", () => {
    const env = Object.fromEntries(django.environment.map((e: any) => [e.name, e.value]));
    const hosts = [stage.domain.name, ...stage.domain.subjectAlternativeNames];
    expect(env).toEqual({
      DJANGO_SETTINGS_MODULE: stage.web.djangoSettingsModule,
      DJANGO_ENV: "production",
      DEBUG: "False",
      ALLOWED_HOSTS: hosts.join(","),
      CSRF_TRUSTED_ORIGINS: hosts.map((h) => `https://${h}`).join(","),
      SECURE_SSL_REDIRECT: "True",
      DB_HOST: database.address,
      DB_PORT: "5432",
      DB_NAME: stage.database.databaseName,
      QDRANT_HOST: qdrant.host,
      QDRANT_PORT: "6333",
      QDRANT_COLLECTION_NAME: stage.qdrant.collectionName,
      RAG_EMBEDDING_TYPE: stage.web.ragEmbeddingType,
      RAG_LOCAL_EMBEDDING_MODEL: stage.web.ragLocalEmbeddingModel,
      RAG_VECTOR_DIMENSION: String(stage.web.ragVectorDimension),
      RAG_SIMILARITY_THRESHOLD: String(stage.web.ragSimilarityThreshold),
      GEMINI_MODEL: stage.web.geminiModel,
      CACHE_TTL: String(stage.web.cacheTtlSeconds),
      WEB_CONCURRENCY: String(workers),
      RATE_LIMIT_QUERIES_PER_SESSION_PER_MINUTE: String(stage.web.appRateLimits.queriesPerSessionPerMinute),
      RATE_LIMIT_QUERIES_PER_IP_PER_DAY: String(stage.web.appRateLimits.queriesPerIpPerDay),
      RATE_LIMIT_REDIS_KEY_PREFIX: stage.web.appRateLimits.redisKeyPrefix,
      DB_USER: stage.database.appUsername,
      DB_IAM_AUTH: "True",
      DATABASE_URL: `postgresql://${stage.database.appUsername}@${database.address}:5432/${stage.database.databaseName}?sslmode=require`,
      STATIC_ROOT: stage.web.staticRoot,
      HF_HOME: "/tmp/huggingface",
      VECTOR_DB_URL: `http://${qdrant.host}:6333`,
      SECURE_HSTS_SECONDS: "31536000",
      AWS_STORAGE_BUCKET_NAME: expect.stringMatching(/^\$\{aws_s3_bucket\.web_media_bucket_/),
      AWS_S3_REGION_NAME: stage.region,
    });
    expect(env.ALLOWED_HOSTS).not.toContain("*");
    expect(env.DB_USER).not.toBe(stage.database.masterUsername);
  });

  it("runs every container with a read-only root filesystem, as a non-root user, logging to its own log group", () => {
    for (const c of [django, nginx, staticFiles, migrate]) {
      expect(c.readonlyRootFilesystem).toBe(true);
      expect(c.user).toMatch(/^\d+:\d+$/);
      expect(c.user.split(":").map(Number)).not.toContain(0);
      expect(c.logConfiguration.logDriver).toBe("awslogs");
      expect(c.logConfiguration.options["awslogs-group"]).toMatch(new RegExp(`web_${c.name}-logs_`));
    }
    expect(django.user).toBe(stage.web.containerUser);
    const groups = resources(parsed, "aws_cloudwatch_log_group").filter(([n]) => n.startsWith("web_"));
    expect(groups).toHaveLength(4);
    for (const [, g] of groups) expect(g).toMatchObject({ retention_in_days: stage.logRetentionDays, kms_key_id: ARNS.logsKey });
  });

  it("gives each container only small writable volumes: /tmp, the static files, ECS Exec's agent folders", () => {
    const volumes = taskDefinition.volume.map((v: any) => v.name).sort();
    expect(volumes).toEqual(["app-tmp", "exec-agent-logs", "exec-agent-state", "nginx-tmp", "static", "static-files-tmp"]);
    expect(nginx.mountPoints).toEqual([
      { sourceVolume: "nginx-tmp", containerPath: "/tmp", readOnly: false },
      { sourceVolume: "static", containerPath: "/srv/static", readOnly: true },
    ]);
    expect(staticFiles.mountPoints).toContainEqual({ sourceVolume: "static", containerPath: stage.web.staticRoot, readOnly: false });
    expect(django.mountPoints.map((m: any) => m.containerPath).sort()).toEqual(["/tmp", "/var/lib/amazon", "/var/log/amazon"]);
  });

  it("health-checks the long-running containers; nginx starts after collectstatic succeeded and Django is healthy", () => {
    expect(django.healthCheck.command.slice(0, 3)).toEqual(["CMD", "python", "-c"]);
    const probe: string = django.healthCheck.command[3];
    expect(probe).toContain(`HTTPConnection('127.0.0.1',${GUNICORN_PORT}`);
    expect(probe).toContain(`'GET','${stage.web.healthCheck.path}'`);
    expect(probe).toContain(`'Host':'${stage.domain.name}'`);
    expect(nginx.healthCheck.command).toEqual(["CMD", "curl", "-fsS", `http://127.0.0.1:${NGINX_PORT}/nginx-health`]);
    expect(staticFiles).toMatchObject({ essential: false, command: ["python", "manage.py", "collectstatic", "--noinput"] });
    expect(staticFiles.healthCheck).toBeUndefined();
    expect(nginx.dependsOn).toEqual([
      { containerName: "static-files", condition: "SUCCESS" },
      { containerName: "django", condition: "HEALTHY" },
    ]);
    for (const c of [django, nginx]) expect(c).toMatchObject({ essential: true, stopTimeout: stage.web.stopTimeoutSeconds });
  });

  it("wires the ports: target group 8080 -> nginx 8080 -> Gunicorn on loopback 8000", () => {
    const targetGroup = resource(parsed, "aws_lb_target_group", "web_");
    expect(targetGroup).toMatchObject({ target_type: "ip", protocol: "HTTP", port: NGINX_PORT });
    const service = resource(parsed, "aws_ecs_service", "web_");
    expect(service.load_balancer).toEqual([
      { target_group_arn: "${aws_lb_target_group.web_target-group_00CECBCF.arn}", container_name: "nginx", container_port: NGINX_PORT },
    ]);
    // The pushed image: the task definition changes exactly when nginx/ does, after the push.
    expect(nginx.image).toBe("${docker_registry_image.nginx-image_registry-image_2D211BF7.name}");
    expect(nginx.portMappings).toEqual([{ containerPort: NGINX_PORT, protocol: "tcp" }]);
    expect(django.portMappings).toBeUndefined();
    expect(arg(django.command, "--bind")).toBe("127.0.0.1:8000");
    expect(loadBalancer.attached).toHaveLength(1);
    expect(loadBalancer.attached[0].targetGroup).toBe(web.targetGroup);
    expect(loadBalancer.attached[0].options.port).toBe(NGINX_PORT);
    const fromAlb = resources(parsed, "aws_vpc_security_group_ingress_rule").filter(([n]) => n.startsWith("edge_to-target"));
    expect(fromAlb.map(([, r]) => [r.security_group_id, r.from_port, r.to_port])).toEqual([[webSg, NGINX_PORT, NGINX_PORT]]);
  });

  it("health-checks targets on the Django path through nginx, thresholds and draining from config", () => {
    const targetGroup = resource(parsed, "aws_lb_target_group", "web_");
    const hc = stage.web.healthCheck;
    expect(targetGroup.health_check).toMatchObject({
      path: hc.path, port: "traffic-port", protocol: "HTTP", matcher: "200",
      interval: hc.intervalSeconds, timeout: hc.timeoutSeconds, healthy_threshold: hc.healthyThreshold, unhealthy_threshold: hc.unhealthyThreshold,
    });
    expect(targetGroup.deregistration_delay).toBe(String(stage.web.deregistrationDelaySeconds));
  });

  it("runs the service in private subnets, no public IP, with safe deploys and ECS Exec", () => {
    const service = resource(parsed, "aws_ecs_service", "web_");
    expect(service).toMatchObject({
      launch_type: "FARGATE",
      desired_count: stage.web.desiredCount,
      network_configuration: { subnets: ["subnet-a", "subnet-b"], security_groups: [webSg], assign_public_ip: false },
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      health_check_grace_period_seconds: stage.web.healthCheckGracePeriodSeconds,
      enable_execute_command: true,
      availability_zone_rebalancing: "ENABLED",
      lifecycle: { ignore_changes: ["desired_count"] },
      depends_on: ["aws_lb_listener.edge_https_20BF3E4B"],
    });
    expect(service.task_definition).toBe("${aws_ecs_task_definition.web_task-definition_5F540415.arn}");
  });

  it("scales on CPU and on requests per target between web.minTasks and web.maxTasks", () => {
    expect(resource(parsed, "aws_appautoscaling_target", "web_")).toMatchObject({
      min_capacity: stage.web.minTasks, max_capacity: stage.web.maxTasks,
      scalable_dimension: "ecs:service:DesiredCount", service_namespace: "ecs",
    });
    const policies = Object.fromEntries(
      resources(parsed, "aws_appautoscaling_policy")
        .filter(([, p]) => p.policy_type === "TargetTrackingScaling")
        .map(([, p]) => [p.target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type, p]),
    );
    const cooldowns = { scale_in_cooldown: stage.web.scaleInCooldownSeconds, scale_out_cooldown: stage.web.scaleOutCooldownSeconds };
    expect(policies.ECSServiceAverageCPUUtilization.target_tracking_scaling_policy_configuration).toMatchObject({ target_value: stage.web.cpuTargetPercent, ...cooldowns });
    expect(policies.ALBRequestCountPerTarget.target_tracking_scaling_policy_configuration).toMatchObject({
      // slots / mean answer time × 60 s × 70 % slot utilization: 16 / 3.5 × 60 × 0.7 = 192 (staging), 24 / 3.5 × 60 × 0.7 = 288
      // A stage added in config has no hand-computed value here: it gets the capacity model's.
      target_value: ({ staging: 192, production: 288 } as Record<string, number>)[stageName] ?? capacityPlan(stage.web).requestsPerTargetPerMinute,
      ...cooldowns,
      predefined_metric_specification: { resource_label: "app/faq/0123456789abcdef/${aws_lb_target_group.web_target-group_00CECBCF.arn_suffix}" },
    });
  });

  it("lets the execution role read exactly the four web secrets (not the master password), decrypt them, pull the two images and write its log groups", () => {
    const policy = JSON.parse(resource(parsed, "aws_iam_role_policy", "web_execution-policy").policy);
    const statements = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
    expect(Object.keys(statements).sort()).toEqual(["DecryptSecrets", "EcrToken", "PullImages", "ReadSecrets", "WriteLogs"]);
    expect([...statements.ReadSecrets.Resource].sort()).toEqual([...createdSecretArns, ARNS.redisUrlSecret, ARNS.qdrantKeySecret].sort());
    expect(statements.ReadSecrets.Action).toBe("secretsmanager:GetSecretValue");
    expect(statements.DecryptSecrets).toMatchObject({ Action: "kms:Decrypt", Resource: [ARNS.secretsKey] });
    expect(statements.PullImages.Resource).toEqual([ecrRepositoryArn(stage.appImage.repository), "${aws_ecr_repository.nginx-image_repository_EE2C5F7F.arn}"]);
    expect(statements.WriteLogs.Resource).toHaveLength(4);
    for (const s of policy.Statement) expect(s.Effect).toBe("Allow");
  });

  it("gives the task role a login as the app role (IAM), ECS Exec's channel and session log only", () => {
    const policy = JSON.parse(resource(parsed, "aws_iam_role_policy", "web_task-policy").policy);
    const actions = policy.Statement.flatMap((s: any) => [s.Action].flat());
    expect(actions.filter((a: string) => !a.startsWith("ssmmessages:")).sort()).toEqual([
      "kms:Decrypt", "kms:Decrypt", "kms:GenerateDataKey", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents",
      "rds-db:connect", "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject",
    ]);
    const media = policy.Statement.filter((s: any) => s.Sid.startsWith("Media"));
    for (const s of media) expect([s.Resource].flat().join()).toMatch(/aws_(s3_bucket\.web_media_bucket|kms_key\.web_media-key)/);
    expect(policy.Statement.find((s: any) => s.Action === "rds-db:connect").Resource).toBe(database.appConnectArn);
    expect(database.appConnectArn).toMatch(new RegExp(`:dbuser:[^/]+/${stage.database.appUsername}$`));
    expect(policy.Statement.find((s: any) => s.Sid === "ExecSessionLogs").Resource).toBe("${aws_cloudwatch_log_group.cluster_exec-logs_E9B630B6.arn}:*");
    expect(resource(parsed, "aws_ecs_task_definition", "web_task-definition").task_role_arn).toBe("${aws_iam_role.web_task-role_6E209270.arn}");
  });

  it("creates SECRET_KEY generated and GEMINI_API_KEY empty, both with the secrets key", () => {
    const secrets = resources(parsed, "aws_secretsmanager_secret").map(([, s]) => s);
    expect(secrets.map((s) => s.name).sort()).toEqual([`${stage.namePrefix}/web/gemini-api-key`, `${stage.namePrefix}/web/secret-key`]);
    for (const s of secrets) {
      expect(s.kms_key_id).toBe(ARNS.secretsKey);
      expect(s.lifecycle?.prevent_destroy ?? false).toBe(stage.production);
    }
    const versions = resources(parsed, "aws_secretsmanager_secret_version").map(([, v]) => v);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ secret_id: "${aws_secretsmanager_secret.web_secret-key_86D6D04B.id}", secret_string_wo_version: SECRET_KEY_VERSION });
    expect(versions[0].secret_string).toBeUndefined();
    expect(versions[0].secret_string_wo).toMatch(/^\$\{ephemeral\.aws_secretsmanager_random_password\.secret-key-value_[^.]+\.random_password\}$/);
  });

  it("admits only what it must: no ingress of its own; out to the data stores, Qdrant and HTTPS", () => {
    // Its only ingress is the load balancer's, on nginx's port (created by attachTargetGroup).
    const ingress = resources(parsed, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.security_group_id === webSg);
    expect(ingress.map(([, r]) => [r.referenced_security_group_id, r.from_port, r.cidr_ipv4])).toEqual([["sg-alb", NGINX_PORT, undefined]]);
    const egress = resources(parsed, "aws_vpc_security_group_egress_rule").map(([, r]) => r);
    egress.forEach((r) => expect(r.security_group_id).toBe(webSg));
    expect(egress.map((r) => [r.from_port, r.referenced_security_group_id ?? r.cidr_ipv4]).sort()).toEqual(
      [
        [443, "0.0.0.0/0"],
        [5432, "${aws_security_group.database_sg_18332A00.id}"],
        [6333, "${aws_security_group.qdrant_sg_50375B6D.id}"],
        [6334, "${aws_security_group.qdrant_sg_50375B6D.id}"],
        [6379, "${aws_security_group.cache_sg_752835DD.id}"],
      ].sort(),
    );
    for (const store of [database, cache, qdrant]) expect(store.admitted.map((a) => a.description)).toEqual(["web tasks"]);
    const admitted = resources(parsed, "aws_vpc_security_group_ingress_rule").filter(([n]) => /^(database|cache|qdrant)_from/.test(n));
    expect(admitted.map(([, r]) => [r.from_port, r.referenced_security_group_id]).sort()).toEqual([
      [5432, webSg], [6333, webSg], [6334, webSg], [6379, webSg],
    ].sort());
  });

  it("has a migration task: same image and settings, the master user, creates the app role then `migrate --noinput`, no nginx", () => {
    expect(containersOf(migration)).toHaveLength(1);
    expect(migrate).toMatchObject({ name: "migrate", image: django.image, command: ["python", "-c", APP_ROLE_BOOTSTRAP] });
    const env = byName(migrate.environment);
    expect(env.DB_USER.value).toBe(stage.database.masterUsername);
    expect(env.DB_APP_USER.value).toBe(stage.database.appUsername);
    expect(env.DB_IAM_AUTH).toBeUndefined();
    expect(env.DATABASE_URL.value).toBe(`postgresql://${stage.database.masterUsername}@${database.address}:5432/${stage.database.databaseName}?sslmode=require`);
    expect(django.image).toBe(`${stage.appImage.repository}:${stage.appImage.tag}`);
    expect(migration).toMatchObject({ family: `${stage.namePrefix}-migrate`, network_mode: "awsvpc" });
    expect(migration.task_role_arn).toBeUndefined();
  });

  it("gives the migration its own execution role, the only one that reads the master secret", () => {
    const migration = resource(parsed, "aws_ecs_task_definition", "migration-task-definition");
    expect(migration.execution_role_arn).toBe("${aws_iam_role.web_migration-execution-role_" + migration.execution_role_arn.split("_").pop());
    expect(migration.execution_role_arn).not.toBe(taskDefinition.execution_role_arn);
    const policy = JSON.parse(resource(parsed, "aws_iam_role_policy", "web_migration-execution-policy").policy);
    const statements = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
    expect([...statements.ReadSecrets.Resource].sort()).toEqual([createdSecretArns[0], ARNS.dbSecret].sort());
    expect(statements.PullImages.Resource).toEqual([ecrRepositoryArn(stage.appImage.repository)]);
    expect(statements.WriteLogs.Resource).toMatch(/^\$\{aws_cloudwatch_log_group\.web_migrate-logs_[^.]+\.arn\}:\*$/);
    expect(parsed.output.migration_network_configuration.value).toEqual({
      awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: [webSg], assignPublicIp: "DISABLED" },
    });
    expect(parsed.output.migration_task_definition_arn.value).toBe("${aws_ecs_task_definition.web_migration-task-definition_B7C604DC.arn}");
  });
});

describe("DjangoService construct", () => {
  const stage = validStages()[0];
  const build = (edit: (p: any) => void) => () => {
    const stack = new TerraformStack(testApp(), "s");
    const { web } = webFixtureOf(stage.name);
    const props: any = {
      namePrefix: "t", region: "eu-west-1", web: { ...stage.web }, appImage: stage.appImage, nginxImageUri: "x:y", nginxRepositoryArn: "arn",
      domainName: "faq.example.com", vpcId: "vpc", vpcCidr: "10.0.0.0/16", subnetIds: ["s"],
      cluster: new ServiceCluster(stack, "c", { namePrefix: "t", logRetentionDays: 7, logsKmsKeyArn: "k" }),
      logsKmsKeyArn: "k", logRetentionDays: 7, secretsKmsKeyArn: "k",
      database: stub(), cache: stub(), qdrant: stub(), qdrantCollectionName: "faq",
      loadBalancer: { attachTargetGroup: () => undefined, httpsListener: web.service }, loadBalancerArnSuffix: "app/x/y",
    };
    edit(props);
    new DjangoService(stack, "web", props);
  };
  const stub = () => ({ securityGroup: { id: "sg" }, allowFrom: () => undefined, address: "h", port: 1, httpPort: 1, grpcPort: 2, host: "h" });

  it("builds with the stand-ins", () => expect(build(() => undefined)).not.toThrow());

  it("fails when the app image is not in ECR, naming the prop and value", () => {
    expect(build((p) => (p.appImage = { repository: "docker.io/library/django", tag: "1" }))).toThrow(
      'DjangoService web: appImage.repository must be an ECR repository URI (<account>.dkr.ecr.<region>.amazonaws.com/<name>) so the execution role can be limited to it, got "docker.io/library/django"',
    );
  });

  it("fails when cpu and memory are not a Fargate size, showing the allowed values", () => {
    expect(build((p) => (p.web.memoryMiB = 3000))).toThrow(
      "DjangoService web: web.memoryMiB 3000 is not a Fargate size with 512 CPU units (0.5 vCPU): memory must be 1024, 2048, 3072, 4096 MiB",
    );
  });

  it("fails when there are no subnets", () => {
    expect(build((p) => (p.subnetIds = []))).toThrow("DjangoService web: subnetIds must list at least one subnet, got none");
  });

  it("derives the ECR repository ARN from the image URI", () => {
    expect(ecrRepositoryArn("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/django-faq")).toBe("arn:aws:ecr:eu-west-1:123456789012:repository/team/django-faq");
    expect(ecrRepositoryArn("ghcr.io/x/y")).toBeUndefined();
  });
});

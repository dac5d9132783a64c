/**
 * The web service as wired in each stage: the real data tier, edge and Qdrant
 * constructs, not the stand-ins of the construct-level tests.
 */
import * as fs from "fs";
import { resource, resources, synthStage, STAGE_NAMES, validStages } from "../helpers/stages";
import { renderSidecar, type SidecarEnv } from "../helpers/nginx";
import { WAF_BODY_INSPECTION_BYTES } from "../../constructs/web-application-firewall";

const WEB_SG = "${aws_security_group.web_security-group_7D897C8C.id}";

describe.each(STAGE_NAMES)("web service wiring of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const { parsed } = synthStage(stageName);
  const task = resource(parsed, "aws_ecs_task_definition", "web_task-definition");
  const containers: any[] = JSON.parse(task.container_definitions);
  const django = containers.find((c) => c.name === "django");
  const nginx = containers.find((c) => c.name === "nginx");

  it("injects the real secrets of every tier, and reads exactly those in the execution role", () => {
    const secrets = Object.fromEntries(django.secrets.map((s: any) => [s.name, s.valueFrom]));
    expect(secrets).toEqual({
      SECRET_KEY: "${aws_secretsmanager_secret.web_secret-key_86D6D04B.arn}",
      REDIS_URL: "${aws_secretsmanager_secret.cache_url-secret_9F2448D4.arn}",
      GEMINI_API_KEY: "${aws_secretsmanager_secret.web_gemini-api-key_6622D830.arn}",
      QDRANT_API_KEY: "${aws_secretsmanager_secret.qdrant_api-key_54F9F446.arn}",
    });
    const policy = JSON.parse(resource(parsed, "aws_iam_role_policy", "web_execution-policy").policy);
    const read = policy.Statement.find((s: any) => s.Action === "secretsmanager:GetSecretValue");
    expect([...read.Resource].sort()).toEqual(Object.values(secrets).map((v) => String(v).replace(/:password::$/, "")).sort());
    const decrypt = policy.Statement.find((s: any) => s.Action === "kms:Decrypt");
    expect(decrypt.Resource).toEqual(["${aws_kms_key.secrets-key_83928A38.arn}"]);
  });

  it("gives the master password to the migration task alone, and the app role's IAM login to the web task role", () => {
    const migration = JSON.parse(resource(parsed, "aws_ecs_task_definition", "migration-task-definition").container_definitions)[0];
    expect(migration.secrets).toContainEqual({
      name: "DB_PASSWORD",
      valueFrom: "${aws_db_instance.database_instance_D7FC2283.master_user_secret[0].secret_arn}:password::",
    });
    const masterSecret = "${aws_db_instance.database_instance_D7FC2283.master_user_secret[0].secret_arn}";
    const readers = resources(parsed, "aws_iam_role_policy")
      .filter(([, p]) => JSON.parse(p.policy).Statement.some((s: any) => [s.Resource].flat().includes(masterSecret)))
      .map(([name]) => name);
    expect(readers).toEqual([expect.stringMatching(/^web_migration-execution-policy_/)]);
    const task = JSON.parse(resource(parsed, "aws_iam_role_policy", "web_task-policy").policy);
    expect(task.Statement.find((s: any) => s.Action === "rds-db:connect").Resource).toBe(
      `arn:aws:rds-db:${stage.region}:\${data.aws_caller_identity.identity.account_id}:dbuser:\${aws_db_instance.database_instance_D7FC2283.resource_id}/${stage.database.appUsername}`,
    );
    expect(resource(parsed, "aws_db_instance", "database_instance").iam_database_authentication_enabled).toBe(true);
  });

  it("points the app at the real database, Qdrant and domain", () => {
    const env = Object.fromEntries(django.environment.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      DB_HOST: "${aws_db_instance.database_instance_D7FC2283.address}",
      DB_PORT: "5432",
      DB_NAME: stage.database.databaseName,
      DB_USER: stage.database.appUsername,
      DB_IAM_AUTH: "True",
      QDRANT_HOST: `qdrant.${stage.namePrefix}.internal`,
      QDRANT_PORT: "6333",
      QDRANT_COLLECTION_NAME: stage.qdrant.collectionName,
      CSRF_TRUSTED_ORIGINS: expect.stringContaining(`https://${stage.domain.name}`),
    });
    // The app never connects as the master user, in any stage (the schema also refuses appUsername = masterUsername).
    expect(env.DB_USER).not.toBe(stage.database.masterUsername);
    expect(Object.fromEntries(nginx.environment.map((e: any) => [e.name, e.value]))).toEqual({
      APP_DOMAIN: stage.domain.name,
      APP_SERVER_NAMES: [stage.domain.name, ...stage.domain.subjectAlternativeNames].join(" "),
      CLIENT_MAX_BODY_SIZE: `${stage.web.maxRequestBodyMiB}m`,
      VPC_CIDR: stage.network.vpcCidr,
      HEALTH_CHECK_PATH: stage.web.healthCheck.path,
    });
  });

  it("points VECTOR_DB_URL and QDRANT_* at Qdrant's service-discovery name and the port its container listens on", () => {
    const env = Object.fromEntries(django.environment.map((e: any) => [e.name, e.value]));
    const discovery = resources(parsed, "aws_service_discovery_service")[0][1];
    const namespace = resources(parsed, "aws_service_discovery_private_dns_namespace")[0][1];
    expect(env.QDRANT_HOST).toBe(`${discovery.name}.${namespace.name}`);
    const qdrantTask = resource(parsed, "aws_ecs_task_definition", "qdrant_task_");
    const qdrantPorts = JSON.parse(qdrantTask.container_definitions).flatMap((c: any) => (c.portMappings ?? []).map((p: any) => p.containerPort));
    expect(qdrantPorts).toContain(Number(env.QDRANT_PORT));
    // No TLS on Qdrant's port inside the VPC (the API key travels in the private subnets only): http.
    expect(env.VECTOR_DB_URL).toBe(`http://${env.QDRANT_HOST}:${env.QDRANT_PORT}`);
  });

  it("uses one list of public names for the certificate, the DNS alias records, ALLOWED_HOSTS, CSRF and nginx", () => {
    const cert = resources(parsed, "aws_acm_certificate")[0][1];
    const names = [cert.domain_name, ...(cert.subject_alternative_names ?? [])];
    expect(names).toEqual([stage.domain.name, ...stage.domain.subjectAlternativeNames]);
    const aliasNames = [...new Set(resources(parsed, "aws_route53_record").filter(([, r]) => r.alias).map(([, r]) => r.name))];
    expect(aliasNames).toEqual(names);
    const env = Object.fromEntries([...django.environment, ...nginx.environment].map((e: any) => [e.name, e.value]));
    expect(env.ALLOWED_HOSTS.split(",")).toEqual(names);
    expect(env.CSRF_TRUSTED_ORIGINS.split(",")).toEqual(names.map((n) => `https://${n}`));
    expect(env.APP_SERVER_NAMES.split(" ")).toEqual(names);
  });

  it("lets the WAF pass every body nginx accepts: one limit, read by both", () => {
    // nginx's limit as its rendered config says it, in bytes.
    const env = Object.fromEntries(nginx.environment.map((e: any) => [e.name, e.value]));
    const sidecar = renderSidecar(env as unknown as SidecarEnv, 8080, 8000);
    try {
      const conf = sidecar.files.map((f) => f.production).join("\n");
      const sizes = [...conf.matchAll(/client_max_body_size\s+(\d+)([kKmM]?);/g)];
      expect(sizes).toHaveLength(1);
      const unit = { "": 1, k: 1024, m: 1024 * 1024 }[sizes[0][2].toLowerCase() as "" | "k" | "m"];
      const nginxBytes = Number(sizes[0][1]) * unit;
      expect(nginxBytes).toBe(stage.web.maxRequestBodyMiB * 1024 * 1024);
      const acl = resources(parsed, "aws_wafv2_web_acl")[0][1];
      const common = acl.rule.find((r: any) => r.name === "AWSManagedRulesCommonRuleSet").statement.managed_rule_group_statement;
      const overrides = common.rule_action_override ?? [];
      if (nginxBytes > WAF_BODY_INSPECTION_BYTES) {
        expect(overrides).toEqual([{ name: "SizeRestrictions_BODY", action_to_use: { count: {} } }]);
      } else {
        expect(overrides).toEqual([]);
      }
    } finally {
      fs.rmSync(sidecar.prefix, { recursive: true, force: true });
    }
  });

  it("wires load balancer -> nginx :8080 -> Gunicorn 127.0.0.1:8000, and admits only the ALB to the tasks", () => {
    const tg = resource(parsed, "aws_lb_target_group", "web_target-group");
    expect(tg).toMatchObject({ port: 8080, target_type: "ip", protocol: "HTTP" });
    expect(tg.health_check.path).toBe(stage.web.healthCheck.path);
    expect(nginx.portMappings).toEqual([expect.objectContaining({ containerPort: 8080 })]);
    expect(django.command.join(" ")).toContain("127.0.0.1:8000");
    const service = resource(parsed, "aws_ecs_service", "web_service");
    expect(service.load_balancer).toEqual([expect.objectContaining({ container_name: "nginx", container_port: 8080 })]);
    expect(service.network_configuration.assign_public_ip).toBe(false);
    const webIngress = resources(parsed, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.security_group_id === WEB_SG);
    expect(webIngress.map(([, r]) => [r.from_port, r.to_port, r.referenced_security_group_id])).toEqual([
      [8080, 8080, "${aws_security_group.edge_security-group_93375912.id}"],
    ]);
  });

  it("grants the tasks the database, Redis and Qdrant ports, from their security group only", () => {
    const fromWeb = resources(parsed, "aws_vpc_security_group_ingress_rule")
      .filter(([, r]) => r.referenced_security_group_id === WEB_SG)
      .map(([, r]) => r.from_port)
      .sort();
    expect(fromWeb).toEqual([5432, 6333, 6334, 6379]);
  });
});

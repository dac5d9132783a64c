/**
 * One stage of the platform: the same class for every stage, given that stage's
 * validated config. Composes the constructs, wires them through their public
 * fields, and declares the stage's outputs.
 *
 * @example
 * for (const stage of loadStages(stages, process.env)) new StageStack(app, stage.name, { stage });
 */
import { Construct } from "constructs";
import { S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import type { Stage } from "../config/load";
import { zoneIdsOf } from "../config/zones";
import { AlarmTopic } from "../constructs/alarm-topic";
import { AppLogAlarms } from "../constructs/app-log-alarms";
import { CostBudget } from "../constructs/cost-budget";
import type { DataStoreProps } from "../constructs/data-store";
import { DatabaseBackup } from "../constructs/database-backup";
import { DeploymentEvents } from "../constructs/deployment-events";
import { DjangoService } from "../constructs/django-service";
import { EncryptionKey } from "../constructs/encryption-key";
import { HttpsLoadBalancer } from "../constructs/https-load-balancer";
import { Network } from "../constructs/network";
import { NginxImage } from "../constructs/nginx-image";
import { PostgresDatabase } from "../constructs/postgres-database";
import { QdrantRestoreDrill } from "../constructs/qdrant-restore-drill";
import { QdrantService } from "../constructs/qdrant-service";
import { RedisCache } from "../constructs/redis-cache";
import { RestoreTesting } from "../constructs/restore-testing";
import { alarmName, DEPLOYMENT_ALARM_KEYS, ServiceAlarms } from "../constructs/service-alarms";
import { ServiceCluster } from "../constructs/service-cluster";
import { ServiceDashboard } from "../constructs/service-dashboard";
import { WebApplicationFirewall } from "../constructs/web-application-firewall";
import { stateKeyAlias } from "../constructs/state-bucket-key";
import { TERRAFORM_REQUIRED_VERSION } from "./terraform-version";

/** Project name in tags and descriptions. */
export const PROJECT = "django-faq";

export interface StageStackProps {
  /** The validated stage configuration. */
  readonly stage: Stage;
}

export class StageStack extends TerraformStack {
  /** The stage this stack was built from. */
  public readonly stage: Stage;
  /** Key encrypting the stage's CloudWatch log groups. */
  public readonly logsKey: EncryptionKey;
  /** Key encrypting every Secrets Manager secret of the stage (the execution role may decrypt it). */
  public readonly secretsKey: EncryptionKey;
  /** VPC and subnets. */
  public readonly network: Network;
  /** ECS cluster shared by the web service and Qdrant. */
  public readonly cluster: ServiceCluster;
  /** SNS topic every alarm of the stage publishes to. */
  public readonly alarmTopic: AlarmTopic;
  // --- data tier fields ---
  /** RDS PostgreSQL 15 in the isolated subnets (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD). */
  public readonly database: PostgresDatabase;
  /** ElastiCache Redis in the isolated subnets (REDIS_URL from `cache.urlSecretArn`). */
  public readonly cache: RedisCache;

  // --- edge fields ---
  /** Internet-facing load balancer, listeners, certificate, DNS; services attach with `edge.attachTargetGroup`. */
  public readonly edge: HttpsLoadBalancer;
  /** WAF web ACL associated with the load balancer. */
  public readonly waf: WebApplicationFirewall;

  // --- qdrant fields ---
  /** Qdrant: one ECS task on EFS, reachable as `qdrant.<namespace>`, backed up and snapshotted. */
  public readonly qdrant: QdrantService;

  // --- web service fields ---
  /** The nginx sidecar's ECR repository and the image built from nginx/. */
  public readonly nginxImage: NginxImage;
  /** The Django web service: task and migration task definitions, service, autoscaling, roles, secrets. */
  public readonly web: DjangoService;
  /** The stage's alarms, dashboard and monthly cost budget. */
  public readonly monitoring: { readonly alarms: ServiceAlarms; readonly dashboard: ServiceDashboard; readonly budget: CostBudget };
  /** Restore drills and the operational alarms: AWS Backup restore testing, the Qdrant drill, app log alarms, deployment events, the daily budget. */
  public readonly operations: {
    readonly databaseBackup: DatabaseBackup;
    readonly restoreTesting: RestoreTesting;
    readonly qdrantRestoreDrill: QdrantRestoreDrill;
    readonly appLogAlarms: AppLogAlarms;
    readonly deploymentEvents: DeploymentEvents;
    readonly dailyBudget: CostBudget;
  };

  constructor(scope: Construct, id: string, props: StageStackProps) {
    super(scope, id);
    const stage = props.stage;
    this.stage = stage;

    new AwsProvider(this, "aws", {
      region: stage.region,
      defaultTags: [{ tags: { Project: PROJECT, Stage: stage.name, ManagedBy: "cdktf" } }],
    });

    // Remote state: one key per stage, encrypted, locked with S3-native lock files.
    new S3Backend(this, {
      bucket: stage.state.bucket,
      key: stage.state.key,
      region: stage.state.region,
      encrypt: true,
      // The bucket's own key (state-bootstrap stack); without it the S3 backend would ask for SSE-S3.
      kmsKeyId: stateKeyAlias(stage.state.bucket),
    });
    // cdktf 0.21's S3BackendConfig has no use_lockfile (Terraform >= 1.10): set it directly.
    this.addOverride("terraform.backend.s3.use_lockfile", true);
    // >= 1.11: the generated secrets reach Secrets Manager through write-only arguments fed by ephemeral resources.
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);

    const identity = new DataAwsCallerIdentity(this, "identity");
    const accountId = identity.accountId;

    this.logsKey = new EncryptionKey(this, "logs-key", {
      alias: `${stage.namePrefix}-logs`,
      description: `CloudWatch Logs of ${stage.namePrefix}`,
      accountId,
      region: stage.region,
      allowCloudWatchLogs: true,
      preventDestroy: stage.production,
    });

    this.secretsKey = new EncryptionKey(this, "secrets-key", {
      alias: `${stage.namePrefix}-secrets`,
      description: `Secrets Manager secrets of ${stage.namePrefix}`,
      accountId,
      region: stage.region,
      preventDestroy: stage.production,
    });

    this.network = new Network(this, "network", {
      namePrefix: stage.namePrefix,
      region: stage.region,
      accountId,
      vpcCidr: stage.network.vpcCidr,
      availabilityZoneIds: zoneIdsOf(stage.region, stage.network),
      natGateways: stage.network.natGateways,
      interfaceEndpoints: stage.network.interfaceEndpoints,
      ipv6: stage.edge.ipv6,
      logRetentionDays: stage.logRetentionDays,
      logsKmsKeyArn: this.logsKey.key.arn,
    });

    this.cluster = new ServiceCluster(this, "cluster", {
      namePrefix: stage.namePrefix,
      logRetentionDays: stage.logRetentionDays,
      logsKmsKeyArn: this.logsKey.key.arn,
    });

    this.alarmTopic = new AlarmTopic(this, "alarms", {
      namePrefix: stage.namePrefix,
      accountId,
      region: stage.region,
      email: stage.operations.alarmEmail,
    });

    // --- data tier ---
    // Where both data stores live, and the stage keys for their secrets and logs.
    const dataStore: DataStoreProps = {
      namePrefix: stage.namePrefix,
      accountId,
      region: stage.region,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.isolatedSubnets.map((s) => s.id),
      secretsKmsKeyArn: this.secretsKey.key.arn,
      logsKmsKeyArn: this.logsKey.key.arn,
      logRetentionDays: stage.logRetentionDays,
    };
    this.database = new PostgresDatabase(this, "database", { ...dataStore, ...stage.database, preventDestroy: stage.production });
    this.cache = new RedisCache(this, "cache", { ...dataStore, ...stage.cache, preventDestroy: stage.production });

    // --- edge ---
    this.edge = new HttpsLoadBalancer(this, "edge", {
      namePrefix: stage.namePrefix,
      accountId,
      region: stage.region,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.publicSubnets.map((s) => s.id),
      domainName: stage.domain.name,
      hostedZoneId: stage.domain.hostedZoneId,
      certificateArn: stage.domain.certificateArn,
      subjectAlternativeNames: stage.domain.subjectAlternativeNames,
      sslPolicy: stage.edge.sslPolicy,
      idleTimeoutSeconds: stage.edge.idleTimeoutSeconds,
      deletionProtection: stage.edge.deletionProtection,
      ipv6: stage.edge.ipv6,
      accessLogExpirationDays: stage.edge.accessLogExpirationDays,
      preventDestroy: stage.production,
    });
    this.waf = new WebApplicationFirewall(this, "waf", {
      namePrefix: stage.namePrefix,
      accountId,
      region: stage.region,
      resourceArn: this.edge.loadBalancer.arn,
      rateLimitPer5Minutes: stage.edge.wafRateLimitPer5Minutes,
      queryRateLimit: stage.edge.wafQueryRateLimit,
      rateLimitAllowlistCidrs: stage.edge.wafRateLimitAllowlistCidrs,
      // One value for nginx's client_max_body_size and the WAF's body-size rule.
      maxRequestBodyBytes: stage.web.maxRequestBodyMiB * 1024 * 1024,
      logRetentionDays: stage.logRetentionDays,
      logsKmsKeyArn: this.logsKey.key.arn,
    });

    // --- qdrant ---
    this.qdrant = new QdrantService(this, "qdrant", {
      namePrefix: stage.namePrefix,
      accountId,
      region: stage.region,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.privateSubnets.map((s) => s.id),
      cluster: this.cluster.cluster,
      version: stage.qdrant.version,
      cpu: stage.qdrant.cpu,
      memoryMiB: stage.qdrant.memoryMiB,
      efsThroughputMode: stage.qdrant.efsThroughputMode,
      backupRetentionDays: stage.qdrant.backupRetentionDays,
      snapshotSchedule: stage.qdrant.snapshotSchedule,
      snapshotRetentionDays: stage.qdrant.snapshotRetentionDays,
      snapshotCollectionNames: [stage.qdrant.collectionName],
      logRetentionDays: stage.logRetentionDays,
      logsKmsKeyArn: this.logsKey.key.arn,
      secretsKmsKeyArn: this.secretsKey.key.arn,
      alarmTopicArn: this.alarmTopic.topic.arn,
      preventDestroy: stage.production,
    });

    // --- web service ---
    this.nginxImage = new NginxImage(this, "nginx-image", {
      repositoryName: `${stage.namePrefix}-nginx`,
      imagesRetained: stage.web.nginxImagesRetained,
      platform: stage.web.cpuArchitecture === "ARM64" ? "linux/arm64" : "linux/amd64",
      preventDestroy: stage.production,
    });

    this.web = new DjangoService(this, "web", {
      namePrefix: stage.namePrefix,
      deploymentAlarmNames: DEPLOYMENT_ALARM_KEYS.map((key) => alarmName(stage.namePrefix, key)),
      region: stage.region,
      accountId,
      web: stage.web,
      appImage: stage.appImage,
      nginxImageUri: this.nginxImage.imageUri,
      nginxRepositoryArn: this.nginxImage.repository.arn,
      domainName: stage.domain.name,
      alternativeDomainNames: stage.domain.subjectAlternativeNames,
      vpcId: this.network.vpc.id,
      vpcCidr: stage.network.vpcCidr,
      subnetIds: this.network.privateSubnets.map((s) => s.id),
      cluster: this.cluster,
      logsKmsKeyArn: this.logsKey.key.arn,
      logRetentionDays: stage.logRetentionDays,
      // The RDS-managed master secret is encrypted with the stage secrets key too (PostgresDatabase).
      secretsKmsKeyArn: this.secretsKey.key.arn,
      database: this.database,
      cache: this.cache,
      qdrant: this.qdrant,
      qdrantCollectionName: stage.qdrant.collectionName,
      loadBalancer: this.edge,
      loadBalancerArnSuffix: this.edge.loadBalancer.arnSuffix,
      preventDestroy: stage.production,
    });

    // ElastiCache names the nodes of a (cluster-mode disabled) replication group <group id>-001, -002, ...
    const cacheClusterIds = Array.from(
      { length: stage.cache.replicas + 1 },
      (_, i) => `${this.cache.replicationGroup.replicationGroupId}-${String(i + 1).padStart(3, "0")}`,
    );
    const monitored = {
      loadBalancerArnSuffix: this.edge.loadBalancer.arnSuffix,
      targetGroupArnSuffix: this.web.targetGroup.arnSuffix,
      clusterName: this.cluster.cluster.name,
      serviceName: this.web.service.name,
      databaseInstanceIdentifier: this.database.instance.identifier,
      cacheClusterIds,
    };
    this.monitoring = {
      alarms: new ServiceAlarms(this, "web-alarms", {
        namePrefix: stage.namePrefix,
        alarmTopicArn: this.alarmTopic.topic.arn,
        thresholds: stage.operations.alarms,
        ...monitored,
      }),
      dashboard: new ServiceDashboard(this, "web-dashboard", { dashboardName: stage.namePrefix, region: stage.region, ...monitored }),
      budget: new CostBudget(this, "cost-budget", {
        budgetName: `${stage.namePrefix}-monthly`,
        limitUsd: stage.operations.monthlyBudgetUsd,
        thresholdsPercent: stage.operations.budgetAlertThresholdsPercent,
        topicArn: this.alarmTopic.topic.arn,
        costAllocationTag: { key: "Stage", value: stage.name }, // the provider's default tag
      }),
    };

    // --- operations: restore drills, application and deployment alarms, daily cost ---
    const databaseBackup = new DatabaseBackup(this, "database-backup", {
      namePrefix: stage.namePrefix,
      accountId,
      region: stage.region,
      databaseArn: this.database.instance.arn,
      retentionDays: stage.database.backupRetentionDays,
      preventDestroy: stage.production,
    });
    const qdrantRestoreDrill = new QdrantRestoreDrill(this, "restore-drill", {
      namePrefix: stage.namePrefix,
      accountId,
      region: stage.region,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.privateSubnets.map((s) => s.id),
      clusterArn: this.cluster.cluster.arn,
      qdrantImage: `qdrant/qdrant:${stage.qdrant.version}`,
      qdrantHost: this.qdrant.host,
      qdrantSecurityGroupId: this.qdrant.securityGroup.id,
      apiKeySecretArn: this.qdrant.apiKeySecretArn,
      secretsKmsKeyArn: this.secretsKey.key.arn,
      collectionName: stage.qdrant.collectionName,
      cpu: stage.qdrant.cpu,
      memoryMiB: stage.qdrant.memoryMiB,
      ...stage.qdrant.restoreDrill,
      scheduleKmsKeyArn: this.qdrant.snapshots.key.key.arn,
      logRetentionDays: stage.logRetentionDays,
      logsKmsKeyArn: this.logsKey.key.arn,
      alarmTopicArn: this.alarmTopic.topic.arn,
    });
    this.qdrant.allowFrom(qdrantRestoreDrill.securityGroup.id, "Qdrant restore drill", ["http"]);
    this.operations = {
      databaseBackup,
      restoreTesting: new RestoreTesting(this, "restore-testing", {
        namePrefix: stage.namePrefix,
        vaultArns: [databaseBackup.vault.arn, this.qdrant.backupVault.arn],
        resources: [
          { name: "database", type: "RDS", arn: this.database.instance.arn },
          { name: "qdrant_efs", type: "EFS", arn: this.qdrant.fileSystem.arn },
        ],
        alarmTopicArn: this.alarmTopic.topic.arn,
      }),
      qdrantRestoreDrill,
      appLogAlarms: new AppLogAlarms(this, "app-log-alarms", {
        namePrefix: stage.namePrefix,
        logGroupName: this.web.logGroups.django.name,
        alarmTopicArn: this.alarmTopic.topic.arn,
        llmQuotaErrorsPer5Minutes: stage.operations.alarms.llmQuotaErrorsPer5Minutes,
        unhandledExceptionsPer5Minutes: stage.operations.alarms.unhandledExceptionsPer5Minutes,
      }),
      deploymentEvents: new DeploymentEvents(this, "deployment-events", {
        namePrefix: stage.namePrefix,
        region: stage.region,
        accountId,
        clusterName: this.cluster.cluster.name,
        alarmTopicArn: this.alarmTopic.topic.arn,
      }),
      dailyBudget: new CostBudget(this, "daily-cost-budget", {
        budgetName: `${stage.namePrefix}-daily`,
        timeUnit: "DAILY",
        limitUsd: stage.operations.dailyBudgetUsd,
        thresholdsPercent: stage.operations.dailyBudgetAlertThresholdsPercent,
        topicArn: this.alarmTopic.topic.arn,
        costAllocationTag: { key: "Stage", value: stage.name },
      }),
    };

    // --- outputs ---
    new TerraformOutput(this, "url", { value: this.edge.url, description: "Public URL of the application" });
    new TerraformOutput(this, "load_balancer_dns_name", {
      value: this.edge.loadBalancer.dnsName,
      description: "DNS name of the load balancer (point the domain here when DNS is managed elsewhere)",
    });
    new TerraformOutput(this, "cluster_name", { value: this.cluster.cluster.name, description: "ECS cluster of the stage" });
    new TerraformOutput(this, "web_service_name", { value: this.web.service.name, description: "ECS service of the web application" });
    new TerraformOutput(this, "migration_task_definition_arn", {
      value: this.web.migrationTaskDefinition.arn,
      description: "Task definition (with revision) of the one-off migration task",
    });
    new TerraformOutput(this, "migration_network_configuration", {
      value: this.web.migrationNetworkConfiguration,
      description: "--network-configuration of aws ecs run-task for the migration task (private subnets, web tasks' security group)",
    });
    new TerraformOutput(this, "alarm_topic_arn", {
      value: this.alarmTopic.topic.arn,
      description: "SNS topic of the stage's alarms; the deploy workflow publishes each deploy's outcome to it",
    });
    new TerraformOutput(this, "qdrant_service_name", {
      value: this.qdrant.service.name,
      description: "Name of the Qdrant ECS service (one task; aws ecs describe-services --services <this>)",
    });
  }
}

/**
 * A stack holding the web tier's constructs wired to stand-ins for the data
 * tier, Qdrant and the load balancer (built on other branches), for each
 * configured stage. The stand-ins satisfy the same structural interfaces the
 * real constructs do and record what the web tier asked of them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { Stage } from "../../config/load";
import { CostBudget } from "../../constructs/cost-budget";
import {
  DjangoService,
  type CacheEndpoint,
  type DatabaseEndpoint,
  type QdrantEndpoint,
  type TargetGroupAttachable,
  type TargetGroupAttachment,
} from "../../constructs/django-service";
import { NginxImage } from "../../constructs/nginx-image";
import { ServiceAlarms } from "../../constructs/service-alarms";
import { ServiceCluster } from "../../constructs/service-cluster";
import { ServiceDashboard } from "../../constructs/service-dashboard";
import { testApp, validStages, type Synth } from "./stages";

export const ACCOUNT = "123456789012";
export const ARNS = {
  dbSecret: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-0123-abcdef`,
  redisUrlSecret: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:faq/redis-url-abcdef`,
  qdrantKeySecret: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:faq/qdrant-api-key-abcdef`,
  secretsKey: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/secrets`,
  logsKey: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/logs`,
  topic: `arn:aws:sns:eu-west-1:${ACCOUNT}:alarms`,
};
export const ALB_ARN_SUFFIX = "app/faq/0123456789abcdef";

/** A data store stand-in: its own security group; allowFrom admits on its ports, as the contract says. */
class StubStore extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly admitted: { securityGroupId: string; description: string }[] = [];
  constructor(scope: Construct, id: string, private readonly ports: number[]) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, "sg", { name: id, vpcId: "vpc-1" });
  }
  allowFrom(securityGroupId: string, description: string): void {
    this.admitted.push({ securityGroupId, description });
    this.ports.forEach((port) =>
      new VpcSecurityGroupIngressRule(this, `from-${this.admitted.length}-${port}`, {
        securityGroupId: this.securityGroup.id, referencedSecurityGroupId: securityGroupId, ipProtocol: "tcp", fromPort: port, toPort: port, description,
      }),
    );
  }
}

class StubDatabase extends StubStore implements DatabaseEndpoint {
  readonly address = "faq-db.abc.eu-west-1.rds.amazonaws.com";
  readonly port = 5432;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly masterUserSecretArn = ARNS.dbSecret;
  readonly appUsername: string;
  readonly appConnectArn: string;
  constructor(scope: Construct, id: string, stage: Stage) {
    super(scope, id, [5432]);
    this.databaseName = stage.database.databaseName;
    this.masterUsername = stage.database.masterUsername;
    this.appUsername = stage.database.appUsername;
    this.appConnectArn = `arn:aws:rds-db:eu-west-1:${ACCOUNT}:dbuser:db-ABCDEFGHIJKLMNOP/${stage.database.appUsername}`;
  }
}
class StubCache extends StubStore implements CacheEndpoint {
  readonly port = 6379;
  readonly urlSecretArn = ARNS.redisUrlSecret;
  constructor(scope: Construct, id: string) {
    super(scope, id, [6379]);
  }
}
class StubQdrant extends StubStore implements QdrantEndpoint {
  readonly host = "qdrant.faq.internal";
  readonly httpPort = 6333;
  readonly grpcPort = 6334;
  readonly apiKeySecretArn = ARNS.qdrantKeySecret;
  constructor(scope: Construct, id: string) {
    super(scope, id, [6333, 6334]);
  }
}
class StubLoadBalancer extends Construct implements TargetGroupAttachable {
  public readonly httpsListener: LbListener;
  public readonly attached: { targetGroup: LbTargetGroup; options: TargetGroupAttachment }[] = [];
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.httpsListener = new LbListener(this, "https", {
      loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/faq/0123456789abcdef",
      port: 443, protocol: "HTTPS",
      defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
    });
  }
  attachTargetGroup(targetGroup: LbTargetGroup, options: TargetGroupAttachment): void {
    this.attached.push({ targetGroup, options });
    // The contract: the target security group's ingress from the load balancer's, on `port`.
    new VpcSecurityGroupIngressRule(this, `to-target-${this.attached.length}`, {
      securityGroupId: options.targetSecurityGroupId, referencedSecurityGroupId: "sg-alb", ipProtocol: "tcp",
      fromPort: options.port, toPort: options.port, description: "from the load balancer",
    });
  }
}

/** A throwaway build context with a Dockerfile. */
export function tempNginxContext(files: Record<string, string> = { Dockerfile: "FROM scratch\n", "default.conf.template": "server {}\n" }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nginx-ctx-"));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

export interface WebFixture {
  stage: Stage;
  stack: TerraformStack;
  web: DjangoService;
  nginxImage: NginxImage;
  alarms: ServiceAlarms;
  database: StubDatabase;
  cache: StubCache;
  qdrant: StubQdrant;
  loadBalancer: StubLoadBalancer;
  parsed: Synth;
}

/** Builds and synthesizes the web tier for `stage`, as the stack is expected to wire it (docs/web-service-wiring.md). */
export function webFixture(stage: Stage, contextDirectory = tempNginxContext()): WebFixture {
  const stack = new TerraformStack(testApp(), stage.name);
  const cluster = new ServiceCluster(stack, "cluster", { namePrefix: stage.namePrefix, logRetentionDays: stage.logRetentionDays, logsKmsKeyArn: ARNS.logsKey });
  const database = new StubDatabase(stack, "database", stage);
  const cache = new StubCache(stack, "cache");
  const qdrant = new StubQdrant(stack, "qdrant");
  const loadBalancer = new StubLoadBalancer(stack, "edge");
  const nginxImage = new NginxImage(stack, "nginx-image", {
    repositoryName: `${stage.namePrefix}-nginx`,
    imagesRetained: stage.web.nginxImagesRetained,
    contextDirectory,
    platform: stage.web.cpuArchitecture === "ARM64" ? "linux/arm64" : "linux/amd64",
    preventDestroy: stage.production,
  });
  const web = new DjangoService(stack, "web", {
    namePrefix: stage.namePrefix, region: stage.region, accountId: ACCOUNT, web: stage.web, appImage: stage.appImage,
    nginxImageUri: nginxImage.imageUri, nginxRepositoryArn: nginxImage.repository.arn,
    domainName: stage.domain.name, alternativeDomainNames: stage.domain.subjectAlternativeNames,
    vpcId: "vpc-1", vpcCidr: stage.network.vpcCidr, subnetIds: ["subnet-a", "subnet-b"], cluster,
    logsKmsKeyArn: ARNS.logsKey, logRetentionDays: stage.logRetentionDays, secretsKmsKeyArn: ARNS.secretsKey,
    database, cache, qdrant, qdrantCollectionName: stage.qdrant.collectionName,
    loadBalancer, loadBalancerArnSuffix: ALB_ARN_SUFFIX, preventDestroy: stage.production,
  });
  const cacheClusterIds = Array.from({ length: stage.cache.replicas + 1 }, (_, i) => `${stage.namePrefix}-redis-00${i + 1}`);
  const alarms = new ServiceAlarms(stack, "web-alarms", {
    namePrefix: stage.namePrefix, alarmTopicArn: ARNS.topic, thresholds: stage.operations.alarms,
    loadBalancerArnSuffix: ALB_ARN_SUFFIX, targetGroupArnSuffix: web.targetGroup.arnSuffix,
    clusterName: cluster.cluster.name, serviceName: web.service.name,
    databaseInstanceIdentifier: `${stage.namePrefix}-db`, cacheClusterIds,
  });
  new ServiceDashboard(stack, "web-dashboard", {
    dashboardName: stage.namePrefix, region: stage.region,
    loadBalancerArnSuffix: ALB_ARN_SUFFIX, targetGroupArnSuffix: web.targetGroup.arnSuffix,
    clusterName: cluster.cluster.name, serviceName: web.service.name,
    databaseInstanceIdentifier: `${stage.namePrefix}-db`, cacheClusterIds,
  });
  new CostBudget(stack, "cost-budget", {
    budgetName: `${stage.namePrefix}-monthly`, limitUsd: stage.operations.monthlyBudgetUsd,
    thresholdsPercent: stage.operations.budgetAlertThresholdsPercent, topicArn: ARNS.topic,
    costAllocationTag: { key: "Stage", value: stage.name },
  });
  // The outputs the stack declares for scripts/migrate.sh (docs/web-service-wiring.md).
  new TerraformOutput(stack, "cluster_name", { value: cluster.cluster.name });
  new TerraformOutput(stack, "web_service_name", { value: web.service.name });
  new TerraformOutput(stack, "migration_task_definition_arn", { value: web.migrationTaskDefinition.arn });
  new TerraformOutput(stack, "migration_network_configuration", { value: web.migrationNetworkConfiguration });
  const parsed = JSON.parse(Testing.synth(stack)) as Synth;
  return { stage, stack, web, nginxImage, alarms, database, cache, qdrant, loadBalancer, parsed };
}

const memo = new Map<string, WebFixture>();
/** The fixture of a configured stage (memoized per test file). */
export function webFixtureOf(stageName: string): WebFixture {
  let hit = memo.get(stageName);
  if (!hit) {
    hit = webFixture(validStages().find((s) => s.name === stageName)!);
    memo.set(stageName, hit);
  }
  return hit;
}

/** The parsed container definitions of a task definition resource. */
export function containersOf(taskDefinition: Record<string, any>): Record<string, any>[] {
  return JSON.parse(taskDefinition.container_definitions);
}

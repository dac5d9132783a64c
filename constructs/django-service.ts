/**
 * The web application on ECS Fargate: one task of Django + Gunicorn (bound to
 * 127.0.0.1:8000) fronted by an nginx sidecar on 8080, which is what the load
 * balancer's target group reaches. A short-lived `static-files` container runs
 * `collectstatic` into a volume nginx serves from /srv/static. Secrets come from
 * Secrets Manager through `secrets` only. Also: the service (circuit breaker with
 * rollback, ECS Exec), its autoscaling, the migration task definition, the IAM
 * roles, log groups and security group.
 *
 * @example
 * const web = new DjangoService(this, "web", {
 *   namePrefix: stage.namePrefix, region: stage.region, accountId, web: stage.web, appImage: stage.appImage,
 *   nginxImageUri: nginxImage.imageUri, nginxRepositoryArn: nginxImage.repository.arn,
 *   domainName: stage.domain.name, vpcId: network.vpc.id, vpcCidr: stage.network.vpcCidr,
 *   subnetIds: network.privateSubnets.map((s) => s.id), cluster, logsKmsKeyArn: logsKey.key.arn,
 *   logRetentionDays: stage.logRetentionDays, secretsKmsKeyArn: secretsKey.key.arn,
 *   database, cache, qdrant, qdrantCollectionName: stage.qdrant.collectionName,
 *   loadBalancer: edge, loadBalancerArnSuffix: edge.loadBalancer.arnSuffix,
 * });
 * // web.service.name, web.migrationTaskDefinition.arn, web.migrationNetworkConfiguration
 */
import { Construct } from "constructs";
import { appRateLimitEnvironment } from "../config/operations";
import { type ITerraformDependable } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { AppImage } from "../config/load";
import type { StageConfig } from "../config/schema";
import { capacityPlan, LATENCY_SCALE_OUT, LATENCY_STEP_PERCENT, type CapacityPlan } from "../config/capacity";
import { fargateSizeProblem } from "../config/sizing";
import type { ServiceCluster } from "./service-cluster";
import { secretReadStatements } from "./iam-statements";
import { DROP_ALL_CAPABILITIES } from "./container-capabilities";
import { EphemeralRandomPassword } from "./ephemeral-random-password";
import { APP_ROLE_BOOTSTRAP } from "./database/app-role";
import { EncryptionKey } from "./encryption-key";
import { PrivateBucket } from "./private-bucket";
import { containerEnvironment, databaseUrl, type ContractValue } from "../config/app-contract";

/** The stage's validated `web` section. */
export type WebSettings = StageConfig["web"];

/** Something owning a security group that clients are admitted to (the data stores' and Qdrant's `allowFrom`). */
export interface AdmitsClients {
  /** Its security group. */
  readonly securityGroup: { readonly id: string };
  /** Admits `securityGroupId` on its own port(s). */
  allowFrom(securityGroupId: string, description: string): void;
}

/** What the service needs of the PostgreSQL database (satisfied by PostgresDatabase). */
export interface DatabaseEndpoint extends AdmitsClients {
  readonly address: string;
  readonly port: number;
  readonly databaseName: string;
  /** The migration task's DB_USER. */
  readonly masterUsername: string;
  /** The RDS-managed secret: a JSON object whose `password` key is read (the migration task only). */
  readonly masterUserSecretArn: string;
  /** The web containers' DB_USER: a role that logs in with IAM authentication. */
  readonly appUsername: string;
  /** The `rds-db:connect` resource for appUsername. */
  readonly appConnectArn: string;
}

/** What the service needs of Redis (satisfied by RedisCache). */
export interface CacheEndpoint extends AdmitsClients {
  readonly port: number;
  /** Secret whose whole value is the rediss:// URL. */
  readonly urlSecretArn: string;
}

/** What the service needs of Qdrant (satisfied by QdrantService). */
export interface QdrantEndpoint extends AdmitsClients {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  /** Secret whose whole value is the API key. */
  readonly apiKeySecretArn: string;
  /**
   * Qdrant serves TLS on httpPort (VECTOR_DB_URL's scheme is then https).
   * @default false
   */
  readonly tls?: boolean;
}

/** Options of `attachTargetGroup` (what HttpsLoadBalancer takes). */
export interface TargetGroupAttachment {
  readonly targetSecurityGroupId: string;
  readonly port: number;
  readonly hostHeaders?: string[];
  readonly pathPatterns?: string[];
  readonly priority?: number;
}

/** What the service needs of the load balancer (satisfied by HttpsLoadBalancer). */
export interface TargetGroupAttachable {
  /** Routes HTTPS traffic to the target group and opens the ALB <-> target security groups on `port`. */
  attachTargetGroup(targetGroup: LbTargetGroup, options: TargetGroupAttachment): void;
  /** The HTTPS listener: the service waits for it (a target group must belong to a load balancer first). */
  readonly httpsListener: ITerraformDependable;
}

export interface DjangoServiceProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Region of the stage (awslogs driver, AWS_S3_REGION_NAME). */
  readonly region: string;
  /** Account ID: the media bucket's name and its key's policy. */
  readonly accountId: string;
  /** The stage's web settings: sizing, Gunicorn, health check, scaling, application settings. */
  readonly web: WebSettings;
  /** The application image (an ECR repository URI and an immutable tag). */
  readonly appImage: AppImage;
  /** The nginx sidecar image, repository:tag (NginxImage.imageUri). */
  readonly nginxImageUri: string;
  /** ARN of the nginx image's ECR repository (the execution role may pull from it). */
  readonly nginxRepositoryArn: string;
  /** Public hostname: nginx's APP_DOMAIN, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, the Host of container health checks. */
  readonly domainName: string;
  /**
   * Other public hostnames the application answers to (ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS).
   * @default - none
   */
  readonly alternativeDomainNames?: readonly string[];
  /** VPC of the tasks. */
  readonly vpcId: string;
  /** VPC range: nginx trusts X-Forwarded-For only from it (VPC_CIDR). */
  readonly vpcCidr: string;
  /** Private subnets, one per AZ: Fargate spreads the tasks over their AZs. */
  readonly subnetIds: readonly string[];
  /** The stage's ECS cluster (its exec session log group is written by the task role). */
  readonly cluster: ServiceCluster;
  /** Key of the stage's log groups; ServiceCluster also encrypts the ECS Exec channel with it. */
  readonly logsKmsKeyArn: string;
  /** Retention of the log groups. */
  readonly logRetentionDays: number;
  /** The stage's secrets key: encrypts the secrets created here; the execution role may decrypt with it. */
  readonly secretsKmsKeyArn: string;
  /**
   * Other keys encrypting the secrets read (e.g. if the RDS-managed secret uses another key).
   * @default - none: every secret read is encrypted with secretsKmsKeyArn
   */
  readonly additionalSecretsKmsKeyArns?: readonly string[];
  /** The database: DB_* settings, DB_PASSWORD, and it admits the tasks. */
  readonly database: DatabaseEndpoint;
  /** Redis: REDIS_URL, and it admits the tasks. */
  readonly cache: CacheEndpoint;
  /** Qdrant: QDRANT_HOST/PORT, QDRANT_API_KEY, and it admits the tasks. */
  readonly qdrant: QdrantEndpoint;
  /** QDRANT_COLLECTION_NAME. */
  readonly qdrantCollectionName: string;
  /** The load balancer the target group is attached to. */
  readonly loadBalancer: TargetGroupAttachable;
  /** The load balancer's ARN suffix (request-count autoscaling label, alarms). */
  readonly loadBalancerArnSuffix: string;
  /**
   * Refuse `terraform destroy` of the secrets created here (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * CloudWatch alarms ECS watches during a deployment: one in ALARM rolls the service back
   * to the last completed deployment (the 5xx-rate and p95 latency alarms of ServiceAlarms).
   * @default - none: only the circuit breaker (tasks that never turn healthy) rolls back
   */
  readonly deploymentAlarmNames?: readonly string[];
}

/**
 * Generation of Django's SECRET_KEY. Terraform writes a new random key whenever this changes
 * (write-only arguments are written only when their version changes): raise it to rotate.
 */
export const SECRET_KEY_VERSION = 1;
/** nginx's port: what the target group and the tasks' security group use. */
export const NGINX_PORT = 8080;
/** Gunicorn's loopback port, reachable only from inside the task. */
export const GUNICORN_PORT = 8000;
/** Where nginx serves /static/ from: nginx/'s config and the static volume's mount point in the nginx container. */
export const NGINX_STATIC_PATH = "/srv/static";
/** The nginx unprivileged image's user. */
export const NGINX_USER = "101:101";
/** Hugging Face's cache (the local embedding model) on the app's writable /tmp volume; an image that bakes the model in sets HF_HUB_OFFLINE itself. */
export const HF_HOME = "/tmp/huggingface";
/** SECURE_HSTS_SECONDS: one year. */
export const HSTS_SECONDS = 31_536_000;
/** Container names. */
export const CONTAINERS = { app: "django", nginx: "nginx", staticFiles: "static-files", migrate: "migrate" } as const;

/** `arn:aws:ecr:<region>:<account>:repository/<name>` of an ECR image repository URI, or undefined. */
export function ecrRepositoryArn(repositoryUri: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/(.+)$/.exec(repositoryUri);
  if (!m) return undefined;
  const partition = m[3] ? "aws-cn" : "aws";
  return `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[4]}`;
}


export class DjangoService extends Construct {
  /** Security group of the tasks (the load balancer, database, Redis and Qdrant admit it). */
  public readonly securityGroup: SecurityGroup;
  /** The web task definition (django + nginx + static-files). */
  public readonly taskDefinition: EcsTaskDefinition;
  /** The one-off migration task definition (`python manage.py migrate --noinput`). */
  public readonly migrationTaskDefinition: EcsTaskDefinition;
  /** The ECS service. */
  public readonly service: EcsService;
  /** Target group of type ip, HTTP on nginx's port. */
  public readonly targetGroup: LbTargetGroup;
  /** Role ECS uses to pull images, read the secrets and write the logs. */
  public readonly executionRole: IamRole;
  /** Role of the application itself: ECS Exec's channel only. */
  public readonly taskRole: IamRole;
  /** SECRET_KEY, generated at creation. */
  public readonly secretKeySecret: SecretsmanagerSecret;
  /** GEMINI_API_KEY, created empty: a person fills it (see docs/web-service.md). */
  public readonly geminiApiKeySecret: SecretsmanagerSecret;
  /** Log group per container, by container name. */
  public readonly logGroups: Record<(typeof CONTAINERS)[keyof typeof CONTAINERS], CloudwatchLogGroup>;
  /** Autoscaling target of the service's desired count. */
  public readonly scalingTarget: AppautoscalingTarget;
  /** Target tracking on average CPU. */
  public readonly cpuScalingPolicy: AppautoscalingPolicy;
  /** Target tracking on ALB requests per target; its target comes from the capacity plan. */
  public readonly requestScalingPolicy: AppautoscalingPolicy;
  /** Step scaling on p95 latency: adds tasks when answers queue (request counts lag behind slow answers). */
  public readonly latencyScalingPolicy: AppautoscalingPolicy;
  /** The alarm that triggers latencyScalingPolicy. */
  public readonly latencyScaleOutAlarm: CloudwatchMetricAlarm;
  /** Slots, tasks needed and the derived scaling target for the stage's web.load. */
  public readonly capacity: CapacityPlan;
  /** Gunicorn worker processes per task (WEB_CONCURRENCY). */
  public readonly gunicornWorkers: number;
  /** The secret ARNs the web execution role may read, by environment variable name (no database password). */
  public readonly secretArns: Readonly<Record<string, string>>;
  /** KMS key of the media bucket. */
  public readonly mediaKey: EncryptionKey;
  /** Private bucket of media uploads (django-storages' AWS_STORAGE_BUCKET_NAME); only the task role may use it. */
  public readonly mediaBucket: PrivateBucket;
  /** The secret ARNs the migration's execution role may read: SECRET_KEY and DB_PASSWORD (the master secret). */
  public readonly migrationSecretArns: Readonly<Record<string, string>>;
  /** Execution role of the migration task: the only one that may read the master secret. */
  public readonly migrationExecutionRole: IamRole;
  /** `--network-configuration` of `aws ecs run-task` for the migration task. */
  public readonly migrationNetworkConfiguration: {
    readonly awsvpcConfiguration: { readonly subnets: string[]; readonly securityGroups: string[]; readonly assignPublicIp: "DISABLED" };
  };

  constructor(scope: Construct, id: string, props: DjangoServiceProps) {
    super(scope, id);
    const web = props.web;
    const alternativeDomainNames = props.alternativeDomainNames ?? [];
    const additionalKeys = props.additionalSecretsKmsKeyArns ?? [];
    const preventDestroy = props.preventDestroy ?? false;
    const prefix = props.namePrefix;

    const size = fargateSizeProblem(web.cpu, web.memoryMiB);
    if (size) throw new Error(`DjangoService ${id}: web.memoryMiB ${web.memoryMiB} ${size}`);
    if (props.subnetIds.length === 0) throw new Error(`DjangoService ${id}: subnetIds must list at least one subnet, got none`);
    if (web.minTasks > web.maxTasks) {
      throw new Error(`DjangoService ${id}: web.minTasks (${web.minTasks}) must not exceed web.maxTasks (${web.maxTasks})`);
    }
    const appRepositoryArn = ecrRepositoryArn(props.appImage.repository);
    if (!appRepositoryArn) {
      throw new Error(
        `DjangoService ${id}: appImage.repository must be an ECR repository URI (<account>.dkr.ecr.<region>.amazonaws.com/<name>) ` +
          `so the execution role can be limited to it, got "${props.appImage.repository}"`,
      );
    }

    this.capacity = capacityPlan(web);
    this.gunicornWorkers = this.capacity.workers;
    const appImage = `${props.appImage.repository}:${props.appImage.tag}`;
    const hosts = [props.domainName, ...alternativeDomainNames];

    // --- secrets created here ---
    const lifecycle = preventDestroy ? { preventDestroy: true } : undefined;
    this.secretKeySecret = new SecretsmanagerSecret(this, "secret-key", {
      name: `${prefix}/web/secret-key`,
      description: `Django SECRET_KEY of ${prefix} (generated at creation)`,
      kmsKeyId: props.secretsKmsKeyArn,
      lifecycle,
    });
    // Ephemeral and write-only: the key is in neither state nor plan files. Terraform writes it once
    // per SECRET_KEY_VERSION; raising that constant writes a fresh key (rotation, docs/web-service.md).
    const generated = new EphemeralRandomPassword(this, "secret-key-value", { passwordLength: 64, excludePunctuation: true });
    new SecretsmanagerSecretVersion(this, "secret-key-version", {
      secretId: this.secretKeySecret.id,
      secretStringWo: generated.value,
      secretStringWoVersion: SECRET_KEY_VERSION,
    });
    // No version on purpose: only a person can supply the key (aws secretsmanager put-secret-value, docs/web-service.md).
    this.geminiApiKeySecret = new SecretsmanagerSecret(this, "gemini-api-key", {
      name: `${prefix}/web/gemini-api-key`,
      description: `GEMINI_API_KEY of ${prefix}: filled by hand with aws secretsmanager put-secret-value`,
      kmsKeyId: props.secretsKmsKeyArn,
      lifecycle,
    });

    // The web containers log in to PostgreSQL with IAM tokens (no password, nothing to rotate under them);
    // only the migration task reads the master password.
    this.secretArns = {
      SECRET_KEY: this.secretKeySecret.arn,
      REDIS_URL: props.cache.urlSecretArn,
      GEMINI_API_KEY: this.geminiApiKeySecret.arn,
      QDRANT_API_KEY: props.qdrant.apiKeySecretArn,
    };
    this.migrationSecretArns = { SECRET_KEY: this.secretKeySecret.arn, DB_PASSWORD: props.database.masterUserSecretArn };

    // --- media: a private, encrypted bucket only the web task role may use ---
    this.mediaKey = new EncryptionKey(this, "media-key", {
      alias: `${prefix}-media`,
      description: `Media uploads of ${prefix}`,
      accountId: props.accountId,
      region: props.region,
      preventDestroy,
    });
    this.mediaBucket = new PrivateBucket(this, "media", {
      bucketName: `${prefix}-media-${props.accountId}`,
      kmsKeyArn: this.mediaKey.key.arn,
      preventDestroy,
    });

    // --- the application's environment contract (config/app-contract.ts) ---
    const database = props.database;
    const secretKey = { secretArn: this.secretKeySecret.arn };
    const plain = (value: string | number) => ({ value: String(value) });
    const qdrantUrl = `${props.qdrant.tls ? "https" : "http"}://${props.qdrant.host}:${props.qdrant.httpPort}`;
    const shared: Record<string, ContractValue> = {
      DB_HOST: plain(database.address),
      DB_PORT: plain(database.port),
      DB_NAME: plain(database.databaseName),
      DJANGO_SETTINGS_MODULE: plain(web.djangoSettingsModule),
      DJANGO_ENV: plain("production"),
      SECRET_KEY: secretKey,
      DEBUG: plain("False"),
      ALLOWED_HOSTS: plain(hosts.join(",")),
      STATIC_ROOT: plain(web.staticRoot),
    };
    // The web containers: the app role with IAM authentication (docs/data-tier.md, "Database identities").
    const appUser = {
      DB_USER: plain(database.appUsername),
      DB_IAM_AUTH: plain("True"),
      DATABASE_URL: plain(databaseUrl(database.appUsername, database.address, database.port, database.databaseName)),
    };
    const webValues: Record<string, ContractValue> = {
      ...shared,
      ...appUser,
      GEMINI_API_KEY: { secretArn: this.geminiApiKeySecret.arn },
      GEMINI_MODEL: plain(web.geminiModel),
      RAG_EMBEDDING_TYPE: plain(web.ragEmbeddingType),
      RAG_LOCAL_EMBEDDING_MODEL: plain(web.ragLocalEmbeddingModel),
      RAG_VECTOR_DIMENSION: plain(web.ragVectorDimension),
      RAG_SIMILARITY_THRESHOLD: plain(web.ragSimilarityThreshold),
      HF_HOME: plain(HF_HOME),
      VECTOR_DB_URL: plain(qdrantUrl),
      QDRANT_HOST: plain(props.qdrant.host),
      QDRANT_PORT: plain(props.qdrant.httpPort),
      QDRANT_COLLECTION_NAME: plain(props.qdrantCollectionName),
      QDRANT_API_KEY: { secretArn: props.qdrant.apiKeySecretArn },
      REDIS_URL: { secretArn: props.cache.urlSecretArn },
      CACHE_TTL: plain(web.cacheTtlSeconds),
      CSRF_TRUSTED_ORIGINS: plain(hosts.map((h) => `https://${h}`).join(",")),
      SECURE_SSL_REDIRECT: plain("True"),
      SECURE_HSTS_SECONDS: plain(HSTS_SECONDS),
      AWS_STORAGE_BUCKET_NAME: { value: this.mediaBucket.bucket.bucket },
      AWS_S3_REGION_NAME: plain(props.region),
      WEB_CONCURRENCY: plain(this.gunicornWorkers),
    };
    const appEnv = containerEnvironment(
      "django",
      webValues,
      // The limits the WAF cannot express, enforced by the app in Redis (docs/operations.md).
      appRateLimitEnvironment(web.appRateLimits),
    );
    const staticFilesEnv = containerEnvironment("static-files", { ...shared, ...appUser });
    // The migration: the master user with its password, creating the app role before it migrates.
    const migrateEnv = containerEnvironment("migration", {
      ...shared,
      DB_USER: plain(database.masterUsername),
      DB_APP_USER: plain(database.appUsername),
      DB_PASSWORD: { secretArn: database.masterUserSecretArn, jsonKey: "password" },
      DATABASE_URL: plain(databaseUrl(database.masterUsername, database.address, database.port, database.databaseName)),
    });

    // --- log groups, one per container ---
    const logGroup = (container: string) =>
      new CloudwatchLogGroup(this, `${container}-logs`, {
        name: `/${prefix}/web/${container}`,
        retentionInDays: props.logRetentionDays,
        kmsKeyId: props.logsKmsKeyArn,
      });
    this.logGroups = {
      django: logGroup(CONTAINERS.app),
      nginx: logGroup(CONTAINERS.nginx),
      "static-files": logGroup(CONTAINERS.staticFiles),
      migrate: logGroup(CONTAINERS.migrate),
    };
    const logging = (container: keyof DjangoService["logGroups"]) => ({
      logDriver: "awslogs",
      options: {
        "awslogs-group": this.logGroups[container].name,
        "awslogs-region": props.region,
        "awslogs-stream-prefix": container,
        // A slow log pipeline must not block the application's writes to stdout.
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
    });

    // --- IAM ---
    const assumedByEcsTasks = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    this.executionRole = new IamRole(this, "execution-role", {
      name: `${prefix}-web-execution`,
      description: "ECS pulls the web images, reads the web secrets and writes the web logs",
      assumeRolePolicy: assumedByEcsTasks,
    });
    new IamRolePolicy(this, "execution-policy", {
      role: this.executionRole.id,
      name: "pull-read-secrets-write-logs",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "EcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
          {
            Sid: "PullImages",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: [appRepositoryArn, props.nginxRepositoryArn],
          },
          ...secretReadStatements(Object.values(this.secretArns), [props.secretsKmsKeyArn, ...additionalKeys], props.region),
          {
            Sid: "WriteLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: Object.values(this.logGroups).map((g) => `${g.arn}:*`),
          },
        ],
      }),
    });

    this.migrationExecutionRole = new IamRole(this, "migration-execution-role", {
      name: `${prefix}-migrate-execution`,
      description: "ECS pulls the app image, reads the migration's secrets (with the master password) and writes its log",
      assumeRolePolicy: assumedByEcsTasks,
    });
    new IamRolePolicy(this, "migration-execution-policy", {
      role: this.migrationExecutionRole.id,
      name: "pull-read-secrets-write-logs",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "EcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
          {
            Sid: "PullImages",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: [appRepositoryArn],
          },
          ...secretReadStatements(Object.values(this.migrationSecretArns), [props.secretsKmsKeyArn, ...additionalKeys], props.region),
          { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logGroups[CONTAINERS.migrate].arn}:*` },
        ],
      }),
    });

    this.taskRole = new IamRole(this, "task-role", {
      name: `${prefix}-web-task`,
      description: "The web application: log in to PostgreSQL as the app role (IAM), its media bucket, and ECS Exec's channel",
      assumeRolePolicy: assumedByEcsTasks,
    });
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html (IAM permissions; logging; KMS)
    new IamRolePolicy(this, "task-policy", {
      role: this.taskRole.id,
      name: "database-and-ecs-exec",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          // IAM database authentication: a token for the app role, never the master user.
          { Sid: "ConnectAsAppRole", Effect: "Allow", Action: "rds-db:connect", Resource: props.database.appConnectArn },
          {
            Sid: "ExecChannel",
            Effect: "Allow",
            Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
            Resource: "*",
          },
          {
            Sid: "MediaObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            Resource: `${this.mediaBucket.bucket.arn}/*`,
          },
          { Sid: "MediaList", Effect: "Allow", Action: "s3:ListBucket", Resource: this.mediaBucket.bucket.arn },
          { Sid: "MediaKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: this.mediaKey.key.arn },
          { Sid: "ExecChannelKey", Effect: "Allow", Action: "kms:Decrypt", Resource: props.logsKmsKeyArn },
          { Sid: "ExecSessionLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
          {
            Sid: "ExecSessionLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            Resource: `${props.cluster.execLogGroup.arn}:*`,
          },
        ],
      }),
    });

    // --- containers ---
    const healthCheckStartSeconds = Math.min(web.healthCheckGracePeriodSeconds, 300);
    const gracefulTimeout = Math.max(1, web.stopTimeoutSeconds - Math.min(5, Math.floor(web.stopTimeoutSeconds / 2)));
    const healthProbe =
      "import http.client,sys;" +
      `c=http.client.HTTPConnection('127.0.0.1',${GUNICORN_PORT},timeout=4);` +
      `c.request('GET','${web.healthCheck.path}',headers={'Host':'${props.domainName}','X-Forwarded-Proto':'https'});` +
      "sys.exit(0 if c.getresponse().status==200 else 1)";

    const appContainer = {
      name: CONTAINERS.app,
      image: appImage,
      essential: true,
      user: web.containerUser,
      readonlyRootFilesystem: true,
      command: [
        "gunicorn",
        web.wsgiApplication,
        "--bind",
        `127.0.0.1:${GUNICORN_PORT}`,
        "--workers",
        String(this.gunicornWorkers),
        "--worker-class",
        web.gunicornWorkerClass,
        "--threads",
        String(this.capacity.threads),
        "--max-requests",
        String(web.gunicornMaxRequests),
        "--max-requests-jitter",
        String(web.gunicornMaxRequestsJitter),
        ...(web.gunicornPreload ? ["--preload"] : []),
        "--timeout",
        String(web.gunicornTimeoutSeconds),
        "--graceful-timeout",
        String(gracefulTimeout),
        "--worker-tmp-dir",
        "/tmp",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
      ],
      environment: appEnv.environment,
      secrets: appEnv.secrets,
      // No port mappings: Gunicorn listens on loopback only; nginx reaches it inside the task's network namespace.
      mountPoints: [
        { sourceVolume: "app-tmp", containerPath: "/tmp", readOnly: false },
        // ECS Exec's agent writes here; a read-only root filesystem needs them as volumes (aws/containers-roadmap#1359).
        { sourceVolume: "exec-agent-state", containerPath: "/var/lib/amazon", readOnly: false },
        { sourceVolume: "exec-agent-logs", containerPath: "/var/log/amazon", readOnly: false },
      ],
      healthCheck: {
        command: ["CMD", "python", "-c", healthProbe],
        interval: 15,
        timeout: 5,
        retries: 3,
        startPeriod: healthCheckStartSeconds,
      },
      stopTimeout: web.stopTimeoutSeconds,
      linuxParameters: { initProcessEnabled: true, capabilities: DROP_ALL_CAPABILITIES },
      logConfiguration: logging(CONTAINERS.app),
    };

    const staticFilesContainer = {
      name: CONTAINERS.staticFiles,
      image: appImage,
      essential: false,
      user: web.containerUser,
      readonlyRootFilesystem: true,
      command: ["python", "manage.py", "collectstatic", "--noinput"],
      environment: staticFilesEnv.environment,
      secrets: staticFilesEnv.secrets,
      mountPoints: [
        { sourceVolume: "static", containerPath: web.staticRoot, readOnly: false },
        { sourceVolume: "static-files-tmp", containerPath: "/tmp", readOnly: false },
      ],
      linuxParameters: { capabilities: DROP_ALL_CAPABILITIES },
      logConfiguration: logging(CONTAINERS.staticFiles),
    };

    const nginxContainer = {
      name: CONTAINERS.nginx,
      image: props.nginxImageUri,
      essential: true,
      user: NGINX_USER,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: NGINX_PORT, protocol: "tcp" }],
      environment: [
        { name: "APP_DOMAIN", value: props.domainName },
        // Every public name, as in ALLOWED_HOSTS and on the certificate.
        { name: "APP_SERVER_NAMES", value: hosts.join(" ") },
        { name: "CLIENT_MAX_BODY_SIZE", value: `${web.maxRequestBodyMiB}m` },
        { name: "VPC_CIDR", value: props.vpcCidr },
        { name: "HEALTH_CHECK_PATH", value: web.healthCheck.path },
      ],
      mountPoints: [
        { sourceVolume: "nginx-tmp", containerPath: "/tmp", readOnly: false },
        { sourceVolume: "static", containerPath: NGINX_STATIC_PATH, readOnly: true },
      ],
      dependsOn: [
        // A failed collectstatic stops the task (and so the deployment) rather than serving pages without assets.
        { containerName: CONTAINERS.staticFiles, condition: "SUCCESS" },
        { containerName: CONTAINERS.app, condition: "HEALTHY" },
      ],
      healthCheck: {
        command: ["CMD", "curl", "-fsS", `http://127.0.0.1:${NGINX_PORT}/nginx-health`],
        interval: 15,
        timeout: 5,
        retries: 3,
        startPeriod: 10,
      },
      stopTimeout: web.stopTimeoutSeconds,
      linuxParameters: { initProcessEnabled: true, capabilities: DROP_ALL_CAPABILITIES },
      logConfiguration: logging(CONTAINERS.nginx),
    };

    const taskBase = {
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(web.cpu),
      memory: String(web.memoryMiB),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: web.cpuArchitecture },
      // Keep earlier revisions registered, so a rollback can name one (docs/web-service.md).
      skipDestroy: true,
    };
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      ...taskBase,
      family: `${prefix}-web`,
      containerDefinitions: JSON.stringify([appContainer, staticFilesContainer, nginxContainer]),
      volume: ["app-tmp", "static-files-tmp", "nginx-tmp", "static", "exec-agent-state", "exec-agent-logs"].map((name) => ({ name })),
    });

    const migrateContainer = {
      name: CONTAINERS.migrate,
      image: appImage,
      essential: true,
      user: web.containerUser,
      readonlyRootFilesystem: true,
      // Creates (or re-grants) the app role, then execs `python manage.py migrate --noinput`.
      command: ["python", "-c", APP_ROLE_BOOTSTRAP],
      environment: migrateEnv.environment,
      secrets: migrateEnv.secrets,
      mountPoints: [{ sourceVolume: "migrate-tmp", containerPath: "/tmp", readOnly: false }],
      linuxParameters: { capabilities: DROP_ALL_CAPABILITIES },
      stopTimeout: web.stopTimeoutSeconds,
      logConfiguration: logging(CONTAINERS.migrate),
    };
    this.migrationTaskDefinition = new EcsTaskDefinition(this, "migration-task-definition", {
      ...taskBase,
      executionRoleArn: this.migrationExecutionRole.arn,
      // The migration calls no AWS API: no task role.
      taskRoleArn: undefined,
      family: `${prefix}-migrate`,
      containerDefinitions: JSON.stringify([migrateContainer]),
      volume: [{ name: "migrate-tmp" }],
    });

    // --- network ---
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${prefix}-web-tasks`,
      description: "Web tasks: nginx from the load balancer; out to the data stores, Qdrant and HTTPS",
      vpcId: props.vpcId,
      tags: { Name: `${prefix}-web-tasks` },
    });
    const sg = this.securityGroup.id;
    const egress = (name: string, description: string, port: number, to: { referencedSecurityGroupId?: string; cidrIpv4?: string }) =>
      new VpcSecurityGroupEgressRule(this, `egress-${name}`, {
        securityGroupId: sg,
        description,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        ...to,
      });
    // AWS APIs (ECR, Secrets Manager, Logs, SSM) and the Gemini API are HTTPS endpoints outside the VPC or behind endpoints.
    egress("https", "HTTPS to AWS APIs and the Gemini API", 443, { cidrIpv4: "0.0.0.0/0" });
    egress("database", "PostgreSQL", props.database.port, { referencedSecurityGroupId: props.database.securityGroup.id });
    egress("cache", "Redis", props.cache.port, { referencedSecurityGroupId: props.cache.securityGroup.id });
    egress("qdrant-http", "Qdrant HTTP", props.qdrant.httpPort, { referencedSecurityGroupId: props.qdrant.securityGroup.id });
    egress("qdrant-grpc", "Qdrant gRPC", props.qdrant.grpcPort, { referencedSecurityGroupId: props.qdrant.securityGroup.id });
    props.database.allowFrom(sg, "web tasks");
    props.cache.allowFrom(sg, "web tasks");
    props.qdrant.allowFrom(sg, "web tasks");

    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: `${prefix}-web`,
      targetType: "ip",
      protocol: "HTTP",
      port: NGINX_PORT,
      vpcId: props.vpcId,
      deregistrationDelay: String(web.deregistrationDelaySeconds),
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: web.healthCheck.path,
        matcher: "200",
        interval: web.healthCheck.intervalSeconds,
        timeout: web.healthCheck.timeoutSeconds,
        healthyThreshold: web.healthCheck.healthyThreshold,
        unhealthyThreshold: web.healthCheck.unhealthyThreshold,
      },
    });
    props.loadBalancer.attachTargetGroup(this.targetGroup, { targetSecurityGroupId: sg, port: NGINX_PORT });

    this.migrationNetworkConfiguration = {
      awsvpcConfiguration: { subnets: [...props.subnetIds], securityGroups: [sg], assignPublicIp: "DISABLED" },
    };

    // --- service ---
    this.service = new EcsService(this, "service", {
      name: `${prefix}-web`,
      cluster: props.cluster.cluster.id,
      taskDefinition: this.taskDefinition.arn,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      desiredCount: web.desiredCount,
      // Fargate places tasks across the subnets' AZs itself (it takes no placement strategies); rebalancing keeps them spread.
      availabilityZoneRebalancing: "ENABLED",
      networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [sg], assignPublicIp: false },
      loadBalancer: [{ targetGroupArn: this.targetGroup.arn, containerName: CONTAINERS.nginx, containerPort: NGINX_PORT }],
      healthCheckGracePeriodSeconds: web.healthCheckGracePeriodSeconds,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // Tasks that turn healthy but answer errors or slowly: the alarms roll the deployment back.
      ...(props.deploymentAlarmNames?.length
        ? { alarms: { alarmNames: [...props.deploymentAlarmNames], enable: true, rollback: true } }
        : {}),
      enableExecuteCommand: true,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      // Autoscaling owns the desired count after creation.
      lifecycle: { ignoreChanges: ["desired_count"] },
      dependsOn: [props.loadBalancer.httpsListener],
    });

    // --- autoscaling ---
    this.scalingTarget = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.cluster.cluster.name}/${this.service.name}`,
      minCapacity: web.minTasks,
      maxCapacity: web.maxTasks,
    });
    const tracking = (name: string, predefinedMetricType: string, targetValue: number, resourceLabel?: string) =>
      new AppautoscalingPolicy(this, `${name}-scaling`, {
        name: `${prefix}-web-${name}`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: this.scalingTarget.serviceNamespace,
        scalableDimension: this.scalingTarget.scalableDimension,
        resourceId: this.scalingTarget.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue,
          scaleInCooldown: web.scaleInCooldownSeconds,
          scaleOutCooldown: web.scaleOutCooldownSeconds,
          predefinedMetricSpecification: { predefinedMetricType, resourceLabel },
        },
      });
    this.cpuScalingPolicy = tracking("cpu", "ECSServiceAverageCPUUtilization", web.cpuTargetPercent);
    // Waiting on the LLM API takes almost no CPU: requests per task, derived from the task's
    // slots and the answer time, is what tracks this workload.
    this.requestScalingPolicy = tracking(
      "requests",
      "ALBRequestCountPerTarget",
      this.capacity.requestsPerTargetPerMinute,
      `${props.loadBalancerArnSuffix}/${this.targetGroup.arnSuffix}`,
    );
    // Request counts fall when answers queue (each takes longer), so latency adds tasks too.
    this.latencyScalingPolicy = new AppautoscalingPolicy(this, "latency-scaling", {
      name: `${prefix}-web-latency`,
      policyType: "StepScaling",
      serviceNamespace: this.scalingTarget.serviceNamespace,
      scalableDimension: this.scalingTarget.scalableDimension,
      resourceId: this.scalingTarget.resourceId,
      stepScalingPolicyConfiguration: {
        adjustmentType: "PercentChangeInCapacity",
        minAdjustmentMagnitude: 1,
        cooldown: web.scaleOutCooldownSeconds,
        metricAggregationType: "Maximum",
        stepAdjustment: [{ metricIntervalLowerBound: "0", scalingAdjustment: LATENCY_STEP_PERCENT }],
      },
    });
    this.latencyScaleOutAlarm = new CloudwatchMetricAlarm(this, "latency-scale-out", {
      alarmName: `${prefix}-web-latency-scale-out`,
      alarmDescription:
        `p95 target response time above ${web.latencyScaleOutP95Seconds} s in ${LATENCY_SCALE_OUT.datapointsToAlarm} of ` +
        `${LATENCY_SCALE_OUT.evaluationPeriods} minutes: answers are queueing; adds ${LATENCY_STEP_PERCENT}% more web tasks.`,
      namespace: "AWS/ApplicationELB",
      metricName: "TargetResponseTime",
      dimensions: { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: this.targetGroup.arnSuffix },
      extendedStatistic: "p95",
      period: LATENCY_SCALE_OUT.periodSeconds,
      evaluationPeriods: LATENCY_SCALE_OUT.evaluationPeriods,
      datapointsToAlarm: LATENCY_SCALE_OUT.datapointsToAlarm,
      comparisonOperator: "GreaterThanThreshold",
      threshold: web.latencyScaleOutP95Seconds,
      treatMissingData: "notBreaching",
      alarmActions: [this.latencyScalingPolicy.arn],
    });
  }
}

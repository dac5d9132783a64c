/**
 * The price table behind `npm run stage-config -- <stage>` (scripts/stage-config/cost.ts):
 * AWS on-demand list prices in USD for one region, without tax, free tier, Savings
 * Plans or reserved capacity.
 *
 * How stale it may be: the prices below were read for PRICE_REGION as of PRICES_AS_OF.
 * AWS changes list prices a few times a year (mostly downwards, and new instance
 * families arrive priced apart); the cost printout states the date and warns when
 * the table is older than PRICE_TABLE_MAX_AGE_DAYS or the stage runs in another
 * region. Treat the total as an estimate within ±15 %, never as a bill.
 *
 * Updating: with credentials for any account (the Price List API answers in us-east-1),
 *
 *   aws pricing get-products --region us-east-1 --service-code AmazonRDS --filters \
 *     Type=TERM_MATCH,Field=regionCode,Value=eu-west-1 Type=TERM_MATCH,Field=instanceType,Value=db.m7g.large \
 *     Type=TERM_MATCH,Field=databaseEngine,Value=PostgreSQL Type=TERM_MATCH,Field=deploymentOption,Value=Single-AZ \
 *     --query 'PriceList[0]' --output text | jq '.terms.OnDemand[].priceDimensions[].pricePerUnit.USD'
 *
 * (service codes: AmazonECS for Fargate, AmazonEC2 for NAT gateways and public IPv4,
 * AWSELB, AmazonRDS, AmazonElastiCache, AmazonEFS, AmazonVPC for endpoints,
 * AmazonCloudWatch, awswaf, awskms, AWSSecretsManager, AWSBackup), or read the
 * service's pricing page; change the numbers, PRICES_AS_OF, and run the tests.
 */

/** Region the prices were read for. */
export const PRICE_REGION = "eu-west-1";
/** When they were read (YYYY-MM-DD). */
export const PRICES_AS_OF = "2025-11-01";
/** Older than this, the printout says the table wants a refresh. */
export const PRICE_TABLE_MAX_AGE_DAYS = 180;
/** Hours in an average month (AWS bills 730). */
export const HOURS_PER_MONTH = 730;

export const PRICES = {
  fargate: {
    /** Linux, per vCPU-hour and per GB-hour. */
    X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  /** NAT gateway: per hour and per GB processed. */
  natGateway: { hour: 0.048, gb: 0.048 },
  /** In-use public IPv4 address, per hour (NAT gateway EIPs, one per load balancer node). */
  publicIpv4Hour: 0.005,
  /** Application Load Balancer: per hour and per LCU-hour. */
  alb: { hour: 0.0252, lcuHour: 0.008 },
  /** Interface VPC endpoint: per endpoint per AZ per hour. */
  interfaceEndpointAzHour: 0.011,
  /** RDS for PostgreSQL, Single-AZ, per instance-hour (Multi-AZ is twice). */
  rdsPostgresHour: {
    "db.t3.micro": 0.02,
    "db.t3.small": 0.04,
    "db.t3.medium": 0.08,
    "db.t4g.micro": 0.018,
    "db.t4g.small": 0.036,
    "db.t4g.medium": 0.072,
    "db.t4g.large": 0.144,
    "db.m6g.large": 0.172,
    "db.m6g.xlarge": 0.344,
    "db.m7g.large": 0.18,
    "db.m7g.xlarge": 0.36,
    "db.m7g.2xlarge": 0.72,
    "db.r6g.large": 0.258,
    "db.r7g.large": 0.276,
    "db.r7g.xlarge": 0.552,
  } as Readonly<Record<string, number>>,
  /** RDS gp3 storage per GB-month, Single-AZ (Multi-AZ is twice). */
  rdsStorageGbMonth: 0.127,
  /** ElastiCache (Redis OSS) on-demand, per node-hour. */
  elasticacheNodeHour: {
    "cache.t4g.micro": 0.018,
    "cache.t4g.small": 0.036,
    "cache.t4g.medium": 0.073,
    "cache.m6g.large": 0.166,
    "cache.m7g.large": 0.18,
    "cache.m7g.xlarge": 0.36,
    "cache.r6g.large": 0.228,
    "cache.r7g.large": 0.247,
  } as Readonly<Record<string, number>>,
  /** EFS Standard storage per GB-month; Elastic throughput per GB read and written. */
  efs: { standardGbMonth: 0.33, elasticReadGb: 0.03, elasticWriteGb: 0.06 },
  /** Backup storage per GB-month: AWS Backup of EFS (warm) and of RDS snapshots. */
  backup: { efsGbMonth: 0.06, rdsSnapshotGbMonth: 0.095 },
  /** S3 Standard per GB-month. */
  s3GbMonth: 0.023,
  /** CloudWatch: log ingestion and storage per GB, standard alarm and dashboard per month. */
  cloudwatch: { logIngestGb: 0.57, logStorageGbMonth: 0.03, alarmMonth: 0.1, dashboardMonth: 3 },
  /** WAF: per web ACL-month, per rule-month, per million requests. */
  waf: { aclMonth: 5, ruleMonth: 1, millionRequests: 0.6 },
  /** KMS customer managed key per month. */
  kmsKeyMonth: 1,
  /** Secrets Manager secret per month. */
  secretMonth: 0.4,
} as const;

/**
 * Usage the config does not state, assumed per stage and month: set them to what the
 * stage's bills show once it runs. Production-like traffic for production, a tenth for others.
 */
export const USAGE_ASSUMPTIONS = {
  production: {
    natGbProcessed: 100,
    albAverageLcu: 2,
    wafMillionRequests: 5,
    logIngestGb: 30,
    efsStoredGb: 10,
    efsElasticGbRead: 50,
    efsElasticGbWritten: 10,
    snapshotBucketGb: 20,
  },
  other: {
    natGbProcessed: 10,
    albAverageLcu: 0.3,
    wafMillionRequests: 0.5,
    logIngestGb: 5,
    efsStoredGb: 2,
    efsElasticGbRead: 5,
    efsElasticGbWritten: 1,
    snapshotBucketGb: 2,
  },
} as const;

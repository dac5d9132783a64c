/**
 * Instance types the config may name: RDS for PostgreSQL instance classes and
 * ElastiCache (Redis OSS / Valkey) node types. A value outside these tables is
 * refused at synth with the nearest known type suggested, instead of failing in
 * the middle of `terraform apply`.
 *
 * Written as family -> sizes so a review reads the families, not hundreds of lines.
 * Availability still varies by region and engine version; AWS has the last word.
 *
 * Updating (a new family or size), with credentials for any account:
 *
 *   aws rds describe-orderable-db-instance-options --engine postgres --engine-version 15.8 \
 *     --query 'OrderableDBInstanceOptions[].DBInstanceClass' --output text | tr '\t' '\n' | sort -u
 *   aws elasticache describe-reserved-cache-nodes-offerings \
 *     --query 'ReservedCacheNodesOfferings[].CacheNodeType' --output text | tr '\t' '\n' | sort -u
 *
 * (the ElastiCache list is also at https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html),
 * add the family or size below, and run the tests (`__tests__/config/tables.test.ts`).
 * A new RDS class also wants its memory in config/sizing.ts (max_connections), or
 * `database.maxConnections` set in the stage.
 */

const T = ["micro", "small", "medium", "large", "xlarge", "2xlarge"];
const TO_16 = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const TO_24 = [...TO_16, "24xlarge"];
const TO_32 = [...TO_24, "32xlarge"];
const TO_48 = [...TO_24, "48xlarge"];

/** RDS for PostgreSQL 15 instance classes, by family. */
export const RDS_POSTGRES_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  t3: T,
  t4g: T,
  m5: TO_24,
  m5d: TO_24,
  m6g: TO_16,
  m6gd: TO_16,
  m6i: TO_32,
  m6id: TO_32,
  m6idn: TO_32,
  m6in: TO_32,
  m7g: TO_16,
  m7i: TO_48,
  m8g: TO_48,
  r5: TO_24,
  r5b: TO_24,
  r5d: TO_24,
  r6g: TO_16,
  r6gd: TO_16,
  r6i: TO_32,
  r6id: TO_32,
  r6idn: TO_32,
  r6in: TO_32,
  r7g: TO_16,
  r7i: TO_48,
  r8g: TO_48,
  x2g: TO_16,
};

/** ElastiCache node types (Redis OSS and Valkey), by family. */
export const CACHE_NODE_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  t2: ["micro", "small", "medium"],
  t3: ["micro", "small", "medium"],
  t4g: ["micro", "small", "medium"],
  m4: ["large", "xlarge", "2xlarge", "4xlarge", "10xlarge"],
  m5: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
  m6g: TO_16,
  m7g: TO_16,
  r4: TO_16,
  r5: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
  r6g: TO_16,
  r6gd: ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
  r7g: TO_16,
  c7gn: TO_16,
};

const expand = (prefix: string, families: Readonly<Record<string, readonly string[]>>): readonly string[] =>
  Object.entries(families).flatMap(([family, sizes]) => sizes.map((size) => `${prefix}.${family}.${size}`));

/** Every RDS for PostgreSQL instance class in the table, e.g. "db.t4g.small". */
export const RDS_POSTGRES_INSTANCE_CLASSES: readonly string[] = expand("db", RDS_POSTGRES_FAMILIES);

/** Every ElastiCache node type in the table, e.g. "cache.t4g.micro". */
export const CACHE_NODE_TYPES: readonly string[] = expand("cache", CACHE_NODE_FAMILIES);

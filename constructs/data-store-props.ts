/**
 * Props every data store of the isolated tier takes (PostgresDatabase,
 * RedisCache): where it lives, and the stage keys for its secrets and logs.
 * Not a construct: the shared part of their props, composed with `extends`.
 */
export interface DataStoreProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Account owning the store's own KMS key. */
  readonly accountId: string;
  /** Region of the store's KMS key. */
  readonly region: string;
  /** VPC of the store's security group. */
  readonly vpcId: string;
  /** Isolated subnets for the subnet group, in at least two AZs. */
  readonly subnetIds: string[];
  /** KMS key encrypting the store's secrets (the stage's secrets key). */
  readonly secretsKmsKeyArn: string;
  /** KMS key encrypting the store's log groups (the stage's logs key). */
  readonly logsKmsKeyArn: string;
  /** Retention of the store's log groups. */
  readonly logRetentionDays: number;
}

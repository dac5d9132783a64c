/**
 * What the data stores of the isolated tier (PostgresDatabase, RedisCache) share.
 * Not a construct: their common props, composed with `extends`, and the one way
 * they admit a client.
 */
import type { Construct } from "constructs";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

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

/**
 * Admits TCP `port` on `targetSecurityGroupId` from another security group (never
 * from a CIDR), as the next `ingress-<n>` child of `store`.
 */
export function admitFromSecurityGroup(
  store: Construct,
  targetSecurityGroupId: string,
  port: number,
  sourceSecurityGroupId: string,
  description: string,
): VpcSecurityGroupIngressRule {
  const index = store.node.children.filter((c) => c.node.id.startsWith("ingress-")).length;
  return new VpcSecurityGroupIngressRule(store, `ingress-${index}`, {
    securityGroupId: targetSecurityGroupId,
    referencedSecurityGroupId: sourceSecurityGroupId,
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    description,
  });
}

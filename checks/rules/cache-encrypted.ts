/**
 * DFP-DATA-2: Redis/Valkey replication groups encrypt at rest and in transit.
 */
import { outcomeOf, type Rule } from "../types";
import { isTrue } from "../util";

export const cacheEncrypted: Rule = {
  id: "DFP-DATA-2",
  info: "Every aws_elasticache_replication_group sets at_rest_encryption_enabled and transit_encryption_enabled to true.",
  explanation:
    "The cache holds session data and cached answers; without at-rest encryption its snapshots and swap are " +
    "readable, and without in-transit encryption the AUTH token and every value cross the VPC in clear text. " +
    "Neither can be switched on in place for every engine version. Fix: set at_rest_encryption_enabled = true " +
    "(with kms_key_id) and transit_encryption_enabled = true, and connect with rediss://.",
  fix: "set at_rest_encryption_enabled = true (with kms_key_id) and transit_encryption_enabled = true",
  check: (resource) => {
    if (resource.type !== "aws_elasticache_replication_group") return "not-applicable";
    const a = resource.attributes;
    const problems: string[] = [];
    if (!isTrue(a.at_rest_encryption_enabled)) problems.push(`at_rest_encryption_enabled is ${JSON.stringify(a.at_rest_encryption_enabled) ?? "unset"}`);
    if (!isTrue(a.transit_encryption_enabled)) problems.push(`transit_encryption_enabled is ${JSON.stringify(a.transit_encryption_enabled) ?? "unset"}`);
    return outcomeOf(problems);
  },
};

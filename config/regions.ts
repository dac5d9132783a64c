/**
 * The AWS regions a stage may use, with the IDs of their availability zones.
 *
 * An AZ ID (`euw1-az1`) names the same physical zone in every account, unlike an AZ
 * name (`eu-west-1a`), which each account maps to a zone of its own. The config
 * checks use this table to refuse a mistyped region (`eu-west-l`) and an
 * `network.azCount` above the zones a region has (a subnet index past the end would
 * otherwise wrap onto a zone already used).
 *
 * Updating (a new region, or a region that gained a zone), with credentials for an
 * account where the region is enabled:
 *
 *   aws ec2 describe-regions --all-regions --query 'Regions[].RegionName' --output text
 *   aws ec2 describe-availability-zones --region <region> \
 *     --filters Name=zone-type,Values=availability-zone Name=opt-in-status,Values=opt-in-not-required \
 *     --query 'AvailabilityZones[].ZoneId' --output text
 *
 * then edit the entry here (zone IDs in order) and run the tests
 * (`__tests__/config/regions.test.ts` keeps the table well-formed).
 * Only zones that take new subnets for every service this project uses belong
 * here: AWS lists some constrained zones (use1-az3, usw1-az2, apne1-az3, cac1-az3)
 * that no longer accept new resources; they are left out on purpose.
 */

/** One region's availability zones. */
export interface RegionInfo {
  /** AZ IDs, in the order subnets are spread over them. */
  readonly azIds: readonly string[];
}

/** Commercial AWS regions (partition aws) and their usable availability zone IDs. */
export const REGIONS: Readonly<Record<string, RegionInfo>> = {
  "af-south-1": { azIds: ["afs1-az1", "afs1-az2", "afs1-az3"] },
  "ap-east-1": { azIds: ["ape1-az1", "ape1-az2", "ape1-az3"] },
  "ap-northeast-1": { azIds: ["apne1-az1", "apne1-az2", "apne1-az4"] },
  "ap-northeast-2": { azIds: ["apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"] },
  "ap-northeast-3": { azIds: ["apne3-az1", "apne3-az2", "apne3-az3"] },
  "ap-south-1": { azIds: ["aps1-az1", "aps1-az2", "aps1-az3"] },
  "ap-south-2": { azIds: ["aps2-az1", "aps2-az2", "aps2-az3"] },
  "ap-southeast-1": { azIds: ["apse1-az1", "apse1-az2", "apse1-az3"] },
  "ap-southeast-2": { azIds: ["apse2-az1", "apse2-az2", "apse2-az3"] },
  "ap-southeast-3": { azIds: ["apse3-az1", "apse3-az2", "apse3-az3"] },
  "ap-southeast-4": { azIds: ["apse4-az1", "apse4-az2", "apse4-az3"] },
  "ca-central-1": { azIds: ["cac1-az1", "cac1-az2", "cac1-az4"] },
  "ca-west-1": { azIds: ["caw1-az1", "caw1-az2", "caw1-az3"] },
  "eu-central-1": { azIds: ["euc1-az1", "euc1-az2", "euc1-az3"] },
  "eu-central-2": { azIds: ["euc2-az1", "euc2-az2", "euc2-az3"] },
  "eu-north-1": { azIds: ["eun1-az1", "eun1-az2", "eun1-az3"] },
  "eu-south-1": { azIds: ["eus1-az1", "eus1-az2", "eus1-az3"] },
  "eu-south-2": { azIds: ["eus2-az1", "eus2-az2", "eus2-az3"] },
  "eu-west-1": { azIds: ["euw1-az1", "euw1-az2", "euw1-az3"] },
  "eu-west-2": { azIds: ["euw2-az1", "euw2-az2", "euw2-az3"] },
  "eu-west-3": { azIds: ["euw3-az1", "euw3-az2", "euw3-az3"] },
  "il-central-1": { azIds: ["ilc1-az1", "ilc1-az2", "ilc1-az3"] },
  "me-central-1": { azIds: ["mec1-az1", "mec1-az2", "mec1-az3"] },
  "me-south-1": { azIds: ["mes1-az1", "mes1-az2", "mes1-az3"] },
  "sa-east-1": { azIds: ["sae1-az1", "sae1-az2", "sae1-az3"] },
  "us-east-1": { azIds: ["use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"] },
  "us-east-2": { azIds: ["use2-az1", "use2-az2", "use2-az3"] },
  "us-west-1": { azIds: ["usw1-az1", "usw1-az3"] },
  "us-west-2": { azIds: ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"] },
};

/** The region's entry, or undefined for a region not in the table. */
export function regionInfo(region: string): RegionInfo | undefined {
  return Object.prototype.hasOwnProperty.call(REGIONS, region) ? REGIONS[region] : undefined;
}

/**
 * Names AWS refuses that the name prefix would produce: the load balancer is named
 * `<prefix>-alb` and AWS refuses a load balancer name starting with `internal-`
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html);
 * the S3 buckets are named `<prefix>-...` and S3 refuses names starting with `xn--`,
 * `sthree-` or `amzn-s3-demo-` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 * Length and characters are the schema's pattern (3-16 lower-case letters, digits, hyphens).
 */
import type { StageCheck } from "./types";

const RESERVED: readonly (readonly [string, string])[] = [
  ["internal-", "load balancer names"],
  ["xn--", "S3 bucket names"],
  ["sthree-", "S3 bucket names"],
  ["amzn-s3-demo-", "S3 bucket names"],
];

export const namePrefixNotReserved: StageCheck = ({ namePrefix }, problem) => {
  for (const [reserved, what] of RESERVED) {
    if (namePrefix.startsWith(reserved)) problem(["namePrefix"], `starts with "${reserved}", which AWS refuses at the start of ${what}`);
  }
};

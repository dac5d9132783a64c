/**
 * Rules across stages: what one stage claims (a name prefix, a state object, a DNS
 * name, a VPC range) no other stage may claim too. Run on every stage parsed as far
 * as it could be: a stage with a field error elsewhere is still checked.
 *
 * DNS names: each stage's `domain.name` and certificate names
 * (`domain.subjectAlternativeNames`) become records and certificate names; two stages
 * with one name would overwrite each other's alias record. VPC ranges: overlapping
 * stages cannot be peered or routed through a transit gateway later.
 */
import { parseIpv4Cidr } from "../cidr";
import { runGuarded } from "../partial";
import type { StageConfig } from "../schema";

/** Reports a problem of one stage at a path. */
export type StageProblem = (stage: string, path: (string | number)[], message: string) => void;

interface Claim {
  readonly key: string;
  readonly path: (string | number)[];
  readonly what: string;
}

function claimsOf(stage: StageConfig): Claim[] {
  const claims: Claim[] = [];
  runGuarded(() => claims.push({ key: `namePrefix ${stage.namePrefix}`, path: ["namePrefix"], what: "every stage needs its own" }));
  runGuarded(() =>
    claims.push({ key: `state s3://${stage.state.bucket}/${stage.state.key}`, path: ["state", "key"], what: "every stage needs its own" }),
  );
  runGuarded(() => {
    const dnsName = (name: string, path: (string | number)[]) =>
      claims.push({ key: `dns ${name}`, path, what: "two stages cannot share a DNS name (their alias records would overwrite each other)" });
    dnsName(stage.domain.name, ["domain", "name"]);
    runGuarded(() => stage.domain.subjectAlternativeNames.forEach((name, i) => dnsName(name, ["domain", "subjectAlternativeNames", i])));
  });
  return claims;
}

function overlaps(a: string, b: string): boolean {
  const x = parseIpv4Cidr(a);
  const y = parseIpv4Cidr(b);
  if (!x || !y) return false;
  const prefix = Math.min(x.prefixLength, y.prefixLength);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((x.base & mask) >>> 0) === ((y.base & mask) >>> 0);
}

/** Checks the stages (in config order) against each other; a later stage is reported against the earlier one. */
export function crossStageProblems(stages: readonly { readonly name: string; readonly stage: StageConfig }[], problem: StageProblem): void {
  const owners = new Map<string, string>();
  const ranges: { name: string; cidr: string }[] = [];
  for (const { name, stage } of stages) {
    for (const claim of claimsOf(stage)) {
      const owner = owners.get(claim.key);
      // A name repeated within one stage is the schema's rule (domain.subjectAlternativeNames).
      if (owner && owner !== name) problem(name, claim.path, `is already used by stage ${owner}; ${claim.what}`);
      else owners.set(claim.key, name);
    }
    runGuarded(() => {
      const cidr = stage.network.vpcCidr;
      for (const other of ranges) {
        if (overlaps(cidr, other.cidr)) {
          problem(
            name,
            ["network", "vpcCidr"],
            `overlaps ${other.name}.network.vpcCidr ("${other.cidr}"); give every stage its own range (peering or transit routing between stages needs distinct ones)`,
          );
        }
      }
      ranges.push({ name, cidr });
    });
  }
}

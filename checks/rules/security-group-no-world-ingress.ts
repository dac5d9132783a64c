/**
 * DFP-SG-1: no ingress from the whole internet, except HTTP/HTTPS to a load balancer.
 */
import { outcomeOf, type Rule, type SynthResource, type SynthStack } from "../types";
import { blocks, list, referencedName, resourcesOf } from "../util";

/** CIDRs meaning "anyone". */
export const WORLD_CIDRS = ["0.0.0.0/0", "::/0"] as const;
/** Ports that may be open to the world, on a load balancer's security group only. */
export const PUBLIC_PORTS = [80, 443] as const;

/** One ingress permission, normalized from any of the four ways Terraform spells it. */
interface Ingress {
  readonly cidrs: string[];
  readonly protocol: string;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  /** Name of the aws_security_group it belongs to, if it is a reference to one. */
  readonly securityGroup: string | undefined;
  readonly where: string;
}

function ingressOf(resource: SynthResource): Ingress[] | undefined {
  const a = resource.attributes as Record<string, any>;
  switch (resource.type) {
    case "aws_security_group":
    case "aws_default_security_group":
      return blocks(a.ingress).map((b, i) => ({
        cidrs: [...list(b.cidr_blocks), ...list(b.ipv6_cidr_blocks)].map(String),
        protocol: String(b.protocol ?? ""),
        fromPort: b.from_port,
        toPort: b.to_port,
        securityGroup: resource.type === "aws_security_group" ? resource.name : undefined,
        where: `inline ingress #${i + 1}`,
      }));
    case "aws_security_group_rule":
      if (a.type !== "ingress") return [];
      return [
        {
          cidrs: [...list(a.cidr_blocks), ...list(a.ipv6_cidr_blocks)].map(String),
          protocol: String(a.protocol ?? ""),
          fromPort: a.from_port,
          toPort: a.to_port,
          securityGroup: referencedName(a.security_group_id, "aws_security_group", ["id"]),
          where: "rule",
        },
      ];
    case "aws_vpc_security_group_ingress_rule":
      return [
        {
          cidrs: [a.cidr_ipv4, a.cidr_ipv6].filter((c) => c !== undefined).map(String),
          protocol: String(a.ip_protocol ?? ""),
          fromPort: a.from_port,
          toPort: a.to_port,
          securityGroup: referencedName(a.security_group_id, "aws_security_group", ["id"]),
          where: "rule",
        },
      ];
    default:
      return undefined;
  }
}

/** Whether the security group `name` is attached to a load balancer (aws_lb / aws_alb security_groups). */
function onLoadBalancer(name: string, stack: SynthStack): boolean {
  return ["aws_lb", "aws_alb"].some((type) =>
    resourcesOf(stack, type).some(([, lb]) =>
      list(lb.security_groups).some((sg) => referencedName(sg, "aws_security_group", ["id"]) === name),
    ),
  );
}

function portText(ingress: Ingress): string {
  if (ingress.protocol === "-1" || ingress.protocol === "all") return "all traffic";
  return ingress.fromPort === ingress.toPort ? `port ${ingress.fromPort}` : `ports ${ingress.fromPort}-${ingress.toPort}`;
}

function isPublicWebPort(ingress: Ingress): boolean {
  const tcp = ingress.protocol === "tcp" || ingress.protocol === "6";
  const port = Number(ingress.fromPort);
  return tcp && Number(ingress.toPort) === port && (PUBLIC_PORTS as readonly number[]).includes(port);
}

export const securityGroupNoWorldIngress: Rule = {
  id: "DFP-SG-1",
  info: "No security-group ingress from 0.0.0.0/0 or ::/0, except TCP 80/443 on a load balancer's security group.",
  explanation:
    "Only the internet-facing load balancer listens to the world, and only for HTTP (redirected) and HTTPS. Every " +
    "other security group admits traffic from the security groups of its clients (referenced_security_group_id), " +
    "so a database, cache, task or endpoint is never one mistaken rule away from the internet. This covers inline " +
    "ingress blocks (aws_security_group, aws_default_security_group), aws_security_group_rule and " +
    "aws_vpc_security_group_ingress_rule. Fix: admit the client's security group instead of a CIDR (allowFrom()), " +
    "or, for the edge, open only 80/443 on the security group attached to the aws_lb.",
  fix: "admit the client's security group (referenced_security_group_id via allowFrom()) instead of 0.0.0.0/0 or ::/0",
  check: (resource, stack) => {
    const ingresses = ingressOf(resource);
    if (ingresses === undefined) return "not-applicable";
    const problems: string[] = [];
    for (const ingress of ingresses) {
      const world = ingress.cidrs.filter((c) => (WORLD_CIDRS as readonly string[]).includes(c));
      if (world.length === 0) continue;
      const from = `${ingress.where} admits ${portText(ingress)} from ${world.join(" and ")}`;
      if (!isPublicWebPort(ingress)) problems.push(from);
      else if (ingress.securityGroup === undefined || !onLoadBalancer(ingress.securityGroup, stack)) {
        problems.push(`${from}, but its security group is not attached to a load balancer`);
      }
    }
    return outcomeOf(problems);
  },
};

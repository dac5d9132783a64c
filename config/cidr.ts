/**
 * IPv4 CIDR arithmetic, done at synthesis time so that every subnet range is a
 * plain value in the synthesized JSON (reviewable in a plan, assertable in a test)
 * instead of a `cidrsubnet()` call that only Terraform can evaluate.
 */

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A parsed IPv4 network: its base address as an unsigned 32-bit number and its prefix length. */
export interface Ipv4Network {
  readonly base: number;
  readonly prefixLength: number;
}

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a canonical IPv4 CIDR. */
export function parseIpv4Cidr(cidr: string): Ipv4Network | undefined {
  const match = IPV4_CIDR.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const hostBits = 32 - prefixLength;
  const mask = hostBits === 32 ? 0 : (0xffffffff << hostBits) >>> 0;
  // Host bits set (10.0.0.1/16) is a typo more often than an intent: reject it.
  if ((address & mask) >>> 0 !== address) return undefined;
  return { base: address, prefixLength };
}

/** True when `cidr` is a canonical IPv4 CIDR (network address, prefix 0-32). */
export function isIpv4Cidr(cidr: string): boolean {
  return parseIpv4Cidr(cidr) !== undefined;
}

function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join(".");
}

/**
 * Same contract as Terraform's `cidrsubnet(prefix, newbits, netnum)`: the
 * `netnum`-th network of size `/(prefix + newbits)` inside `cidr`.
 */
export function cidrSubnet(cidr: string, newBits: number, netNum: number): string {
  const network = parseIpv4Cidr(cidr);
  if (!network) throw new Error(`cidrSubnet: "${cidr}" is not a valid IPv4 CIDR`);
  const prefixLength = network.prefixLength + newBits;
  if (prefixLength > 32) {
    throw new Error(`cidrSubnet: "${cidr}" has no room for ${newBits} more prefix bits`);
  }
  if (!Number.isInteger(netNum) || netNum < 0 || netNum >= 2 ** newBits) {
    throw new Error(`cidrSubnet: network number ${netNum} does not fit in ${newBits} bits of "${cidr}"`);
  }
  const base = (network.base + netNum * 2 ** (32 - prefixLength)) >>> 0;
  return `${formatIpv4(base)}/${prefixLength}`;
}

import ipaddr from "ipaddr.js";

/**
 * IP helpers for baselines and allowlists. Unparseable addresses never match anything (logs carry
 * "<null>", empty strings and masked addresses), so a bad IP can only make a finding less certain.
 */

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

function parse(ip: string | null | undefined): Parsed | undefined {
  if (!ip) return undefined;
  try {
    const addr = ipaddr.parse(ip.trim());
    // IPv4-mapped IPv6 addresses are the IPv4 address for every purpose here.
    return addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()
      ? (addr as ipaddr.IPv6).toIPv4Address()
      : addr;
  } catch {
    return undefined;
  }
}

const prefixes = new Map<string, string | undefined>();

/** The network an address belongs to for baseline purposes: /24 for IPv4, /48 for IPv6. */
export function ipPrefix(ip: string | null | undefined): string | undefined {
  if (!ip) return undefined;
  // Parsing dominates baseline building; a user's addresses repeat across their sign-ins.
  if (prefixes.has(ip)) return prefixes.get(ip);
  const prefix = computePrefix(ip);
  if (prefixes.size >= 500_000) prefixes.clear();
  prefixes.set(ip, prefix);
  return prefix;
}

function computePrefix(ip: string): string | undefined {
  const addr = parse(ip);
  if (!addr) return undefined;
  if (addr.kind() === "ipv4") return `${addr.toByteArray().slice(0, 3).join(".")}.0/24`;
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 3);
  return `${parts.map((part) => part.toString(16)).join(":")}::/48`;
}

export interface CidrRange {
  text: string;
  range: [Parsed, number];
}

/** Parses "a.b.c.d/n", "v6/n" or a bare address; undefined when it is not one. */
export function parseCidr(text: string): CidrRange | undefined {
  try {
    if (text.includes("/")) return { text, range: ipaddr.parseCIDR(text.trim()) };
    const addr = parse(text);
    if (!addr) return undefined;
    return { text, range: [addr, addr.kind() === "ipv4" ? 32 : 128] };
  } catch {
    return undefined;
  }
}

export function inRange(ip: string | null | undefined, cidr: CidrRange): boolean {
  const addr = parse(ip);
  if (!addr || addr.kind() !== cidr.range[0].kind()) return false;
  return addr.match(cidr.range);
}

import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

// A workspace owner chooses where its events go; they must not be able to make our servers call our own
// network (the cloud metadata service, the database, an admin port). Checked before every attempt.

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, "ipv4");
}
// IPv6 forms that reach an IPv4 address: IPv4-compatible (::/96, with :: and ::1), NAT64 (RFC 6052's
// well-known and RFC 8215's local prefix) and 6to4 gateways. Each could reach 127.0.0.1 or the metadata
// service; a real receiver has a native address.
for (const [network, prefix] of [
  ["::", 96],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, "ipv6");
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, "ipv4");
  const family = isIP(address);
  return family === 0 ? true : PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * What a delivery records for any failure below HTTP: refused, reset, unreachable, timed out or a host
 * that does not resolve. Told apart, they would make the delivery log a scanner of hosts and ports.
 */
export const CONNECTION_FAILED = "could not connect to the endpoint, or it did not answer in time";

/** Null when every address the URL's host resolves to is public; otherwise why the attempt is refused. */
export async function refusedTarget(url: string): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    return CONNECTION_FAILED;
  }
  return addresses.some(isPrivateAddress) ? "the endpoint's host is a private or local address" : null;
}

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The SSRF guard for webhook URLs. A URL is refused when any address its hostname resolves to is
 * private, loopback, link-local (cloud metadata at 169.254.169.254 included), CGNAT, unspecified,
 * reserved or multicast — unless the policy allows it. The check runs at registration and again
 * before every send, and the sender connects to the very address it checked (see
 * `pinnedLookup`), so a hostname that re-resolves to an internal address (DNS rebinding) does not
 * get through.
 */

/** `SLUICE_WEBHOOK_ALLOW_PRIVATE`: `none` (AWS default), `loopback` (local default) or `all`. */
export const privateAddressPolicies = ['none', 'loopback', 'all'] as const;
export type PrivateAddressPolicy = (typeof privateAddressPolicies)[number];

export function parsePrivateAddressPolicy(
  value: string | undefined,
  fallback: PrivateAddressPolicy,
): PrivateAddressPolicy {
  if (value === undefined || value === '') return fallback;
  if ((privateAddressPolicies as readonly string[]).includes(value)) return value as PrivateAddressPolicy;
  throw new Error(
    `SLUICE_WEBHOOK_ALLOW_PRIVATE must be one of ${privateAddressPolicies.join(', ')}, got "${value}"`,
  );
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to all its addresses. Injected in tests. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'unspecified'
  | 'reserved'
  | 'multicast';

/** Refused with a reason safe to show the merchant. */
export class UrlRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlRefusedError';
  }
}

export interface CheckedUrl {
  url: URL;
  /** The addresses checked, in resolver order: connect to one of these. */
  addresses: ResolvedAddress[];
}

/**
 * Parses and checks a webhook URL; throws `UrlRefusedError` when it may not be called.
 *
 * @example
 * const { url, addresses } = await checkWebhookUrl('https://example.com/hook', { policy: 'none', resolve: systemResolver });
 */
export async function checkWebhookUrl(
  raw: string,
  options: { policy: PrivateAddressPolicy; resolve: Resolver },
): Promise<CheckedUrl> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefusedError('url must be an absolute http or https URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UrlRefusedError('url must use https or http');
  if (url.username !== '' || url.password !== '') throw new UrlRefusedError('url must not carry credentials');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') throw new UrlRefusedError('url needs a host');
  let addresses: ResolvedAddress[];
  const literal = isIP(host);
  if (literal !== 0) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await options.resolve(host);
    } catch {
      throw new UrlRefusedError(`url host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw new UrlRefusedError(`url host ${host} does not resolve`);
  }
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (!isAllowed(kind, options.policy)) {
      throw new UrlRefusedError(
        `url resolves to a ${kind.replace('_', '-')} address, which webhooks may not call`,
      );
    }
  }
  return { url, addresses };
}

function isAllowed(kind: AddressClass, policy: PrivateAddressPolicy): boolean {
  if (kind === 'public') return true;
  if (kind === 'multicast') return false;
  if (policy === 'all') return true;
  return policy === 'loopback' && kind === 'loopback';
}

/** ipaddr.js's IPv4 ranges (RFC 6890 and the ranges it cites) as the guard's classes. */
const v4Classes: Record<string, AddressClass> = {
  unicast: 'public',
  unspecified: 'unspecified',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link_local',
  carrierGradeNat: 'cgnat',
  multicast: 'multicast',
};

/** ipaddr.js's IPv6 ranges whose class does not depend on an embedded IPv4 address. */
const v6Classes: Record<string, AddressClass> = {
  unicast: 'public',
  unspecified: 'unspecified',
  loopback: 'loopback',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  linkLocal: 'link_local',
  multicast: 'multicast',
};

/**
 * What kind of address `address` (IPv4 or IPv6 text) is, from ipaddr.js's special-range tables.
 * An IPv6 form that carries an IPv4 address (IPv4-mapped, IPv4-translated, NAT64, 6to4,
 * Teredo) is judged by that IPv4 address; any other special range (documentation, benchmarking,
 * deprecated IPv4-compatible …) is `reserved`: fail closed on what the table does not call unicast.
 */
export function classifyAddress(address: string): AddressClass {
  if (isIP(address) === 0) return 'reserved';
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return v4Classes[parsed.range()] ?? 'reserved';
  return classifyV6(parsed as ipaddr.IPv6);
}

function classifyV6(address: ipaddr.IPv6): AddressClass {
  const range = address.range();
  const parts = address.parts;
  const v4 = (high: number, low: number) =>
    classifyAddress(new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]).toString());
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return v4(parts[6]!, parts[7]!);
    case 'rfc6052':
      // 64:ff9b::/96 carries the IPv4 address last; 64:ff9b:1::/48 is for local use only.
      return parts[1] === 0xff9b && parts[2] === 0 ? v4(parts[6]!, parts[7]!) : 'private';
    case '6to4': // 2002:AABB:CCDD::/48
      return v4(parts[1]!, parts[2]!);
    case 'teredo':
      // 2001:0:<server>:<flags>:<port>:<client>, the client address bit-inverted: the worse of the two decides.
      return worse(v4(parts[2]!, parts[3]!), v4(parts[6]! ^ 0xffff, parts[7]! ^ 0xffff));
    default:
      if (range === 'unicast' && parts.slice(0, 6).every((part) => part === 0)) return 'reserved'; // deprecated ::a.b.c.d
      return v6Classes[range] ?? 'reserved';
  }
}

function worse(a: AddressClass, b: AddressClass): AddressClass {
  return a === 'public' ? b : a;
}

/**
 * A `lookup` for `http.request` that answers with an address already checked, so the socket
 * goes where the guard looked, whatever the DNS says by then. TLS still verifies the hostname.
 */
export function pinnedLookup(address: ResolvedAddress) {
  return (
    _hostname: string,
    options: { all?: boolean },
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | Array<{ address: string; family: number }>,
      family?: number,
    ) => void,
  ): void => {
    if (options.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
}

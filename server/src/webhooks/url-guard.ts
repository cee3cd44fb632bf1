import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

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

/** What kind of address `address` (IPv4 or IPv6 text) is. IPv4-mapped IPv6 is judged as IPv4. */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 4) return classifyV4(parseV4(address));
  if (family === 6) return classifyV6(parseV6(address));
  return 'reserved';
}

function parseV4(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function inV4(value: number, base: string, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(value / size) === Math.floor(parseV4(base) / size);
}

function classifyV4(value: number): AddressClass {
  if (inV4(value, '0.0.0.0', 8)) return 'unspecified';
  if (inV4(value, '127.0.0.0', 8)) return 'loopback';
  if (inV4(value, '10.0.0.0', 8) || inV4(value, '172.16.0.0', 12) || inV4(value, '192.168.0.0', 16))
    return 'private';
  if (inV4(value, '169.254.0.0', 16)) return 'link_local';
  if (inV4(value, '100.64.0.0', 10)) return 'cgnat';
  if (inV4(value, '224.0.0.0', 4)) return 'multicast';
  if (inV4(value, '240.0.0.0', 4) || inV4(value, '192.0.0.0', 24) || inV4(value, '198.18.0.0', 15))
    return 'reserved';
  return 'public';
}

/** Eight 16-bit groups; `::` expanded, a trailing dotted IPv4 folded in. */
function parseV6(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseV4(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...fill, ...tailGroups].map((group) => parseInt(group, 16));
}

function classifyV6(groups: number[]): AddressClass {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  const zeroTo80 = a === 0 && b === 0 && c === 0 && d === 0 && e === 0;
  if (zeroTo80 && f === 0xffff) return classifyV4(g * 65536 + h); // ::ffff:a.b.c.d
  if (zeroTo80 && f === 0 && g === 0 && h === 0) return 'unspecified';
  if (zeroTo80 && f === 0 && g === 0 && h === 1) return 'loopback';
  if ((a & 0xfe00) === 0xfc00) return 'private';
  if ((a & 0xffc0) === 0xfe80) return 'link_local';
  if ((a & 0xff00) === 0xff00) return 'multicast';
  if (a === 0x64 && b === 0xff9b) return classifyV4(g * 65536 + h); // NAT64 of an IPv4 address
  if (zeroTo80 && f === 0) return 'reserved'; // deprecated IPv4-compatible ::a.b.c.d
  return 'public';
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

import { describe, expect, it } from 'vitest';
import {
  checkWebhookUrl,
  classifyAddress,
  parsePrivateAddressPolicy,
  UrlRefusedError,
  type Resolver,
} from './url-guard.ts';

const dns: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  localhost: ['127.0.0.1', '::1'],
  'internal.example.com': ['10.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'mixed.example.com': ['93.184.216.34', '192.168.1.10'],
  'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
};
const resolve: Resolver = async (host) => {
  const found = dns[host];
  if (!found) throw new Error('ENOTFOUND');
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};
const check = (url: string, policy: 'none' | 'loopback' | 'all' = 'none') =>
  checkWebhookUrl(url, { policy, resolve });

describe('webhook URL guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['fd00::1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link_local'],
    ['::ffff:0:7f00:1', 'loopback'], // RFC 6145 IPv4-translated
    ['::ffff:0:a00:1', 'private'],
    ['2002:7f00:1::', 'loopback'], // 6to4 of 127.0.0.1
    ['2002:a9fe:a9fe::1', 'link_local'], // 6to4 of the metadata address
    ['2002:5db8:d822::1', 'public'], // 6to4 of a public address
    ['64:ff9b::a9fe:a9fe', 'link_local'], // NAT64
    ['64:ff9b:1::1', 'private'], // local-use NAT64
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // Teredo, client 127.0.0.1 (inverted)
    ['fec0::1', 'private'], // deprecated site-local
    ['::7f00:1', 'reserved'], // deprecated IPv4-compatible
    ['2001:db8::1', 'reserved'], // documentation
    ['255.255.255.255', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['fe80::1%eth0', 'link_local'],
    ['172.32.0.1', 'public'],
    ['93.184.216.34', 'public'],
    ['2606:2800:220:1:248:1893:25c8:1946', 'public'],
  ])('classifies %s as %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it('accepts a public https or http URL', async () => {
    expect((await check('https://hooks.example.com/sluice')).addresses).toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
    await expect(check('http://v6.example.com/x')).resolves.toBeDefined();
  });

  it.each([
    'http://127.0.0.1/hook',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://localhost:3000/hook',
    'https://internal.example.com/',
    'https://metadata.example.com/',
    'https://mixed.example.com/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:0:7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://[fec0::1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://2130706433/',
    'http://0x7f.1/',
  ])('refuses %s under the none policy', async (url) => {
    await expect(check(url)).rejects.toBeInstanceOf(UrlRefusedError);
  });

  it('refuses other schemes, credentials and hosts that do not resolve', async () => {
    for (const url of [
      'ftp://hooks.example.com/',
      'file:///etc/passwd',
      'https://user:pw@hooks.example.com/',
      'https://nowhere.example.com/',
      'not a url',
    ]) {
      await expect(check(url)).rejects.toBeInstanceOf(UrlRefusedError);
    }
  });

  it('allows loopback, and only loopback, under the loopback policy', async () => {
    await expect(check('http://127.0.0.1:4000/hook', 'loopback')).resolves.toBeDefined();
    await expect(check('http://localhost:4000/hook', 'loopback')).resolves.toBeDefined();
    await expect(check('http://10.0.0.1/hook', 'loopback')).rejects.toBeInstanceOf(UrlRefusedError);
    await expect(check('http://169.254.169.254/', 'loopback')).rejects.toBeInstanceOf(UrlRefusedError);
  });

  it('allows private addresses under the all policy, but never multicast', async () => {
    await expect(check('http://10.0.0.1/hook', 'all')).resolves.toBeDefined();
    await expect(check('http://224.0.0.1/hook', 'all')).rejects.toBeInstanceOf(UrlRefusedError);
  });

  it('parses the policy setting', () => {
    expect(parsePrivateAddressPolicy(undefined, 'loopback')).toBe('loopback');
    expect(parsePrivateAddressPolicy('all', 'none')).toBe('all');
    expect(() => parsePrivateAddressPolicy('yes', 'none')).toThrow();
  });
});

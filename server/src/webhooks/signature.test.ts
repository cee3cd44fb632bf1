import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from './signature.ts';

const body = '{"id":"evt_1","type":"payment.captured"}';
const t = 1_767_225_600;

describe('webhook signatures', () => {
  it('verifies a signature made with the same secret and timestamp', () => {
    const header = signPayload(body, ['whsec_a'], t);
    expect(header).toMatch(/^t=1767225600,v1=[0-9a-f]{64}$/);
    expect(verifySignature(body, header, 'whsec_a', 300, t)).toBe(true);
  });

  it('refuses another secret, a changed body and a malformed header', () => {
    const header = signPayload(body, ['whsec_a'], t);
    expect(verifySignature(body, header, 'whsec_b', 300, t)).toBe(false);
    expect(verifySignature(`${body} `, header, 'whsec_a', 300, t)).toBe(false);
    expect(verifySignature(body, 'v1=abc', 'whsec_a', 300, t)).toBe(false);
    expect(verifySignature(body, '', 'whsec_a', 300, t)).toBe(false);
    expect(verifySignature(body, undefined, 'whsec_a', 300, t)).toBe(false);
    expect(verifySignature(body, header.replace(/v1=../, 'v1=zz'), 'whsec_a', 300, t)).toBe(false);
  });

  it('refuses a timestamp more than the tolerance away, in either direction', () => {
    const header = signPayload(body, ['whsec_a'], t);
    expect(verifySignature(body, header, 'whsec_a', 300, t + 300)).toBe(true);
    expect(verifySignature(body, header, 'whsec_a', 300, t + 301)).toBe(false);
    expect(verifySignature(body, header, 'whsec_a', 300, t - 301)).toBe(false);
  });

  it('carries one v1 per secret during a rotation, each verifying with its own secret', () => {
    const header = signPayload(body, ['whsec_new', 'whsec_old'], t);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifySignature(body, header, 'whsec_new', 300, t)).toBe(true);
    expect(verifySignature(body, header, 'whsec_old', 300, t)).toBe(true);
    expect(verifySignature(body, header, 'whsec_other', 300, t)).toBe(false);
  });

  it('cannot be replayed with a new timestamp', () => {
    const header = signPayload(body, ['whsec_a'], t);
    const replayed = header.replace(`t=${t}`, `t=${t + 1000}`);
    expect(verifySignature(body, replayed, 'whsec_a', 300, t + 1000)).toBe(false);
  });
});

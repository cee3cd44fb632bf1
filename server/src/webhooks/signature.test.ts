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

  it('refuses to sign without a secret or with a timestamp that is not whole seconds', () => {
    expect(() => signPayload(body, [], t)).toThrow('signing needs at least one secret');
    expect(() => signPayload(body, ['whsec_a'], t + 0.5)).toThrow('the timestamp must be whole Unix seconds');
  });

  it('never verifies with an empty secret, even a header signed with one', () => {
    expect(verifySignature(body, signPayload(body, [''], t), '', 300, t)).toBe(false);
  });

  it('reads a header with spaces after its commas and segments it does not know', () => {
    const [stamp, signature] = signPayload(body, ['whsec_a'], t).split(',');
    expect(verifySignature(body, `${stamp}, ${signature}`, 'whsec_a', 300, t)).toBe(true);
    expect(verifySignature(body, `tx,${stamp},v0,${signature}`, 'whsec_a', 300, t)).toBe(true);
    expect(verifySignature(body, `t= ${t},v1= ${signature!.slice('v1='.length)}`, 'whsec_a', 300, t)).toBe(
      true,
    );
  });

  it('takes the timestamp only as plain digits and the signature only as v1 with exactly 64 hex digits', () => {
    const signature = signPayload(body, ['whsec_a'], t).split(',')[1]!.slice('v1='.length);
    for (const stamp of [`+${t}`, `${t}.0`, ` ${t}x`, `${t}0000000`])
      expect(verifySignature(body, `t=${stamp},v1=${signature}`, 'whsec_a', 300, t), stamp).toBe(false);
    for (const candidate of [`v0=${signature}`, `v1=${signature}zz`, `v1=zz${signature}`, `v1=${signature}0`])
      expect(verifySignature(body, `t=${t},${candidate}`, 'whsec_a', 300, t), candidate).toBe(false);
  });

  it('checks against the current time when no time is given (in seconds: 300 s of tolerance either way)', () => {
    // Signed now by the wall clock: the default must be that clock in seconds, whatever the day.
    const now = Math.floor(Date.now() / 1000);
    expect(verifySignature(body, signPayload(body, ['whsec_a'], now), 'whsec_a')).toBe(true);
    expect(verifySignature(body, signPayload(body, ['whsec_a'], now - 3600), 'whsec_a')).toBe(false);
  });

  it('cannot be replayed with a new timestamp', () => {
    const header = signPayload(body, ['whsec_a'], t);
    const replayed = header.replace(`t=${t}`, `t=${t + 1000}`);
    expect(verifySignature(body, replayed, 'whsec_a', 300, t + 1000)).toBe(false);
  });
});

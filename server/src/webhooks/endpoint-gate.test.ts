import { describe, expect, it } from 'vitest';
import { EndpointGate, maxOpenPerEndpoint, maxOpenPerSlowEndpoint } from './endpoint-gate.ts';

function gateAt(start = 0) {
  let now = start;
  const gate = new EndpointGate({ now: () => now, random: () => 0.5 });
  return { gate, advance: (ms: number) => (now += ms) };
}

describe('endpoint gate', () => {
  it('admits a few requests to an endpoint it does not know yet, and a batch of them once it has answered quickly', () => {
    const { gate } = gateAt();
    for (let n = 0; n < maxOpenPerSlowEndpoint; n++)
      expect(gate.admit('we_1', `first_${n}`, 10_000).isAdmitted).toBe(true);
    expect(gate.admit('we_1', 'first_x', 10_000)).toEqual({ isAdmitted: false, retryAfterSeconds: 1 });
    for (let n = 0; n < maxOpenPerSlowEndpoint; n++) gate.release('we_1', `first_${n}`, 'fast');
    for (let n = 0; n < maxOpenPerEndpoint; n++)
      expect(gate.admit('we_1', `del_${n}`, 10_000)).toEqual({ isAdmitted: true });
    expect(gate.admit('we_1', 'del_x', 10_000)).toEqual({ isAdmitted: false, retryAfterSeconds: 1 });
    expect(gate.admit('we_2', 'del_y', 10_000)).toEqual({ isAdmitted: true }); // another endpoint is not affected
    gate.release('we_1', 'del_0', 'fast');
    expect(gate.admit('we_1', 'del_x', 10_000)).toEqual({ isAdmitted: true });
  });

  it('holds a slow endpoint to fewer open requests, deferring the rest until the oldest times out', () => {
    const { gate, advance } = gateAt();
    gate.admit('we_1', 'del_0', 10_000);
    gate.markSlow('we_1');
    advance(4000);
    for (let n = 1; n < maxOpenPerSlowEndpoint; n++)
      expect(gate.admit('we_1', `del_${n}`, 10_000).isAdmitted).toBe(true);
    expect(gate.admit('we_1', 'del_x', 10_000)).toEqual({ isAdmitted: false, retryAfterSeconds: 6 });
    expect(gate.openRequestSeconds('del_0')).toBe(6);
    expect(gate.openRequestSeconds('del_x')).toBeUndefined();
  });

  it('backs off an endpoint that keeps failing to answer, doubling up to five minutes, and probes it with one request', () => {
    const { gate, advance } = gateAt();
    const waits: number[] = [];
    for (let failure = 0; failure < 7; failure++) {
      expect(gate.admit('we_1', `del_${failure}`, 10_000).isAdmitted).toBe(true);
      gate.release('we_1', `del_${failure}`, 'unresponsive');
      const deferred = gate.admit('we_1', 'del_next', 10_000);
      waits.push(deferred.isAdmitted ? 0 : deferred.retryAfterSeconds);
      advance(waits.at(-1)! * 1000);
    }
    expect(waits).toEqual([10, 20, 40, 80, 160, 300, 300]);
    expect(gate.admit('we_1', 'del_probe', 10_000).isAdmitted).toBe(true);
    expect(gate.admit('we_1', 'del_second', 10_000).isAdmitted).toBe(false); // one probe at a time
    gate.release('we_1', 'del_probe', 'fast'); // any answer ends the backoff
    expect(gate.isSlow('we_1')).toBe(false);
    for (let n = 0; n < maxOpenPerEndpoint; n++)
      expect(gate.admit('we_1', `del_again_${n}`, 10_000).isAdmitted).toBe(true);
  });

  it('counts requests that time out together as one failure', () => {
    const { gate } = gateAt();
    gate.admit('we_1', 'del_0', 10_000);
    gate.admit('we_1', 'del_1', 10_000);
    gate.release('we_1', 'del_0', 'unresponsive');
    gate.release('we_1', 'del_1', 'unresponsive');
    expect(gate.admit('we_1', 'del_2', 10_000)).toEqual({ isAdmitted: false, retryAfterSeconds: 10 });
  });

  it('keeps an endpoint slow while its answers come after the hold', () => {
    const { gate } = gateAt();
    gate.admit('we_1', 'del_0', 10_000);
    gate.markSlow('we_1');
    gate.release('we_1', 'del_0', 'slow');
    expect(gate.isSlow('we_1')).toBe(true);
    gate.admit('we_1', 'del_1', 10_000);
    gate.release('we_1', 'del_1', 'fast');
    expect(gate.isSlow('we_1')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { Attempt } from './api.ts';
import { attemptStatusTone, attemptSummary } from './format.ts';

/** An attempt as the API answers it (the type is generated from the OpenAPI document). */
const attempt = (fields: Partial<Attempt>): Attempt => ({
  id: 'att_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
  connector: 'mca_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
  provider: 'stripe',
  status: 'captured',
  error_code: null,
  decline_code: null,
  provider_reference: 'ch_1',
  started_at: '2026-12-06T12:00:00.000Z',
  finished_at: '2026-12-06T12:00:01.000Z',
  ...fields,
});

describe('attempt outcomes in words', () => {
  it('says what each outcome means, an attempt cut off or not yet reconciled included', () => {
    expect(attemptSummary(attempt({ status: 'captured' }))).toBe('Paid');
    expect(attemptSummary(attempt({ status: 'authorized' }))).toBe('Authorized');
    expect(attemptSummary(attempt({ status: 'failed', error_code: 'provider_unreachable' }))).toBe(
      'Failed technically (provider unreachable): tried the next provider',
    );
    expect(attemptSummary(attempt({ status: 'unreconciled', error_code: 'provider_timeout' }))).toBe(
      'Timed out, and the provider could not be asked what it did: the hub asks again every minute and undoes it',
    );
    expect(attemptSummary(attempt({ status: 'interrupted', error_code: 'interrupted' }))).toBe(
      'Cut off: look for it at the provider by its id',
    );
    expect(attemptStatusTone.unreconciled).toBe('warning');
  });
});

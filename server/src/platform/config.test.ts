import { describe, expect, it } from 'vitest';
import { retentionConfigFromEnv } from './config.ts';

describe('retentionConfigFromEnv', () => {
  it('reads both retentions, and leaves unset ones to the defaults', () => {
    expect(
      retentionConfigFromEnv({
        SLUICE_IDEMPOTENCY_RETENTION_SECONDS: '86400',
        SLUICE_EVENT_RETENTION_SECONDS: '7200',
      }),
    ).toEqual({ idempotencyRetentionSeconds: 86_400, eventRetentionSeconds: 7200 });
    expect(retentionConfigFromEnv({ SLUICE_EVENT_RETENTION_SECONDS: '' })).toEqual({});
  });

  it('refuses retentions under the documented minimums (24 h, 1 h), and anything not whole seconds', () => {
    expect(() => retentionConfigFromEnv({ SLUICE_IDEMPOTENCY_RETENTION_SECONDS: '86399' })).toThrow(
      'SLUICE_IDEMPOTENCY_RETENTION_SECONDS must be a whole number of seconds, at least 86400, not 86399',
    );
    expect(() => retentionConfigFromEnv({ SLUICE_EVENT_RETENTION_SECONDS: '3599' })).toThrow('at least 3600');
    expect(() => retentionConfigFromEnv({ SLUICE_EVENT_RETENTION_SECONDS: '1.5e4' })).not.toThrow();
    expect(() => retentionConfigFromEnv({ SLUICE_EVENT_RETENTION_SECONDS: '3600.5' })).toThrow();
    expect(() => retentionConfigFromEnv({ SLUICE_EVENT_RETENTION_SECONDS: 'a day' })).toThrow();
  });

  it('allows retentions down to a minute for soaks and tests only', () => {
    const short = { SLUICE_IDEMPOTENCY_RETENTION_SECONDS: '60', SLUICE_EVENT_RETENTION_SECONDS: '120' };
    expect(() => retentionConfigFromEnv(short)).toThrow('at least 86400');
    expect(retentionConfigFromEnv({ ...short, SLUICE_TEST_RETENTIONS: '1' })).toEqual({
      idempotencyRetentionSeconds: 60,
      eventRetentionSeconds: 120,
    });
    expect(() =>
      retentionConfigFromEnv({ SLUICE_EVENT_RETENTION_SECONDS: '59', SLUICE_TEST_RETENTIONS: '1' }),
    ).toThrow('at least 60');
  });
});

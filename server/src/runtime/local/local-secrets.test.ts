import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSecretsContract } from '../../platform/secrets-contract.ts';
import { SecretNotFoundError } from '../../platform/secrets.ts';
import { LocalSecrets } from './local-secrets.ts';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-local-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// The file side: what the contract stores is the data dir's secrets.json, the environment is empty.
runSecretsContract('LocalSecrets (data dir file)', async (stored) => {
  const file = join(dataDir(), 'secrets.json');
  writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  return { secrets: LocalSecrets.open({ file }) };
});

describe('LocalSecrets', () => {
  it('generates each declared secret once into a 0600 file, and reads the same value after a restart', async () => {
    const file = join(dataDir(), 'nested', 'secrets.json');
    const first = LocalSecrets.open({ file, generate: ['hub/credentials-key'] });
    const value = await first.get('hub/credentials-key');
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = LocalSecrets.open({ file, generate: ['hub/credentials-key', 'billing/other'] });
    expect(await again.get('hub/credentials-key')).toBe(value);
    expect(await again.get('billing/other')).not.toBe(value);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual([
      'hub/credentials-key',
      'billing/other',
    ]);
  });

  it('prefers the environment variable, and then generates nothing for that secret', async () => {
    const file = join(dataDir(), 'secrets.json');
    const secrets = LocalSecrets.open({
      file,
      env: { HUB_CREDENTIALS_KEY: 'from-the-environment' },
      generate: ['hub/credentials-key'],
    });
    expect(await secrets.get('hub/credentials-key')).toBe('from-the-environment');
    expect(() => statSync(file)).toThrow(); // nothing had to be written
  });

  it('tightens a file others could read to 0600', () => {
    const file = join(dataDir(), 'secrets.json');
    writeFileSync(file, JSON.stringify({ 'hub/credentials-key': 'x'.repeat(43) }), { mode: 0o644 });
    LocalSecrets.open({ file, generate: ['hub/credentials-key'] });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('names the variable and the file for a secret neither has, and refuses a malformed file without quoting it', async () => {
    const file = join(dataDir(), 'secrets.json');
    const error = await LocalSecrets.open({ file })
      .get('hub/credentials-key')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect((error as Error).message).toBe(
      `secret "hub/credentials-key" is not set (set the environment variable HUB_CREDENTIALS_KEY, or "hub/credentials-key" in ${file})`,
    );
    writeFileSync(file, '{"hub/credentials-key": "sk_live_TOPSECRET", "n": 1}');
    expect(() => LocalSecrets.open({ file })).toThrow(
      `${file} must be a JSON object of secret name to string value`,
    );
    writeFileSync(file, 'sk_live_TOPSECRET');
    const malformed = (() => {
      try {
        LocalSecrets.open({ file });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(malformed?.message).not.toContain('TOPSECRET');
  });
});

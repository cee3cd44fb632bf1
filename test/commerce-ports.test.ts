import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/kernel/clock.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { createLocalPlatform, type LocalPlatform } from '../server/src/runtime/local/platform.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function platformIn(dataDir: string): Promise<LocalPlatform> {
  const platform = await createLocalPlatform({
    dataDir,
    store: 'sqlite',
    sqliteWriter: 'inline',
    logger: silentLogger,
    clock: new ManualClock(Date.UTC(2026, 0, 15, 12)),
    publicUrl: 'http://localhost:4321',
  });
  return platform;
}

describe('the Notifier and Blobs ports in the local runtime', () => {
  it('gives modules the mailbox notifier and file blobs whose signed URLs the app serves, across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sluice-ports-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await platformIn(dataDir);

    const { id } = await first.moduleDeps.notifier.sendEmail({
      to: 'ann@example.com',
      subject: 'Your order',
      text: 'Paid',
    });
    expect((await first.notifier.list('ann@example.com')).items).toMatchObject([
      { id, channel: 'email', subject: 'Your order' },
    ]);

    const upload = await first.moduleDeps.blobs.uploadUrl('products/prod_1/image.png', {
      contentType: 'image/png',
      maxBytes: 100,
      expiresInSeconds: 300,
    });
    expect(upload.url.startsWith('http://localhost:4321/blobs/products/prod_1/image.png?')).toBe(true);
    const put = await first.app.request(upload.url, { method: 'PUT', headers: upload.headers, body: 'png!' });
    expect(put.status).toBe(200);
    const tooBig = await first.app.request(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body: 'x'.repeat(101),
    });
    expect(tooBig.status).toBe(413);
    const download = await first.moduleDeps.blobs.downloadUrl('products/prod_1/image.png', {
      expiresInSeconds: 60,
    });
    await first.stop();

    // The signing key comes from the installation secret: a URL signed before a restart still works.
    const second = await platformIn(dataDir);
    cleanups.push(() => second.stop());
    const got = await second.app.request(download.url);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('png!');
    const forged = await second.app.request(download.url.replace(/signature=[^&]+/, 'signature=AAAA'));
    expect(forged.status).toBe(403);
  });
});

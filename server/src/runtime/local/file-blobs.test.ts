import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app/create-app.ts';
import { createLocalIdentity } from '../../identity/index.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { runBlobsContract } from '../../platform/blobs-contract.ts';
import { defaultConfig } from '../../platform/config.ts';
import { silentLogger } from '../../platform/logger.ts';
import { FileBlobs, fileBlobRoutes } from './file-blobs.ts';
import { SqliteStore } from './sqlite-store.ts';
import { StoreQueue } from './store-queue.ts';

const signingKey = 'test-signing-key-of-at-least-32-bytes!!';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-blobs-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

runBlobsContract('FileBlobs', async (clock) => ({
  blobs: new FileBlobs({ dir: await tempDir(), baseUrl: 'http://localhost:3000', signingKey, clock }),
}));

/** FileBlobs behind a real HTTP server, its routes mounted in a parent app as the runtime does. */
async function serveBlobs() {
  const dir = await tempDir();
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  let app = new Hono();
  const server: ServerType = serve({
    fetch: (request) => app.fetch(request),
    port: 0,
    hostname: '127.0.0.1',
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // fetch keeps connections alive; a streamed download's socket otherwise holds close() ~3 s.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  );
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const blobs = new FileBlobs({ dir, baseUrl: `http://127.0.0.1:${port}/`, signingKey, clock });
  app = new Hono();
  app.route('/', fileBlobRoutes(blobs));
  return { dir, clock, blobs, port };
}

const pdf = new TextEncoder().encode('%PDF-1.7 a receipt');
const uploadOptions = { contentType: 'application/pdf', maxBytes: 64, expiresInSeconds: 300 };

/** A request whose path is sent byte for byte, as fetch would normalize `..` away. */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

describe('FileBlobs over HTTP', () => {
  it('stores an upload made with the presigned URL and serves it back with its content type', async () => {
    const { blobs } = await serveBlobs();
    const upload = await blobs.uploadUrl('evidence/dp_1/receipt.pdf', uploadOptions);
    expect(await blobs.exists('evidence/dp_1/receipt.pdf')).toBe(false);
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: pdf });
    expect(put.status).toBe(200);
    expect(await blobs.exists('evidence/dp_1/receipt.pdf')).toBe(true);
    expect(await blobs.exists('evidence/dp_1')).toBe(false);

    const download = await blobs.downloadUrl('evidence/dp_1/receipt.pdf', { expiresInSeconds: 60 });
    const got = await fetch(download.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-security-policy')).toContain('sandbox');
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(pdf);
  });

  it('replaces an object uploaded again under the same key', async () => {
    const { blobs } = await serveBlobs();
    for (const text of ['first', 'second']) {
      const upload = await blobs.uploadUrl('notes/a.txt', { ...uploadOptions, contentType: 'text/plain' });
      expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: text })).status).toBe(
        200,
      );
    }
    expect(
      await (await fetch((await blobs.downloadUrl('notes/a.txt', { expiresInSeconds: 60 })).url)).text(),
    ).toBe('second');
  });

  it('refuses with 413 an upload whose Content-Length passes the limit', async () => {
    const { blobs, dir } = await serveBlobs();
    const upload = await blobs.uploadUrl('big.bin', {
      ...uploadOptions,
      contentType: 'application/octet-stream',
      maxBytes: 10,
    });
    const response = await fetch(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body: new Uint8Array(11),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'body_too_large' } });
    expect(await readdir(dir)).not.toContain('objects');
  });

  it('refuses with 413 a streamed upload once it passes the limit, keeping nothing', async () => {
    const { blobs, dir } = await serveBlobs();
    const upload = await blobs.uploadUrl('big.bin', {
      ...uploadOptions,
      contentType: 'application/octet-stream',
      maxBytes: 10,
    });
    const body = streamOf([new Uint8Array(6), new Uint8Array(6)]);
    const response = await fetch(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect((await fetch((await blobs.downloadUrl('big.bin', { expiresInSeconds: 60 })).url)).status).toBe(
      404,
    );
  });

  it('accepts a streamed upload of exactly the limit', async () => {
    const { blobs } = await serveBlobs();
    const upload = await blobs.uploadUrl('exact.bin', {
      ...uploadOptions,
      contentType: 'application/octet-stream',
      maxBytes: 12,
    });
    const body = streamOf([new Uint8Array(6).fill(1), new Uint8Array(6).fill(2)]);
    expect(
      (
        await fetch(upload.url, {
          method: 'PUT',
          headers: upload.headers,
          body,
          duplex: 'half',
        } as RequestInit)
      ).status,
    ).toBe(200);
    const got = await fetch((await blobs.downloadUrl('exact.bin', { expiresInSeconds: 60 })).url);
    expect((await got.arrayBuffer()).byteLength).toBe(12);
  });

  it('refuses an upload with another content type than the one signed', async () => {
    const { blobs } = await serveBlobs();
    const upload = await blobs.uploadUrl('evidence/receipt.pdf', uploadOptions);
    const response = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/html' },
      body: '<script>alert(1)</script>',
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('honours a URL until its expiry and refuses it after', async () => {
    const { blobs, clock } = await serveBlobs();
    const upload = await blobs.uploadUrl('a.pdf', uploadOptions);
    clock.advance(300_000);
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: pdf })).status).toBe(200);
    const download = await blobs.downloadUrl('a.pdf', { expiresInSeconds: 60 });
    clock.advance(60_001);
    const response = await fetch(download.url);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      error: { code: 'forbidden', message: 'This URL has expired.' },
    });
  });

  it('refuses a URL whose key, expiry or size limit was changed, or used with the other method', async () => {
    const { blobs } = await serveBlobs();
    const upload = new URL((await blobs.uploadUrl('mine.pdf', uploadOptions)).url);
    const download = new URL((await blobs.downloadUrl('mine.pdf', { expiresInSeconds: 60 })).url);
    const put = (url: URL) =>
      fetch(url, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: pdf });

    const otherKey = new URL(upload);
    otherKey.pathname = '/blobs/theirs.pdf';
    const longer = new URL(upload);
    longer.searchParams.set('expires', String(Number(longer.searchParams.get('expires')) + 3_600_000));
    const bigger = new URL(upload);
    bigger.searchParams.set('max_bytes', '1000000000');
    const unsigned = new URL(upload);
    unsigned.searchParams.delete('signature');
    for (const url of [otherKey, longer, bigger, unsigned, download])
      expect((await put(url)).status).toBe(403);
    expect((await fetch(upload)).status).toBe(403);
  });

  it('refuses path traversal in the URL, however it is spelled', async () => {
    const { blobs, port } = await serveBlobs();
    const { url } = await blobs.downloadUrl('a/b.pdf', { expiresInSeconds: 60 });
    const query = new URL(url).search;
    for (const path of [
      '/blobs/../../etc/passwd',
      '/blobs/a/..%2F..%2Fetc%2Fpasswd',
      '/blobs/%2e%2e/%2e%2e/etc/passwd',
      '/blobs/a%5C..%5Cb',
      '/blobs/%E0%A4%A',
    ]) {
      const status = await rawRequest(port, 'GET', `${path}${query}`);
      expect([400, 404]).toContain(status);
    }
    expect(
      await rawRequest(port, 'PUT', `/blobs/..%2Fescape.pdf${query}`, { 'content-type': 'application/pdf' }),
    ).toBe(400);
  });

  it('answers 404 for a signed URL of an object never uploaded', async () => {
    const { blobs } = await serveBlobs();
    const response = await fetch((await blobs.downloadUrl('nothing/here.pdf', { expiresInSeconds: 60 })).url);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('answers 409 for a key whose folder is already an object, which S3 would allow', async () => {
    const { blobs } = await serveBlobs();
    const first = await blobs.uploadUrl('reports/2026', { ...uploadOptions, contentType: 'text/csv' });
    expect((await fetch(first.url, { method: 'PUT', headers: first.headers, body: 'a,b' })).status).toBe(200);
    const nested = await blobs.uploadUrl('reports/2026/01.csv', {
      ...uploadOptions,
      contentType: 'text/csv',
    });
    const response = await fetch(nested.url, { method: 'PUT', headers: nested.headers, body: 'c,d' });
    expect(response.status).toBe(409);
    expect(
      await (await fetch((await blobs.downloadUrl('reports/2026', { expiresInSeconds: 60 })).url)).text(),
    ).toBe('a,b');
  });

  it('will not start with a signing key shorter than 32 bytes', () => {
    expect(
      () => new FileBlobs({ dir: '/tmp/unused', baseUrl: 'http://localhost', signingKey: 'short' }),
    ).toThrow(/32 bytes/);
  });
});

describe('fileBlobRoutes in the Sluice app', () => {
  it('serves signed URLs through createApp’s extend hook, without an access token, in the API’s error format', async () => {
    const store = new SqliteStore(':memory:');
    cleanups.push(() => store.close());
    const clock = new ManualClock();
    const config = { ...defaultConfig };
    const identity = createLocalIdentity({ store, clock, config, logger: silentLogger });
    const queue = new StoreQueue({ store, clock, logger: silentLogger });
    const blobs = new FileBlobs({
      dir: await tempDir(),
      baseUrl: 'http://localhost:3000',
      signingKey,
      clock,
    });
    const app = createApp({
      store,
      clock,
      config,
      logger: silentLogger,
      identity,
      queue,
      extend: (app) => app.route('/', fileBlobRoutes(blobs)),
    });

    const upload = await blobs.uploadUrl('exports/report.csv', {
      contentType: 'text/csv',
      maxBytes: 100,
      expiresInSeconds: 60,
    });
    expect(
      (await app.request(upload.url, { method: 'PUT', headers: upload.headers, body: 'a,b\n1,2' })).status,
    ).toBe(200);
    const download = await app.request(
      (await blobs.downloadUrl('exports/report.csv', { expiresInSeconds: 60 })).url,
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('request-id')).toMatch(/^req_/);
    expect(await download.text()).toBe('a,b\n1,2');

    const forged = await app.request(
      'http://localhost:3000/blobs/exports/report.csv?expires=99999999999999&signature=AAAA',
    );
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({
      error: { type: 'permission_error', code: 'forbidden', request_id: expect.stringMatching(/^req_/) },
    });
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedEncodings, mountDashboard } from './dashboard.ts';

describe('acceptedEncodings', () => {
  it("orders brotli and gzip by the client's weights and drops refused ones", () => {
    expect(acceptedEncodings('gzip, deflate, br, zstd')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('gzip;q=1.0, br;q=0.5')).toEqual(['gzip', 'br']);
    expect(acceptedEncodings('br;q=0, gzip')).toEqual(['gzip']);
    expect(acceptedEncodings('*')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('identity')).toEqual([]);
    expect(acceptedEncodings(undefined)).toEqual([]);
  });
});

describe('mountDashboard', () => {
  let dist: string;
  const app = new Hono();
  const script = 'console.log("sluice");'.repeat(200);
  const html = '<!doctype html><title>Sluice</title><div id="root"></div>';

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'sluice-dashboard-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), html);
    const file = join(dist, 'assets', 'index-abc123.js');
    writeFileSync(file, script);
    writeFileSync(`${file}.br`, brotliCompressSync(script));
    writeFileSync(`${file}.gz`, gzipSync(script));
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    mountDashboard(app, { distDir: dist });
    app.get('/v1/ping', (c) => c.text('pong'));
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

  it('sends the brotli copy of a hashed asset to a browser that takes it, cached as immutable', async () => {
    const response = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
    expect(body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(body).toString()).toBe(script);
  });

  it('sends gzip to a browser without brotli, and the plain file (still with Vary) to one without either', async () => {
    const gzipped = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).toString()).toBe(script);
    const plain = await get('/assets/index-abc123.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('Accept-Encoding');
    expect(await plain.text()).toBe(script);
  });

  it('revalidates index.html on every load (the app shell for client routes too) and answers 304 to a known ETag', async () => {
    const index = await get('/', { accept: 'text/html' });
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toBe(html);
    const route = await get('/developers/mer_1/events/evt_1', { accept: 'text/html' });
    expect(route.status).toBe(200);
    expect(await route.text()).toBe(html);
    const again = await get('/', { accept: 'text/html', 'if-none-match': index.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('serves other files, 404s a missing asset or a path outside the build, and leaves the API alone', async () => {
    const icon = await get('/favicon.svg');
    expect(icon.headers.get('content-type')).toMatch(/svg/);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
    expect((await get('/assets/missing-xyz.js')).status).toBe(404);
    expect((await get('/..%2f..%2fetc%2fpasswd')).status).toBe(404);
    expect(await (await get('/v1/ping')).text()).toBe('pong');
  });
});

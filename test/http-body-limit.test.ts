import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../server/src/platform/config.ts';
import { startServer, type ServerProcess } from './server-process.ts';

/**
 * The body limit on the real server (@hono/node-server), both ways a body can arrive: with a
 * Content-Length, checked from the header before anything is read, and chunked, counted as it
 * is read. Either way an oversized body is a 413 `body_too_large` and creates nothing.
 */
describe('request body limit over HTTP', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  }, 60_000);
  afterAll(async () => {
    await server?.dispose();
  });

  const oversized = JSON.stringify({
    email: 'big@example.com',
    password: 'correct horse battery',
    name: 'x'.repeat(defaultConfig.maxBodyBytes),
  });

  function post(
    path: string,
    body: string,
    chunked: boolean,
  ): Promise<{ status: number; json: { error?: { code: string } } }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json' };
      if (!chunked) headers['content-length'] = Buffer.byteLength(body);
      const req = request(`${server.url}${path}`, { method: 'POST', headers }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, json: text ? JSON.parse(text) : {} }),
        );
      });
      // The server may answer (and close) before the whole body is sent: that is the point.
      req.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
      );
      if (chunked) {
        for (let offset = 0; offset < body.length; offset += 8192)
          req.write(body.slice(offset, offset + 8192));
        req.end();
      } else {
        req.end(body);
      }
    });
  }

  it('refuses an oversized body declared by Content-Length with 413, creating nothing', async () => {
    const response = await post('/v1/auth/signup', oversized, false);
    expect(response.status).toBe(413);
    expect(response.json.error?.code).toBe('body_too_large');
  });

  it('refuses an oversized chunked body with 413, creating nothing', async () => {
    const response = await post('/v1/auth/signup', oversized, true);
    expect(response.status).toBe(413);
    expect(response.json.error?.code).toBe('body_too_large');
    // Neither attempt signed anyone up: the email is still free.
    const ok = await post(
      '/v1/auth/signup',
      JSON.stringify({ email: 'big@example.com', password: 'correct horse battery', name: 'Big' }),
      true,
    );
    expect(ok.status).toBe(201);
  });
});

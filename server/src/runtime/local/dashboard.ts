import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import type { Context, Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';

export interface DashboardOptions {
  /** The built dashboard (`npm run build:web` writes `web/dist`). */
  distDir: string;
}

/** Paths the dashboard never answers: the API and the platform's own endpoints. */
const reservedPrefixes = ['/v1', '/openapi.json', '/docs', '/health', '/metrics', '/.well-known'];

function isReserved(path: string): boolean {
  return reservedPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

const missingBuildPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sluice dashboard not built</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>The dashboard is not built</h1><p>Run <code>npm run build:web</code>, then reload. The API is up at <a href="/docs">/docs</a>.</p></body></html>`;

/** The compressed copies the build writes beside each file (web/vite.config.ts), best first. */
const encodings = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Types worth compressing; images and fonts are compressed already. */
const compressibleType = /^(?:text\/|application\/(?:javascript|json|manifest\+json)|image\/svg\+xml)/;

/**
 * The encodings `accept-encoding` allows, by the client's weights (`q=0` refuses one; `*` covers
 * those not named), the best first; ties keep the server's order (brotli, then gzip).
 */
export function acceptedEncodings(header: string | undefined): string[] {
  const weights = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find(Boolean);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  const weightOf = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  return encodings
    .map((encoding) => encoding.name)
    .filter((name) => weightOf(name) > 0)
    .sort((a, b) => weightOf(b) - weightOf(a));
}

/** A file of the build for a request path, or undefined (outside `distDir`, a folder, missing). */
function fileOf(distDir: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || /(?:^|[/\\])\.\.(?:[/\\]|$)/.test(decoded)) return undefined;
  const file = join(distDir, normalize(decoded));
  if (!file.startsWith(distDir + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

/**
 * Answers `file`: its brotli or gzip copy when the browser takes one (Content-Encoding, and
 * Vary: Accept-Encoding on every compressible answer so caches keep the copies apart), with
 * an ETag from size and time so a revalidation costs a 304.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Hono context
async function sendFile(c: Context<any>, file: string, cacheControl: string): Promise<Response> {
  const type = getMimeType(file) ?? 'application/octet-stream';
  const headers: Record<string, string> = { 'Content-Type': type, 'Cache-Control': cacheControl };
  let path = file;
  if (compressibleType.test(type)) {
    headers.Vary = 'Accept-Encoding';
    for (const name of acceptedEncodings(c.req.header('accept-encoding'))) {
      const copy = file + encodings.find((encoding) => encoding.name === name)!.suffix;
      if (existsSync(copy)) {
        headers['Content-Encoding'] = name;
        path = copy;
        break;
      }
    }
  }
  const stat = statSync(path);
  headers.ETag = `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}${headers['Content-Encoding'] ? `-${headers['Content-Encoding']}` : ''}"`;
  if (c.req.header('if-none-match') === headers.ETag) return c.body(null, 304, headers);
  headers['Content-Length'] = String(stat.size);
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  return c.body(await readFile(path), 200, headers);
}

/**
 * Serves the wallet dashboard from `distDir` on the app, precompressed (brotli or gzip, by the
 * browser's Accept-Encoding): hashed files under `/assets/` are cached for a year as immutable,
 * everything else (index.html above all) is revalidated on every load, and any other GET that
 * accepts HTML falls back to index.html so client routes survive a reload. API paths are never
 * touched. Without a build, the dashboard's paths answer 503 saying how to build it; a build
 * made while the server runs is picked up without a restart.
 *
 * @example
 * createLocalPlatform({ ..., extend: (app) => mountDashboard(app, { distDir: join(repoRoot, 'web/dist') }) });
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Hono app, whatever its env
export function mountDashboard(app: Hono<any, any, any>, options: DashboardOptions): void {
  const distDir = resolve(options.distDir);
  const indexPath = join(distDir, 'index.html');

  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    if (isReserved(c.req.path)) return next();
    if (!existsSync(indexPath)) {
      if (c.req.path !== '/' && !(c.req.header('accept') ?? '').includes('text/html')) return next();
      return c.html(missingBuildPage, 503, { 'Cache-Control': 'no-store' });
    }
    const hashed = c.req.path.startsWith('/assets/');
    const file = c.req.path === '/' ? indexPath : fileOf(distDir, c.req.path);
    if (file) return sendFile(c, file, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    // A missing hashed asset is a real 404, not the app shell.
    if (hashed) return next();
    if (!(c.req.header('accept') ?? '').includes('text/html')) return next();
    return sendFile(c, indexPath, 'no-cache');
  });
}

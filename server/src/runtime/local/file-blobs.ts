import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Hono } from 'hono';
import { errorResponse } from '../../http/errors.ts';
import type { AppEnv } from '../../http/context.ts';
import { isoTime, systemClock, type Clock } from '../../kernel/clock.ts';
import { AppError } from '../../kernel/errors.ts';
import {
  assertBlobKey,
  assertExpiry,
  assertUploadOptions,
  type Blobs,
  type DownloadUrl,
  type DownloadUrlOptions,
  type UploadUrl,
  type UploadUrlOptions,
} from '../../platform/blobs.ts';

export interface FileBlobsOptions {
  /** Where objects live, e.g. `<data dir>/blobs`. Created when missing. */
  dir: string;
  /** The server's public origin, e.g. `http://localhost:3000`: URLs are absolute. */
  baseUrl: string;
  /** HMAC-SHA256 key for URL signatures; at least 32 bytes, kept secret, stable across restarts. */
  signingKey: string | Uint8Array;
  clock?: Clock;
  /** Path the routes are mounted at. Default `/blobs`. */
  routePath?: string;
}

/** What a signature covers; a PUT also covers the size limit and the content type. */
type Grant = { method: 'GET' } | { method: 'PUT'; maxBytes: number; contentType: string };

/**
 * The Blobs port for the local runtime: objects are files under `dir`, reached through URLs that
 * `fileBlobRoutes` serves. A URL carries its expiry (ms since the epoch), for an upload its size
 * limit, and an HMAC-SHA256 over method, key, expiry, size limit and content type, so none of them
 * can be changed; the routes check it in constant time and refuse expired URLs, so local URLs
 * behave like S3 presigned ones.
 *
 * Files are `objects/<key>`, each with its content type in `meta/<key>.json`; an upload is
 * written to `tmp/` and renamed into place, so a reader never sees half a file.
 *
 * @example
 * const blobs = new FileBlobs({ dir: join(dataDir, 'blobs'), baseUrl: 'http://localhost:3000', signingKey });
 * app.route('/', fileBlobRoutes(blobs));
 * const { url, headers } = await blobs.uploadUrl('exports/report.csv', { contentType: 'text/csv', maxBytes: 1e6, expiresInSeconds: 300 });
 */
export class FileBlobs implements Blobs {
  readonly routePath: string;
  readonly #dir: string;
  readonly #baseUrl: string;
  readonly #signingKey: string | Uint8Array;
  readonly #clock: Clock;

  constructor(options: FileBlobsOptions) {
    if (Buffer.byteLength(options.signingKey) < 32)
      throw new Error('FileBlobs needs a signing key of at least 32 bytes');
    this.#dir = resolve(options.dir);
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#signingKey = options.signingKey;
    this.#clock = options.clock ?? systemClock;
    this.routePath = options.routePath ?? '/blobs';
  }

  async uploadUrl(key: string, options: UploadUrlOptions): Promise<UploadUrl> {
    assertBlobKey(key);
    assertUploadOptions(options);
    const expires = this.#clock.now() + options.expiresInSeconds * 1000;
    const grant: Grant = { method: 'PUT', maxBytes: options.maxBytes, contentType: options.contentType };
    const query = new URLSearchParams({
      expires: String(expires),
      max_bytes: String(options.maxBytes),
      signature: this.#sign(key, expires, grant),
    });
    return {
      url: `${this.#urlOf(key)}?${query}`,
      headers: { 'content-type': options.contentType },
      expiresAt: isoTime(expires),
    };
  }

  async downloadUrl(key: string, options: DownloadUrlOptions): Promise<DownloadUrl> {
    assertBlobKey(key);
    assertExpiry(options.expiresInSeconds);
    const expires = this.#clock.now() + options.expiresInSeconds * 1000;
    const query = new URLSearchParams({
      expires: String(expires),
      signature: this.#sign(key, expires, { method: 'GET' }),
    });
    return { url: `${this.#urlOf(key)}?${query}`, expiresAt: isoTime(expires) };
  }

  /**
   * Checks a request's signature and expiry; throws `AppError('forbidden')` when either fails.
   * Returns the upload's size limit for a PUT.
   */
  verify(
    method: 'GET' | 'PUT',
    key: string,
    query: URLSearchParams,
    contentType: string | undefined,
  ): { maxBytes: number } {
    const expires = Number(query.get('expires'));
    const maxBytes = Number(query.get('max_bytes'));
    const grant: Grant = method === 'GET' ? { method } : { method, maxBytes, contentType: contentType ?? '' };
    const given = Buffer.from(query.get('signature') ?? '', 'base64url');
    const expected = Buffer.from(this.#sign(key, expires, grant), 'base64url');
    if (
      !Number.isSafeInteger(expires) ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      throw new AppError('forbidden', 'the URL signature does not match this request');
    }
    // Checked after the signature, so an expiry cannot be probed for without a valid URL.
    if (this.#clock.now() > expires) throw new AppError('forbidden', 'this URL has expired');
    return { maxBytes };
  }

  /** Streams `body` into the object at `key`, refusing it (and keeping nothing) past `maxBytes`. */
  async write(
    key: string,
    body: ReadableStream<Uint8Array> | null,
    options: { maxBytes: number; contentType: string },
  ): Promise<void> {
    const tmp = join(this.#dir, 'tmp', randomUUID());
    await mkdir(dirname(tmp), { recursive: true });
    const file = createWriteStream(tmp, { flags: 'wx' });
    let size = 0;
    try {
      for await (const chunk of body ?? emptyStream()) {
        size += chunk.byteLength;
        if (size > options.maxBytes)
          throw new AppError('body_too_large', `the upload exceeds ${options.maxBytes} bytes`);
        if (!file.write(chunk)) await once(file, 'drain');
      }
      file.end();
      await finished(file);
      const { object, meta } = this.#pathsOf(key);
      await mkdir(dirname(object), { recursive: true });
      await mkdir(dirname(meta), { recursive: true });
      await writeFile(`${tmp}.meta`, JSON.stringify({ contentType: options.contentType }));
      await rename(`${tmp}.meta`, meta);
      await rename(tmp, object);
    } catch (caught) {
      // S3 holds `a` and `a/b` side by side; a file system cannot. Keys should be designed so
      // that one is never a prefix folder of another.
      const code = (caught as NodeJS.ErrnoException).code;
      const error =
        code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST'
          ? new AppError(
              'conflict',
              'another object occupies part of this key (a key cannot be both an object and a folder locally)',
              { cause: caught },
            )
          : caught;
      // Wait for the file to be closed: a stream destroyed before its open finished still opens
      // (creating the file) and closes afterwards, which would leave the file behind the rm.
      if (!file.closed) {
        const closed = once(file, 'close');
        file.destroy();
        await closed;
      }
      await rm(tmp, { force: true });
      await rm(`${tmp}.meta`, { force: true });
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertBlobKey(key);
    const info = await stat(this.#pathsOf(key).object).catch(() => undefined);
    return info?.isFile() ?? false;
  }

  /** The object at `key` as a stream with its type and size, or undefined when there is none. */
  async read(
    key: string,
  ): Promise<{ body: ReadableStream<Uint8Array>; contentType: string; size: number } | undefined> {
    const { object, meta } = this.#pathsOf(key);
    const info = await stat(object).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const contentType = await readFile(meta, 'utf8')
      .then((text) => (JSON.parse(text) as { contentType: string }).contentType)
      .catch(() => 'application/octet-stream');
    return {
      body: Readable.toWeb(createReadStream(object)) as ReadableStream<Uint8Array>,
      contentType,
      size: info.size,
    };
  }

  #urlOf(key: string): string {
    return `${this.#baseUrl}${this.routePath}/${key}`;
  }

  #sign(key: string, expires: number, grant: Grant): string {
    const fields =
      grant.method === 'GET'
        ? ['GET', key, expires]
        : ['PUT', key, expires, grant.maxBytes, grant.contentType];
    return createHmac('sha256', this.#signingKey).update(fields.join('\n')).digest('base64url');
  }

  /** Keys are checked by `assertBlobKey`; the prefix check is a second line against traversal. */
  #pathsOf(key: string): { object: string; meta: string } {
    assertBlobKey(key);
    const objects = join(this.#dir, 'objects');
    const object = resolve(objects, key);
    if (!object.startsWith(objects + sep))
      throw new AppError('invalid_request', 'key leaves the blob directory', { param: 'key' });
    return { object, meta: resolve(this.#dir, 'meta', `${key}.json`) };
  }
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

/**
 * The HTTP side of `FileBlobs`: `PUT` and `GET` on `<routePath>/<key>`, each allowed only with a
 * valid, unexpired signature. An upload must send the signed `Content-Type`; one larger than its
 * limit is refused with 413 (at once from `Content-Length`, or as soon as a streamed body passes
 * it) and leaves nothing behind. Downloads are served with a sandboxing CSP, so an uploaded HTML
 * file cannot run script on the dashboard's origin.
 *
 * Mount it outside `/v1`: the signature is the authorization, not a bearer token.
 *
 * @example
 * app.route('/', fileBlobRoutes(blobs));
 */
export function fileBlobRoutes(blobs: FileBlobs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const pattern = `${blobs.routePath}/*`;

  app.put(pattern, async (c) => {
    const key = keyOf(c.req.url, blobs.routePath);
    const contentType = c.req.header('content-type');
    const { maxBytes } = blobs.verify('PUT', key, new URL(c.req.url).searchParams, contentType);
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > maxBytes)
      throw new AppError('body_too_large', `the upload exceeds ${maxBytes} bytes`);
    await blobs.write(key, c.req.raw.body, {
      maxBytes,
      contentType: contentType ?? 'application/octet-stream',
    });
    return c.body(null, 200);
  });

  app.get(pattern, async (c) => {
    const key = keyOf(c.req.url, blobs.routePath);
    blobs.verify('GET', key, new URL(c.req.url).searchParams, undefined);
    const object = await blobs.read(key);
    if (!object) throw new AppError('not_found', 'no object at this key');
    return c.body(object.body, 200, {
      'Content-Type': object.contentType,
      'Content-Length': String(object.size),
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    });
  });

  app.onError((error, c) => {
    if (error instanceof AppError) return errorResponse(c, error);
    throw error;
  });
  return app;
}

/** The key from the raw (still percent-encoded) path, decoded once and checked. */
function keyOf(url: string, routePath: string): string {
  const path = new URL(url).pathname.slice(routePath.length + 1);
  let key: string;
  try {
    key = decodeURIComponent(path);
  } catch {
    throw new AppError('invalid_request', 'the key is not valid percent-encoding', { param: 'key' });
  }
  assertBlobKey(key);
  return key;
}

import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { isoTime, systemClock, type Clock } from '../../kernel/clock.ts';
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

export interface S3BlobsOptions {
  /** Any S3 client; its credentials sign the URLs (see the checksum note on `S3Blobs`). */
  client: S3Client;
  bucket: string;
  clock?: Clock;
}

/**
 * The Blobs port on S3: SigV4 presigned `PutObject` and `GetObject` URLs, made locally by
 * `@aws-sdk/s3-request-presigner` with the function's credentials (no request to S3).
 *
 * - The upload's `Content-Type` is a signed header: S3 refuses an upload sending another one.
 * - `maxBytes` is NOT enforced by S3 on a presigned PUT (only a presigned POST policy has
 *   `content-length-range`); check the object's size (HeadObject) before trusting it, or move
 *   this adapter to presigned POST if uploads must be capped at the edge.
 * - A URL signed with temporary credentials (a Lambda role's) also dies when those credentials
 *   expire, which can be before `expiresAt`; keep expiries to minutes.
 * - SDK v3 clients default to `requestChecksumCalculation: 'WHEN_SUPPORTED'`, which signs a CRC32
 *   of the empty presigning payload into a PutObject URL, so S3 would reject every real upload.
 *   The adapter presigns through a view of the client with `WHEN_REQUIRED`, whatever the client
 *   was built with (getSignedUrl reads only `config` and `middlewareStack`).
 * - SigV4 dates have whole seconds, so the signing time is the clock's second and `expiresAt`
 *   is exactly when S3 stops honouring the URL.
 *
 * @example
 * const blobs = new S3Blobs({ client: new S3Client({}), bucket: 'sluice-blobs' });
 * const { url, headers } = await blobs.uploadUrl('evidence/dp_1/receipt.pdf', { contentType: 'application/pdf', maxBytes: 5e6, expiresInSeconds: 300 });
 */
export class S3Blobs implements Blobs {
  readonly #client: S3Client;
  readonly #presigner: S3Client;
  readonly #bucket: string;
  readonly #clock: Clock;

  constructor(options: S3BlobsOptions) {
    const { client } = options;
    this.#client = client;
    const config = {
      ...client.config,
      requestChecksumCalculation: () => Promise.resolve('WHEN_REQUIRED' as const),
    };
    this.#presigner = { config, middlewareStack: client.middlewareStack } as unknown as S3Client;
    this.#bucket = options.bucket;
    this.#clock = options.clock ?? systemClock;
  }

  /** A HeadObject: false when S3 answers 404 (no such key), the error otherwise. */
  async exists(key: string): Promise<boolean> {
    assertBlobKey(key);
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw error;
    }
  }

  async uploadUrl(key: string, options: UploadUrlOptions): Promise<UploadUrl> {
    assertBlobKey(key);
    assertUploadOptions(options);
    const signedAt = this.#signingTime();
    const command = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ContentType: options.contentType,
    });
    const url = await getSignedUrl(this.#presigner, command, {
      expiresIn: options.expiresInSeconds,
      signingDate: new Date(signedAt),
      // The presigner leaves Content-Type unsigned by default; signing it pins the upload's type.
      signableHeaders: new Set(['content-type']),
    });
    return {
      url,
      headers: { 'content-type': options.contentType },
      expiresAt: isoTime(signedAt + options.expiresInSeconds * 1000),
    };
  }

  async downloadUrl(key: string, options: DownloadUrlOptions): Promise<DownloadUrl> {
    assertBlobKey(key);
    assertExpiry(options.expiresInSeconds);
    const signedAt = this.#signingTime();
    const command = new GetObjectCommand({ Bucket: this.#bucket, Key: key });
    const url = await getSignedUrl(this.#presigner, command, {
      expiresIn: options.expiresInSeconds,
      signingDate: new Date(signedAt),
    });
    return { url, expiresAt: isoTime(signedAt + options.expiresInSeconds * 1000) };
  }

  #signingTime(): number {
    return Math.floor(this.#clock.now() / 1000) * 1000;
  }
}

import { AppError } from '../kernel/errors.ts';

/**
 * The Blobs port: files (receipts, dispute evidence, exports) that clients upload and download
 * directly with short-lived presigned URLs, so the bytes never pass through a Lambda.
 *
 * - A URL is a capability: whoever holds it may use it until `expiresAt`. Hand it only to the
 *   caller who is allowed the object, and keep expiries short (minutes).
 * - An upload must send every header in `headers` unchanged (the content type is signed).
 * - Keys are chosen by the server, never by the client: `/`-separated segments of letters, digits
 *   and `._-`, no empty, `.` or `..` segment, at most 1024 characters. That keeps a key safe as a
 *   file path and as a URL path on every adapter.
 * - Expiries run from 1 s to 7 days (S3's limit for SigV4 presigned URLs).
 *
 * Adapters: `FileBlobs` (runtime/local: files in the data dir behind HMAC-signed URLs served by
 * `fileBlobRoutes`) and `S3Blobs` (runtime/aws: S3 presigned URLs). Both pass
 * `runBlobsContract`; its header lists what differs.
 */
export interface Blobs {
  /**
   * A URL to `PUT` one object of at most `maxBytes` bytes with the given content type.
   *
   * @example
   * const { url, headers } = await blobs.uploadUrl(`evidence/${disputeId}/receipt.pdf`, {
   *   contentType: 'application/pdf', maxBytes: 5_000_000, expiresInSeconds: 300,
   * });
   * await fetch(url, { method: 'PUT', headers, body: file });
   */
  uploadUrl(key: string, options: UploadUrlOptions): Promise<UploadUrl>;
  /**
   * A URL to `GET` one object. It is signed whether or not the object exists yet; a missing
   * object answers 404 when fetched.
   *
   * @example
   * const { url } = await blobs.downloadUrl(`exports/${merchantId}/2026-01.csv`, { expiresInSeconds: 60 });
   */
  downloadUrl(key: string, options: DownloadUrlOptions): Promise<DownloadUrl>;
  /**
   * Whether an object is stored at `key`: an upload through its URL has finished. What takes a
   * key from a client (a post's image) asks before it stores the key.
   *
   * @example if (!(await blobs.exists(input.image_key))) throw …
   */
  exists(key: string): Promise<boolean>;
}

export interface UploadUrlOptions {
  /** A MIME type such as `application/pdf`; the upload must send exactly this `Content-Type`. */
  contentType: string;
  maxBytes: number;
  expiresInSeconds: number;
}

export interface UploadUrl {
  url: string;
  /** Headers the upload must send as they are. */
  headers: Record<string, string>;
  /** ISO 8601. */
  expiresAt: string;
}

export interface DownloadUrlOptions {
  expiresInSeconds: number;
}

export interface DownloadUrl {
  url: string;
  /** ISO 8601. */
  expiresAt: string;
}

export const maxBlobKeyLength = 1024;
/** SigV4 presigned URLs live at most 7 days. */
export const maxBlobUrlSeconds = 7 * 24 * 3600;
/** S3's limit for one PUT. */
export const maxBlobBytes = 5 * 1024 ** 3;

const keySegment = /^[A-Za-z0-9._-]+$/;
// type/subtype with RFC 6838 characters, then optional parameters without line breaks.
const mimeType =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;[^\r\n]*)?$/;

/**
 * Refuses a key that is not a safe relative path, with `AppError('invalid_request')` on `key`.
 *
 * @example
 * assertBlobKey('evidence/dp_01/receipt.pdf'); // fine
 * assertBlobKey('../etc/passwd'); // throws
 */
export function assertBlobKey(key: string): void {
  const isSafe =
    typeof key === 'string' &&
    key.length > 0 &&
    key.length <= maxBlobKeyLength &&
    key.split('/').every((segment) => keySegment.test(segment) && segment !== '.' && segment !== '..');
  if (!isSafe) {
    throw new AppError(
      'invalid_request',
      'key must be /-separated segments of letters, digits and ._- (no empty, . or .. segment), at most 1024 characters',
      { param: 'key' },
    );
  }
}

/**
 * Checks upload options; both adapters call it first so they refuse the same requests.
 *
 * @example
 * assertUploadOptions({ contentType: 'image/png', maxBytes: 1_000_000, expiresInSeconds: 300 });
 */
export function assertUploadOptions(options: UploadUrlOptions): void {
  if (typeof options.contentType !== 'string' || !mimeType.test(options.contentType)) {
    throw new AppError('invalid_request', 'contentType must be a MIME type such as image/png', {
      param: 'contentType',
    });
  }
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1 || options.maxBytes > maxBlobBytes) {
    throw new AppError('invalid_request', `maxBytes must be an integer from 1 to ${maxBlobBytes}`, {
      param: 'maxBytes',
    });
  }
  assertExpiry(options.expiresInSeconds);
}

/**
 * Checks a URL lifetime: a whole number of seconds from 1 to 7 days.
 *
 * @example
 * assertExpiry(300);
 */
export function assertExpiry(expiresInSeconds: number): void {
  if (
    !Number.isSafeInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > maxBlobUrlSeconds
  ) {
    throw new AppError(
      'invalid_request',
      `expiresInSeconds must be an integer from 1 to ${maxBlobUrlSeconds}`,
      { param: 'expiresInSeconds' },
    );
  }
}

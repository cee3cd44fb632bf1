import { afterEach, describe, expect, it } from 'vitest';
import { isoTime, ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { maxBlobKeyLength, maxBlobUrlSeconds, type Blobs, type UploadUrlOptions } from './blobs.ts';

export interface BlobsUnderTest {
  blobs: Blobs;
  cleanup?: () => Promise<void>;
}

/**
 * The behaviour every `Blobs` adapter must show, as one vitest suite: URLs name the key, carry
 * the promised expiry, and differ per key, method and expiry; bad keys and options are refused
 * the same way everywhere. `makeBlobs` must build the adapter on the given clock, which starts
 * on a whole second (S3 signs times to the second).
 *
 * What the suite cannot check on both, and why:
 * - Using the URLs (a real PUT then GET) needs the backend: `FileBlobs` is exercised over HTTP in
 *   its own tests, `S3Blobs` against a local S3 (s3rver) in its own. s3rver checks a SigV4 URL's
 *   expiry but not its signature, so those tests also assert the signed headers on the URL.
 * - `maxBytes` is enforced by `fileBlobRoutes` (413). A presigned S3 PUT cannot cap the size
 *   (only a presigned POST policy can), so on S3 the size must be checked after the upload
 *   (HeadObject) before the object is trusted.
 * - S3 keeps `a` and `a/b` side by side; `FileBlobs` cannot (a file is not a folder) and answers
 *   409 to the second upload. Choose keys so that no key is a folder of another.
 *
 * @example
 * runBlobsContract('FileBlobs', async (clock) => ({ blobs: new FileBlobs({ dir, baseUrl, signingKey, clock }) }));
 */
export function runBlobsContract(
  name: string,
  makeBlobs: (clock: ManualClock) => Promise<BlobsUnderTest>,
): void {
  describe(`Blobs contract: ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    const setup = async () => {
      const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
      const subject = await makeBlobs(clock);
      cleanup = subject.cleanup;
      return { clock, blobs: subject.blobs };
    };
    const upload = (overrides: Partial<UploadUrlOptions> = {}): UploadUrlOptions => ({
      contentType: 'application/pdf',
      maxBytes: 1_000_000,
      expiresInSeconds: 300,
      ...overrides,
    });
    const key = 'evidence/dp_01JD3S8Q4X/receipt.pdf';

    it('gives an upload URL for the key, the content type to send and when it expires', async () => {
      const { clock, blobs } = await setup();
      const result = await blobs.uploadUrl(key, upload());
      const url = new URL(result.url);
      expect(url.protocol).toMatch(/^https?:$/);
      expect(url.pathname.endsWith(`/${key}`)).toBe(true);
      expect(result.headers['content-type']).toBe('application/pdf');
      expect(result.expiresAt).toBe(isoTime(clock.now() + 300_000));
    });

    it('says no object is stored at a key nothing was uploaded to, and refuses a bad key', async () => {
      const { blobs } = await setup();
      expect(await blobs.exists('evidence/dp_01JD3S8Q4X/never-uploaded.pdf')).toBe(false);
      await expect(blobs.exists('../outside')).rejects.toBeInstanceOf(AppError);
    });

    it('gives a download URL for the key and when it expires', async () => {
      const { clock, blobs } = await setup();
      const result = await blobs.downloadUrl(key, { expiresInSeconds: 60 });
      expect(new URL(result.url).pathname.endsWith(`/${key}`)).toBe(true);
      expect(result.expiresAt).toBe(isoTime(clock.now() + 60_000));
    });

    it('signs each URL for its key, method, content type and expiry', async () => {
      const { blobs } = await setup();
      const urls = [
        (await blobs.uploadUrl(key, upload())).url,
        (await blobs.uploadUrl(key, upload({ expiresInSeconds: 301 }))).url,
        (await blobs.uploadUrl(key, upload({ contentType: 'image/png' }))).url,
        (await blobs.uploadUrl('evidence/other.pdf', upload())).url,
        (await blobs.downloadUrl(key, { expiresInSeconds: 300 })).url,
      ];
      expect(new Set(urls).size).toBe(urls.length);
    });

    it('accepts the longest key and the longest lifetime allowed', async () => {
      const { clock, blobs } = await setup();
      const longKey = `a/${'b'.repeat(maxBlobKeyLength - 2)}`;
      const result = await blobs.downloadUrl(longKey, { expiresInSeconds: maxBlobUrlSeconds });
      expect(result.expiresAt).toBe(isoTime(clock.now() + maxBlobUrlSeconds * 1000));
    });

    it.each([
      '',
      '../secrets',
      'a/../../b',
      '/absolute',
      'a//b',
      'a/./b',
      'a/',
      'a\\b',
      'a b',
      'a%2Fb',
      'é',
      'x'.repeat(maxBlobKeyLength + 1),
    ])('refuses the key %j for uploads and downloads', async (bad) => {
      const { blobs } = await setup();
      await expectInvalid(blobs.uploadUrl(bad, upload()), 'key');
      await expectInvalid(blobs.downloadUrl(bad, { expiresInSeconds: 60 }), 'key');
    });

    it.each([0, -1, 1.5, maxBlobUrlSeconds + 1, Number.NaN])(
      'refuses a lifetime of %s seconds',
      async (expiresInSeconds) => {
        const { blobs } = await setup();
        await expectInvalid(blobs.uploadUrl(key, upload({ expiresInSeconds })), 'expiresInSeconds');
        await expectInvalid(blobs.downloadUrl(key, { expiresInSeconds }), 'expiresInSeconds');
      },
    );

    it('refuses a size limit below 1 byte or above 5 GiB, and a content type that is not a MIME type', async () => {
      const { blobs } = await setup();
      await expectInvalid(blobs.uploadUrl(key, upload({ maxBytes: 0 })), 'maxBytes');
      await expectInvalid(blobs.uploadUrl(key, upload({ maxBytes: 5 * 1024 ** 3 + 1 })), 'maxBytes');
      for (const contentType of ['', 'pdf', 'text/plain\r\nX-Injected: 1', '/plain']) {
        await expectInvalid(blobs.uploadUrl(key, upload({ contentType })), 'contentType');
      }
    });
  });
}

async function expectInvalid(promise: Promise<unknown>, param: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'invalid_request', param });
}

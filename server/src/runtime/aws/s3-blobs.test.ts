import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../kernel/clock.ts';
import { runBlobsContract } from '../../platform/blobs-contract.ts';
import { S3Blobs } from './s3-blobs.ts';

// S3 cannot run here. Presigning needs no request to S3, so the URLs are made for real by
// @aws-sdk/s3-request-presigner with static fake credentials and their SigV4 shape is asserted;
// S3Client.send is mocked only to prove that nothing goes over the network.
const s3 = mockClient(S3Client);
afterAll(() => s3.restore());

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const makeClient = (extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) =>
  new S3Client({ region: 'eu-west-1', credentials, ...extra });

runBlobsContract('S3Blobs (presigned offline)', async (clock) => ({
  blobs: new S3Blobs({ client: makeClient(), bucket: 'sluice-blobs', clock }),
}));

describe('S3Blobs', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0, 750));
  const blobs = new S3Blobs({ client: makeClient(), bucket: 'sluice-blobs', clock });
  const key = 'evidence/dp_1/receipt.pdf';

  it('presigns a PutObject URL on the bucket host, with the content type as a signed header', async () => {
    const upload = await blobs.uploadUrl(key, {
      contentType: 'application/pdf',
      maxBytes: 5_000_000,
      expiresInSeconds: 300,
    });
    const url = new URL(upload.url);
    expect(url.origin).toBe('https://sluice-blobs.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe(`/${key}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
      'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20260101/eu-west-1/s3/aws4_request',
      'X-Amz-Date': '20260101T120000Z',
      'X-Amz-Expires': '300',
      'X-Amz-SignedHeaders': 'content-type;host',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
      'x-id': 'PutObject',
    });
    expect(upload.headers).toEqual({ 'content-type': 'application/pdf' });
    // Signed on the whole second, so this is when S3 stops honouring it.
    expect(upload.expiresAt).toBe('2026-01-01T12:05:00.000Z');
  });

  it('puts no checksum of the empty presigning payload in upload URLs, whatever the client default', async () => {
    const url = new URL(
      (await blobs.uploadUrl(key, { contentType: 'application/pdf', maxBytes: 10, expiresInSeconds: 60 }))
        .url,
    );
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
  });

  it('presigns a GetObject URL that signs only the host', async () => {
    const download = await blobs.downloadUrl(key, { expiresInSeconds: 60 });
    const url = new URL(download.url);
    expect(url.host).toBe('sluice-blobs.s3.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('x-id')).toBe('GetObject');
    expect(download.expiresAt).toBe('2026-01-01T12:01:00.000Z');
  });

  it('carries the session token of temporary credentials, as a Lambda role has', async () => {
    const client = makeClient({ credentials: { ...credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLE' } });
    const url = new URL(
      (
        await new S3Blobs({ client, bucket: 'sluice-blobs', clock }).downloadUrl(key, {
          expiresInSeconds: 60,
        })
      ).url,
    );
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE');
  });

  it('uses path-style URLs when the client asks for them (S3-compatible stores)', async () => {
    const client = makeClient({ forcePathStyle: true });
    const url = new URL(
      (
        await new S3Blobs({ client, bucket: 'sluice-blobs', clock }).downloadUrl(key, {
          expiresInSeconds: 60,
        })
      ).url,
    );
    expect(url.host).toBe('s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe(`/sluice-blobs/${key}`);
  });

  it('never calls S3 to make a URL', async () => {
    await blobs.uploadUrl(key, { contentType: 'image/png', maxBytes: 10, expiresInSeconds: 60 });
    await blobs.downloadUrl(key, { expiresInSeconds: 60 });
    expect(s3.calls()).toHaveLength(0);
  });
});

import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Local, s3LocalClientConfig, type S3Local } from '../../../../test/s3-local.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { runBlobsContract } from '../../platform/blobs-contract.ts';
import { S3Blobs } from './s3-blobs.ts';

// The contract suite and the round trips run against a local S3: s3rver (npm, pure Node),
// started for this file by test/s3-local.ts. The presigned URLs are used for real there: a PUT
// with fetch, a GET of the same bytes, an expired URL refused.
//
// What s3rver cannot prove, so it stays asserted offline on URLs signed for eu-west-1 with
// static fake credentials (their SigV4 shape, no request made):
// - the signature itself: s3rver 3.7 checks the access key id and the expiry of a SigV4 URL but
//   never computes its signature, so it would accept a wrong one, an upload with another
//   content type than the signed one, or the CRC32 of the empty payload that SDK defaults sign
//   into a PutObject URL (which real S3 rejects). Hence the assertions on the signed headers
//   and on the absence of a checksum parameter.
// - the virtual-hosted URL on the bucket's AWS host, the session token of temporary credentials:
//   only the URL's text shows them.
// - that making a URL sends nothing: the one remaining mock (aws-sdk-client-mock on S3Client,
//   for that one test) counts the calls.

const bucket = 'sluice-blobs';
const key = 'evidence/dp_1/receipt.pdf';
let s3: S3Local;

beforeAll(async () => {
  s3 = await startS3Local({ buckets: [bucket] });
});
afterAll(async () => {
  await s3?.stop();
});

const localBlobs = (clock: ManualClock) =>
  new S3Blobs({ client: new S3Client({ ...s3LocalClientConfig, endpoint: s3.endpoint }), bucket, clock });
/** A clock on the local server's own time, which is what it checks expiries against. */
const clockAt = (offsetMs = 0) => new ManualClock(Date.now() + offsetMs);

runBlobsContract('S3Blobs (local S3: s3rver)', async (clock) => ({ blobs: localBlobs(clock) }));

describe('S3Blobs against a local S3 (s3rver)', () => {
  it('uploads the bytes with the presigned PUT URL and its headers, and downloads them with the presigned GET URL', async () => {
    const blobs = localBlobs(clockAt());
    const bytes = new TextEncoder().encode('%PDF-1.7 receipt for dp_1');
    const upload = await blobs.uploadUrl(key, {
      contentType: 'application/pdf',
      maxBytes: 1_000,
      expiresInSeconds: 60,
    });
    expect(await blobs.exists(key)).toBe(false);
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
    expect(put.status).toBe(200);
    expect(await blobs.exists(key)).toBe(true);

    const download = await blobs.downloadUrl(key, { expiresInSeconds: 60 });
    const get = await fetch(download.url);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(bytes);
  });

  it('answers 404 from a download URL for a key nothing was uploaded to', async () => {
    const download = await localBlobs(clockAt()).downloadUrl('evidence/dp_1/never-uploaded.pdf', {
      expiresInSeconds: 60,
    });
    const response = await fetch(download.url);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('<Code>NoSuchKey</Code>');
  });

  it('refuses an upload URL and a download URL once they have expired', async () => {
    // Signed ten minutes ago for one minute: expired nine minutes ago by the server's clock.
    const blobs = localBlobs(clockAt(-600_000));
    const upload = await blobs.uploadUrl('evidence/dp_1/late.pdf', {
      contentType: 'application/pdf',
      maxBytes: 1_000,
      expiresInSeconds: 60,
    });
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'late' });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('Request has expired');

    const get = await fetch((await blobs.downloadUrl(key, { expiresInSeconds: 60 })).url);
    expect(get.status).toBe(403);
    expect(await get.text()).toContain('Request has expired');
  });

  it('keeps a key and a key below it side by side, as the contract says S3 does', async () => {
    const blobs = localBlobs(clockAt());
    for (const [name, body] of [
      ['exports/m_1', 'outer'],
      ['exports/m_1/2026-01.csv', 'inner'],
    ] as const) {
      const upload = await blobs.uploadUrl(name, {
        contentType: 'text/csv',
        maxBytes: 100,
        expiresInSeconds: 60,
      });
      expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body })).status).toBe(200);
    }
    const read = async (name: string) =>
      (await fetch((await blobs.downloadUrl(name, { expiresInSeconds: 60 })).url)).text();
    expect(await read('exports/m_1')).toBe('outer');
    expect(await read('exports/m_1/2026-01.csv')).toBe('inner');
  });
});

describe('S3Blobs URLs for AWS (offline)', () => {
  const credentials = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
  const makeClient = (extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) =>
    new S3Client({ region: 'eu-west-1', credentials, ...extra });
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0, 750));
  const blobs = new S3Blobs({ client: makeClient(), bucket, clock });

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
      (await new S3Blobs({ client, bucket, clock }).downloadUrl(key, { expiresInSeconds: 60 })).url,
    );
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE');
  });

  it('uses path-style URLs when the client asks for them (S3-compatible stores)', async () => {
    const client = makeClient({ forcePathStyle: true });
    const url = new URL(
      (await new S3Blobs({ client, bucket, clock }).downloadUrl(key, { expiresInSeconds: 60 })).url,
    );
    expect(url.host).toBe('s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe(`/sluice-blobs/${key}`);
  });

  it('never calls S3 to make a URL', async () => {
    // Every S3Client, not just this one, for as long as this test runs.
    const sent = mockClient(S3Client);
    try {
      const offline = new S3Blobs({ client: makeClient(), bucket, clock });
      await offline.uploadUrl(key, { contentType: 'image/png', maxBytes: 10, expiresInSeconds: 60 });
      await offline.downloadUrl(key, { expiresInSeconds: 60 });
      expect(sent.calls()).toHaveLength(0);
    } finally {
      sent.restore();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { rewardsTestPlatform, type RewardsTestPlatform } from '../server/src/rewards/test-support.ts';
import { expectBooksBalanced } from './invariants.ts';

let t: RewardsTestPlatform;
afterEach(async () => {
  await t?.close();
});

async function coinsOf(token: string) {
  return (await t.call('GET', '/v1/coins', { token })).json;
}

/** A presigned upload of a post image; `bytes` are PUT to it unless undefined (nothing uploaded). */
async function imageUpload(token: string, bytes: string | undefined): Promise<string> {
  const upload = await t.call('POST', '/v1/posts/images', { token, body: { content_type: 'image/png' } });
  expect(upload.status).toBe(201);
  if (bytes !== undefined) {
    const put = await t.platform.app.request(upload.json.upload_url, {
      method: 'PUT',
      headers: upload.json.upload_headers,
      body: bytes,
    });
    expect(put.status).toBe(200);
  }
  return upload.json.image_key as string;
}

async function feedIds(token: string): Promise<string[]> {
  return (await t.call('GET', '/v1/posts?limit=100', { token })).json.data.map((p: { id: string }) => p.id);
}

describe('post images', () => {
  it('refuses an image_key that names nothing uploaded, and changes nothing', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const post = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Buy my stuff' } });
    expect(post.status).toBe(201);
    await t.platform.queue.drain();
    expect(await coinsOf(ann.token)).toMatchObject({ balance: 10 });

    expect((await t.call('DELETE', `/v1/posts/${post.json.id}`, { token: ann.token })).status).toBe(200);
    for (let round = 0; round < 3; round++) {
      const neverUploaded = await imageUpload(ann.token, undefined);
      const repost = await t.call('POST', '/v1/posts', {
        token: ann.token,
        body: { content: 'Buy my stuff', image_key: neverUploaded },
      });
      expect(repost.status).toBe(400);
      expect(repost.json.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'image_not_uploaded',
        param: 'image_key',
      });
    }
    // A key in the caller's folder in the right shape, but never handed out, is refused the same way.
    const invented = await t.call('POST', '/v1/posts', {
      token: ann.token,
      body: { content: 'Other words', image_key: `posts/${ann.id}/00000000-0000-0000-0000-000000000000.png` },
    });
    expect(invented.status).toBe(400);
    expect(invented.json.error).toMatchObject({ code: 'image_not_uploaded', param: 'image_key' });

    await t.platform.queue.drain();
    expect(await feedIds(ann.token)).toEqual([]);
    expect(await coinsOf(ann.token)).toMatchObject({ balance: 10, earned_today: 10 });
    await expectBooksBalanced(t.platform.store);
  });

  it('never pays twice for delete-then-repost of the same text with another image', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    let post = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Buy my stuff' } });
    expect(post.status).toBe(201);
    for (let round = 0; round < 3; round++) {
      expect((await t.call('DELETE', `/v1/posts/${post.json.id}`, { token: ann.token })).status).toBe(200);
      const image = await imageUpload(ann.token, `png bytes ${round}`);
      post = await t.call('POST', '/v1/posts', {
        token: ann.token,
        body: { content: round === 1 ? '  buy MY   stuff ' : 'Buy my stuff', image_key: image },
      });
      expect(post.status).toBe(201);
      const shown = await t.platform.app.request(post.json.image_url);
      expect(await shown.text()).toBe(`png bytes ${round}`);
    }
    expect((await t.call('DELETE', `/v1/posts/${post.json.id}`, { token: ann.token })).status).toBe(200);
    const linked = await t.call('POST', '/v1/posts', {
      token: ann.token,
      body: { content: 'Buy my stuff', image_url: 'https://example.com/stuff.jpg' },
    });
    expect(linked.status).toBe(201);
    // Other text is another post, and pays.
    expect(
      (await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Buy my other stuff' } }))
        .status,
    ).toBe(201);

    await t.platform.queue.drain();
    expect(await coinsOf(ann.token)).toMatchObject({ balance: 20, earned_today: 20 });
    await expectBooksBalanced(t.platform.store);
  });
});

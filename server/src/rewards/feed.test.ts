import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { rewardsTestPlatform, type RewardsTestPlatform } from './test-support.ts';

let t: RewardsTestPlatform;
afterEach(async () => {
  await t?.close();
});

async function coinsOf(token: string) {
  return (await t.call('GET', '/v1/coins', { token })).json;
}

describe('the feed', () => {
  it('posts, likes and comments, pays their coins once the awards settle, and lists the feed newest first', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');

    const first = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Hello, world' } });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      author: ann.id,
      author_name: 'Ann',
      like_count: 0,
      liked_by_me: false,
    });
    t.clock.advance(1000);
    const second = await t.call('POST', '/v1/posts', { token: bob.token, body: { content: 'Second post' } });

    const feed = await t.call('GET', '/v1/posts?limit=1', { token: ann.token });
    expect(feed.json.data.map((p: { id: string }) => p.id)).toEqual([second.json.id]);
    expect(feed.json.has_more).toBe(true);
    const next = await t.call('GET', `/v1/posts?limit=1&starting_after=${feed.json.next_cursor}`, {
      token: ann.token,
    });
    expect(next.json.data.map((p: { id: string }) => p.id)).toEqual([first.json.id]);

    const liked = await t.call('POST', `/v1/posts/${first.json.id}/like`, { token: bob.token });
    expect(liked.json).toMatchObject({ like_count: 1, liked_by_me: true });
    expect(
      (await t.call('POST', `/v1/posts/${first.json.id}/like`, { token: bob.token })).json.error.code,
    ).toBe('post_already_liked');
    const comment = await t.call('POST', `/v1/posts/${first.json.id}/comments`, {
      token: bob.token,
      body: { content: 'Nice one' },
    });
    expect(comment.status).toBe(201);
    // Self-like and self-comment earn nothing.
    await t.call('POST', `/v1/posts/${first.json.id}/like`, { token: ann.token });
    await t.call('POST', `/v1/posts/${first.json.id}/comments`, {
      token: ann.token,
      body: { content: 'Thanks' },
    });

    await t.platform.queue.drain();
    expect(await coinsOf(ann.token)).toMatchObject({ balance: 12, earned_today: 12, daily_cap: 500 });
    expect(await coinsOf(bob.token)).toMatchObject({ balance: 15, earned_today: 15 });
    expect((await coinsOf(ann.token)).resets_at).toBe('2026-01-16T00:00:00.000Z');

    const history = await t.call('GET', '/v1/coins/history', { token: ann.token });
    expect(history.json.data.map((e: { rule: string; amount: number }) => [e.rule, e.amount]).sort()).toEqual(
      [
        ['like', 2],
        ['post', 10],
      ],
    );
    const comments = await t.call('GET', `/v1/posts/${first.json.id}/comments`, { token: ann.token });
    expect(comments.json.data.map((c: { content: string }) => c.content)).toEqual(['Nice one', 'Thanks']);
    await expectBooksBalanced(t.platform.store);
  });

  it('never pays twice for unlike-then-like or delete-then-repost', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const post = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Same words' } });
    for (let round = 0; round < 3; round++) {
      expect((await t.call('POST', `/v1/posts/${post.json.id}/like`, { token: bob.token })).status).toBe(200);
      expect((await t.call('DELETE', `/v1/posts/${post.json.id}/like`, { token: bob.token })).status).toBe(
        200,
      );
    }
    expect((await t.call('DELETE', `/v1/posts/${post.json.id}`, { token: ann.token })).status).toBe(200);
    const repost = await t.call('POST', '/v1/posts', {
      token: ann.token,
      body: { content: '  same   WORDS ' },
    });
    expect(repost.status).toBe(201);
    await t.platform.queue.drain();
    // One post award (10) and one like award (2), whatever the repeats.
    expect(await coinsOf(ann.token)).toMatchObject({ balance: 12, earned_today: 12 });
    await expectBooksBalanced(t.platform.store);
  });

  it('refuses bad input with a 4xx and changes nothing', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const empty = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: '   ' } });
    expect(empty.status).toBe(400);
    expect(empty.json.error).toMatchObject({ code: 'validation_failed', param: 'content' });
    const long = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'x'.repeat(1001) } });
    expect(long.status).toBe(400);
    expect(long.json.error.param).toBe('content');
    expect((await t.call('POST', '/v1/posts', { body: { content: 'hi' } })).status).toBe(401);
    // A cursor that is not one is refused, whether or not the user has earned coins yet.
    const badCursor = await t.call('GET', '/v1/coins/history?starting_after=zzz', { token: bob.token });
    expect(badCursor.status).toBe(400);
    expect(badCursor.json.error.param).toBe('starting_after');

    const post = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Mine' } });
    const id = post.json.id;
    expect((await t.call('DELETE', `/v1/posts/${id}`, { token: bob.token })).status).toBe(404);
    expect(
      (
        await t.call('POST', '/v1/posts/post_01JD3S8Q4X9Z2K7M5N6P8R0T1V/comments', {
          token: bob.token,
          body: { content: 'hello?' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await t.call('POST', `/v1/posts/${id}/comments`, { token: bob.token, body: { content: '' } })).status,
    ).toBe(400);
    expect((await t.call('DELETE', `/v1/posts/${id}/like`, { token: bob.token })).json.error.code).toBe(
      'post_not_liked',
    );
    expect((await t.call('DELETE', `/v1/posts/${id}`, { token: ann.token })).status).toBe(200);
    const likeDeleted = await t.call('POST', `/v1/posts/${id}/like`, { token: bob.token });
    expect(likeDeleted.status).toBe(404);
    expect(likeDeleted.json.error.code).toBe('not_found');
    expect((await t.call('GET', `/v1/posts/${id}`, { token: ann.token })).status).toBe(404);

    await t.platform.queue.drain();
    // Only the one real post paid; the refused actions queued nothing.
    expect(await coinsOf(ann.token)).toMatchObject({ balance: 10 });
    expect(await coinsOf(bob.token)).toMatchObject({ balance: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('lets an admin delete anyone’s post', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const admin = await t.signUp('Admin', 'admin@example.com');
    const post = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Spam' } });
    expect((await t.call('DELETE', `/v1/posts/${post.json.id}`, { token: admin.token })).status).toBe(200);
    expect((await t.call('GET', `/v1/posts/${post.json.id}`, { token: ann.token })).status).toBe(404);
  });

  it('takes an image through a presigned upload, shows it by a signed URL, and refuses another user’s key', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const upload = await t.call('POST', '/v1/posts/images', {
      token: ann.token,
      body: { content_type: 'image/png' },
    });
    expect(upload.status).toBe(201);
    expect(upload.json.image_key).toMatch(new RegExp(`^posts/${ann.id}/[0-9a-f-]+\\.png$`));
    const put = await t.platform.app.request(upload.json.upload_url, {
      method: 'PUT',
      headers: upload.json.upload_headers,
      body: 'png bytes',
    });
    expect(put.status).toBe(200);
    const post = await t.call('POST', '/v1/posts', {
      token: ann.token,
      body: { content: 'With a picture', image_key: upload.json.image_key },
    });
    expect(post.status).toBe(201);
    const shown = await t.call('GET', `/v1/posts/${post.json.id}`, { token: bob.token });
    const image = await t.platform.app.request(shown.json.image_url);
    expect(image.status).toBe(200);
    expect(await image.text()).toBe('png bytes');

    const stolen = await t.call('POST', '/v1/posts', {
      token: bob.token,
      body: { content: 'Not mine', image_key: upload.json.image_key },
    });
    expect(stolen.status).toBe(400);
    expect(stolen.json.error.param).toBe('image_key');
    const badType = await t.call('POST', '/v1/posts/images', {
      token: ann.token,
      body: { content_type: 'text/html' },
    });
    expect(badType.status).toBe(400);
    expect(badType.json.error.param).toBe('content_type');
    await expectBooksBalanced(t.platform.store);
  });

  it('pushes likes, comments and coins to the author’s sockets, and nothing of theirs to anyone else', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const push = vi.spyOn(t.platform.realtime, 'push');
    const post = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Push me' } });
    await t.call('POST', `/v1/posts/${post.json.id}/like`, { token: bob.token });
    await t.call('POST', `/v1/posts/${post.json.id}/comments`, {
      token: bob.token,
      body: { content: 'Pushed' },
    });
    await t.platform.queue.drain();
    await t.platform.dispatcher.drain();
    const pushed = (userId: string) =>
      push.mock.calls
        .filter(([users, message]) => users.includes(userId) && /^(post|coins)\./.test(message.type))
        .map(([, message]) => message.type);
    expect(pushed(ann.id).sort()).toEqual(['coins.earned', 'coins.earned', 'post.commented', 'post.liked']);
    expect(pushed(bob.id)).toEqual(['coins.earned']);
    const coins = push.mock.calls.find(
      ([users, message]) =>
        users.includes(ann.id) &&
        message.type === 'coins.earned' &&
        (message.data as { rule: string }).rule === 'like',
    );
    expect(coins?.[1].data).toMatchObject({ amount: 2, daily_cap: 500 });
    // The post's and the like's awards settle in either order: the day's total is 2 or 12 at the like.
    expect([2, 12]).toContain((coins?.[1].data as { earned_today: number }).earned_today);
    await expectBooksBalanced(t.platform.store);
  });
});

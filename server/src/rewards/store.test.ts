import { describe, expect, it } from 'vitest';
import { keyMatchesPattern, keyPatternsOverlap, partitionsWritten } from '../platform/keys.ts';
import type { StoredPost } from './model.ts';
import {
  awardPut,
  commentPut,
  dayActivity,
  dayDelete,
  dayEarned,
  dayReceived,
  deadPut,
  digestPut,
  jobRunPut,
  likePut,
  postCounter,
  postExists,
  postPut,
  redemptionPut,
  rewardPut,
  rewardsKeyPatterns,
  rewardTakeOne,
} from './store.ts';

const post: StoredPost = {
  id: 'post_1',
  author: 'usr_a',
  author_name: 'Ann',
  content: 'Hi',
  content_hash: 'h',
  image_url: null,
  image_key: null,
  like_count: 3,
  comment_count: 1,
  created_at: '2026-01-15T12:00:00.000Z',
};
const dayStart = Date.UTC(2026, 0, 15);

describe('rewards store', () => {
  it('claims key patterns that never overlap one another', () => {
    for (const [i, a] of rewardsKeyPatterns.entries())
      for (const b of rewardsKeyPatterns.slice(i + 1))
        expect(keyPatternsOverlap(a, b), `${a} ~ ${b}`).toBe(false);
  });

  it('writes only partitions its patterns claim, each claimed once', () => {
    const operations = [
      postPut(post),
      postExists(post.id),
      postCounter(post.id, 'like_count', 1),
      likePut(post.id, 'usr_b', post.created_at),
      commentPut({
        id: 'cmt_1',
        post_id: post.id,
        author: 'usr_b',
        author_name: 'Bo',
        content: 'Yo',
        created_at: post.created_at,
      }),
      dayActivity('usr_b', '2026-01-15', dayStart),
      dayReceived('usr_a', '2026-01-15', dayStart, 'likes_received'),
      dayEarned('usr_a', '2026-01-15', dayStart, 2),
      dayDelete('usr_a', '2026-01-15'),
      awardPut({
        rule: 'like',
        source: 'post_1:usr_b',
        user: 'usr_a',
        amount: 2,
        transfer_id: 'tr_x',
        day: '2026-01-15',
        created_at: post.created_at,
      }),
      deadPut({ id: 'msg_1', body: {}, error: 'x', receive_count: 5, dead_at: post.created_at }),
      rewardPut({
        id: 'rwd_1',
        name: 'R',
        description: '',
        price: 1,
        stock: 1,
        kind: 'voucher',
        active: true,
        credit: null,
        created_at: post.created_at,
      }),
      rewardTakeOne('rwd_1'),
      redemptionPut({
        id: 'rdm_1',
        user: 'usr_a',
        reward_id: 'rwd_1',
        reward_name: 'R',
        kind: 'voucher',
        price: 1,
        voucher_code: 'RW-AAAA-BBBB-CCCC',
        credit: null,
        transfer_id: 'tr_y',
        created_at: post.created_at,
      }),
      digestPut('usr_a', '2026-01-15', dayStart, post.created_at),
      jobRunPut('weekly-bonus', post.created_at, {}),
    ];
    for (const operation of operations)
      for (const key of partitionsWritten(operation))
        expect(
          rewardsKeyPatterns.filter((pattern) => keyMatchesPattern(key, pattern)),
          key,
        ).toHaveLength(1);
  });

  it('keeps the like counts off the feed index, so a like never rewrites the feed partition', () => {
    const put = postPut(post);
    expect(put.type === 'put' && put.item).toMatchObject({ gsi1pk: 'RW#FEED' });
    expect(put.type === 'put' && 'like_count' in put.item).toBe(false);
    expect(partitionsWritten(postCounter(post.id, 'like_count', 1))).toEqual(['RW#POST#post_1']);
  });

  it('adds to the day only while the total stays within the cap', () => {
    expect(dayEarned('usr_a', '2026-01-15', dayStart, 5)).toMatchObject({
      add: { earned: 5 },
      condition: { any: [{ attributeNotExists: 'earned' }, { compare: ['earned', '<=', 495] }] },
    });
  });
});

/**
 * Rewards likes: `POST /v1/posts/{id}/like`, each request a distinct (user, post) pair, on posts
 * by a fifth of the users. Every like commits the like, the post's counter, the day counters,
 * its outbox event and its award message in one transaction; the award consumer then pays the
 * author 2 coins in `COIN` under the 500-a-day cap. The rate counts only when the awards keep up:
 * after the run, the bench waits until every author's coins for the day equal what their likes
 * earned and reports how long that took (the award queue's lag at the end).
 */
import { call, mapLimit, type ApiUser } from '../../test/server-process.ts';
import {
  runLoad,
  runServerLoad,
  type AutocannonRequest,
  type LoadTarget,
  type ScenarioResult,
} from '../load.ts';
import { log, round, settings } from '../support.ts';

export type LikesResult = ScenarioResult & {
  likes_per_second: number;
  /** After the load stopped: how long until every award was paid, and the coins expected and found. */
  awards: { settled_s: number; expected_coins: number; paid_coins: number; authors: number };
};

const postAward = 10;
const likeAward = 2;
const dailyCap = 500;

export async function runLikesScenario(server: LoadTarget, users: ApiUser[]): Promise<LikesResult> {
  const authors = users.slice(0, Math.max(1, Math.floor(users.length / 5)));
  const posts = new Array<{ id: string; author: ApiUser }>(authors.length);
  await mapLimit(authors.length, 8, async (i) => {
    const author = authors[i]!;
    const response = await call(server.url, 'POST', '/v1/posts', {
      token: author.token,
      body: { content: `Bench post ${i}` },
    });
    if (response.status !== 201) throw new Error(`post failed: ${response.status} ${response.text}`);
    posts[i] = { id: (response.json as { id: string }).id, author };
  });
  log(`created ${posts.length} posts by ${authors.length} authors`);

  // Pair n is (user n mod U, post ⌊n / U⌋ mod P): distinct until U × P likes, so none is refused as a repeat.
  const likesPerPost = new Array<number>(posts.length).fill(0);
  let next = 0;
  const likeRequest = (counted: boolean): AutocannonRequest => ({
    method: 'POST',
    setupRequest: (request, context) => {
      const n = next++;
      const user = users[n % users.length]!;
      const post = Math.floor(n / users.length) % posts.length;
      context.post = post;
      context.isSelf = posts[post]!.author === user;
      return {
        ...request,
        path: `/v1/posts/${posts[post]!.id}/like`,
        headers: { authorization: `Bearer ${user.token}` },
      };
    },
    onResponse: (status, _body, context) => {
      if (status === 200 && !context.isSelf && counted) likesPerPost[context.post as number]! += 1;
    },
  });
  // The warm-up's likes pay too: count them as well, so the expected coins are exact.
  if (settings.warmup > 0) await runLoad(server, 'likes warm-up', settings.warmup, likeRequest(true));
  const result = await runServerLoad(server, 'rewards: likes with their awards', likeRequest(true));
  const loadEnded = performance.now();

  // What the awards must add up to, from the server's own like counts: requests still in flight
  // when autocannon stopped were liked but never reported back here. Self-likes earn nothing.
  const counts = new Array<number>(posts.length);
  await mapLimit(posts.length, 16, async (i) => {
    const response = await call(server.url, 'GET', `/v1/posts/${posts[i]!.id}`, {
      token: posts[i]!.author.token,
    });
    const post = response.json as { like_count: number; liked_by_me: boolean };
    counts[i] = post.like_count - (post.liked_by_me ? 1 : 0);
  });
  const expected = counts.reduce((sum, likes) => sum + Math.min(dailyCap, postAward + likeAward * likes), 0);
  const reported = likesPerPost.reduce((sum, likes) => sum + likes, 0);
  let paid: number;
  for (;;) {
    const earned = new Array<number>(posts.length);
    await mapLimit(posts.length, 16, async (i) => {
      const response = await call(server.url, 'GET', '/v1/coins', { token: posts[i]!.author.token });
      earned[i] = (response.json as { earned_today: number }).earned_today;
    });
    paid = earned.reduce((sum, value) => sum + value, 0);
    if (paid >= expected) break;
    if (performance.now() - loadEnded > 600_000)
      throw new Error(`awards did not settle in 10 minutes: ${paid} of ${expected} coins paid`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The outbox drained first (runServerLoad waits for it); the awards settled while it did.
  const settled = round((performance.now() - loadEnded) / 1000 + (result.outbox?.drain_s ?? 0), 2);
  log(
    `  awards settled ${settled} s after the load stopped: ${paid} of ${expected} coins (${reported} likes reported, ${counts.reduce((a, b) => a + b, 0)} on the server)`,
  );
  return {
    ...result,
    likes_per_second: result.rps_2xx,
    awards: { settled_s: settled, expected_coins: expected, paid_coins: paid, authors: authors.length },
  };
}

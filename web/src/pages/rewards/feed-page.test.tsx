import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyRewardsMessage, rewardsKeys, type Post } from '../../api/rewards.ts';
import { setSession } from '../../api/session.ts';
import {
  apiRoute,
  fixture,
  mockFetch,
  signInTestUser,
  testUser,
  withQueryClient,
} from '../../test-support.tsx';
import { FeedPage } from './feed-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const aPost = (overrides: Partial<Post> = {}): Post => ({
  id: 'post_1',
  author: 'usr_bob',
  author_name: 'Bob',
  content: 'Hello from Bob',
  image_url: null,
  like_count: 0,
  comment_count: 0,
  liked_by_me: false,
  created_at: '2026-01-15T12:00:00.000Z',
  ...overrides,
});

const coins = fixture<'CoinsSummary'>({
  balance: 42,
  currency: 'COIN',
  earned_today: 30,
  daily_cap: 500,
  resets_at: '2026-01-16T00:00:00.000Z',
});

describe('FeedPage', () => {
  it('shows the coins toward the daily cap, and likes a post', async () => {
    signInTestUser();
    let post = aPost();
    const { calls } = mockFetch([
      apiRoute('get', '/v1/coins')(() => ({ status: 200, body: coins })),
      apiRoute(
        'get',
        '/v1/posts',
      )(() => ({
        status: 200,
        body: { data: [post], has_more: false, next_cursor: null },
      })),
      apiRoute(
        'post',
        '/v1/posts/{id}/like',
      )(() => {
        post = aPost({ like_count: 1, liked_by_me: true });
        return { status: 200, body: post };
      }),
    ]);
    const { wrapper: Wrapper } = withQueryClient();
    render(
      <Wrapper>
        <FeedPage />
      </Wrapper>,
    );
    expect((await screen.findByTestId('coin-balance')).textContent).toBe('42');
    expect(screen.getByTestId('coins-today').textContent).toBe('30 / 500');
    expect(
      screen.getByRole('progressbar', { name: 'Coins earned today' }).getAttribute('aria-valuenow'),
    ).toBe('30');

    const card = (await screen.findByText('Hello from Bob')).closest('li')!;
    // Not the author's: no delete button.
    expect(within(card).queryByRole('button', { name: 'Delete' })).toBeNull();
    fireEvent.click(within(card).getByRole('button', { name: /^Like/ }));
    await waitFor(() => expect(within(card).getByRole('button', { name: /^Liked · 1/ })).toBeTruthy());
    expect(calls.some((call) => call.method === 'POST' && call.url === '/v1/posts/post_1/like')).toBe(true);
  });

  it('refreshes coins and the feed when rewards events arrive', () => {
    const { queryClient } = withQueryClient();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    // Bob likes the test user's post: the like pays its author 2 coins.
    applyRewardsMessage(
      queryClient,
      {
        type: 'coins.earned',
        data: {
          user: testUser.id,
          amount: 2,
          currency: 'COIN',
          rule: 'like',
          source: 'post_1:usr_bob',
          day: '2026-01-15',
          earned_today: 12,
          daily_cap: 500,
        },
      },
      testUser.id,
    );
    applyRewardsMessage(
      queryClient,
      {
        type: 'post.liked',
        data: { post_id: 'post_1', author: testUser.id, user: 'usr_bob', user_name: 'Bob' },
      },
      testUser.id,
    );
    const keys = invalidate.mock.calls.map(([filters]) => filters?.queryKey);
    expect(keys).toEqual([rewardsKeys.coins(), rewardsKeys.history(), rewardsKeys.feed()]);
  });
});

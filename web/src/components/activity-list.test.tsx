import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../api/activity.ts';
import { ActivityList } from './activity-list.tsx';

afterEach(cleanup);

const bob = { id: 'usr_01JD3S8Q4X9Z2K7M5N6P8RBOB1', name: 'Bob Lee', email: 'bob@example.com' };

function entry(change: Partial<ActivityEntry>): ActivityEntry {
  return {
    id: `tr_${Math.random()}:credit`,
    transfer_id: 'tr_1',
    type: 'p2p',
    direction: 'credit',
    amount: 1250,
    currency: 'USD',
    counterparty: bob.id,
    counterparty_user: bob,
    note: null,
    status: 'completed',
    created_at: '2026-12-01T12:00:00Z',
    ...change,
  };
}

describe('ActivityList', () => {
  it('names the other person of each entry, and Sluice for the bonus', () => {
    render(
      <ActivityList
        entries={[
          entry({ direction: 'credit' }),
          entry({ direction: 'debit', note: 'Lunch' }),
          entry({ type: 'payment_request', direction: 'credit' }),
          entry({ type: 'payment_request', direction: 'debit' }),
          entry({ type: 'signup_bonus', counterparty: null, counterparty_user: null }),
        ]}
      />,
    );
    const rows = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(rows).toEqual([
      expect.stringContaining('From Bob Lee'),
      expect.stringContaining('To Bob Lee'),
      expect.stringContaining('Request paid by Bob Lee'),
      expect.stringContaining('Request paid to Bob Lee'),
      expect.stringContaining('Sign-up bonus'),
    ]);
    expect(rows[1]).toContain('Lunch');
    expect(screen.getAllByText('From Bob Lee')[0]!.getAttribute('title')).toBe('bob@example.com');
  });

  it('names a shop order, and says a hold is pending', () => {
    render(
      <ActivityList
        entries={[
          entry({
            type: 'commerce_order',
            direction: 'debit',
            counterparty: null,
            counterparty_user: null,
            status: 'pending',
          }),
          entry({ type: 'commerce_order', direction: 'debit', counterparty: null, counterparty_user: null }),
        ]}
      />,
    );
    const rows = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(rows[0]).toMatch(/^Shop order.* · Pending/);
    expect(rows[1]).toContain('Shop order');
    expect(rows[1]).not.toContain('Pending');
  });

  it('falls back to a shortened id when the API sent no name', () => {
    render(<ActivityList entries={[entry({ counterparty_user: null })]} />);
    expect(screen.getByRole('listitem').textContent).toContain('From usr_01…BOB1');
  });
});

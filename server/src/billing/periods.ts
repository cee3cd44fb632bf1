/**
 * The pure arithmetic of recurring billing: billing periods, proration and the dunning schedule.
 * No I/O, no floats: times are integer milliseconds, money integer minor units.
 */

export const intervals = ['day', 'week', 'month', 'year'] as const;
export type Interval = (typeof intervals)[number];

const dayMs = 86_400_000;

/** The published retry schedule of a failed renewal charge: days after the first failure. */
export const retryScheduleDays = [1, 3, 5, 7] as const;

/** Trials last at most two years. */
export const maxTrialDays = 730;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * `anchor` moved by `n` months, the day clamped to the target month's length (Jan 31 + 1 month =
 * Feb 28), always counted from the anchor so that Mar 31 follows Feb 28 rather than drifting to
 * the 28th for good.
 */
export function addMonths(anchor: number, n: number): number {
  const date = new Date(anchor);
  const month = date.getUTCMonth() + n;
  const year = date.getUTCFullYear() + Math.floor(month / 12);
  const inYear = ((month % 12) + 12) % 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, inYear));
  return Date.UTC(
    year,
    inYear,
    day,
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
}

/** The start of period `index` (0 = the one starting at `anchor`) of an `interval_count`×`interval` plan. */
export function periodStart(anchor: number, interval: Interval, count: number, index: number): number {
  const steps = index * count;
  switch (interval) {
    case 'day':
      return anchor + steps * dayMs;
    case 'week':
      return anchor + steps * 7 * dayMs;
    case 'month':
      return addMonths(anchor, steps);
    case 'year':
      return addMonths(anchor, steps * 12);
  }
}

export interface Period {
  start: number;
  end: number;
}

export function periodAt(anchor: number, interval: Interval, count: number, index: number): Period {
  return {
    start: periodStart(anchor, interval, count, index),
    end: periodStart(anchor, interval, count, index + 1),
  };
}

/** `numerator / denominator` rounded half up, exactly (bigint), for non-negative operands. */
export function divideRounded(numerator: bigint, denominator: bigint): number {
  return Number((numerator * 2n + denominator) / (denominator * 2n));
}

/**
 * The share of `amount` for the part of `period` from `at` to its end, to the second: `at` is
 * truncated to the second and the result rounded half up to the minor unit. What a plan change or
 * an immediate cancel credits for unused time, and charges for the new plan's remaining time.
 *
 * @example remainingShare(3000, { start: 0, end: 30 * 86_400_000 }, 15 * 86_400_000) // 1500
 */
export function remainingShare(amount: number, period: Period, at: number): number {
  const from = Math.min(Math.max(Math.floor(at / 1000) * 1000, period.start), period.end);
  const remaining = BigInt(Math.floor((period.end - from) / 1000));
  const length = BigInt(Math.floor((period.end - period.start) / 1000));
  if (length === 0n) return 0;
  return divideRounded(BigInt(amount) * remaining, length);
}

/** When retry `attempt` (1-based, after the first failure at `firstFailure`) is due, or null past the last. */
export function retryAt(firstFailure: number, attempt: number): number | null {
  const days = retryScheduleDays[attempt - 1];
  return days === undefined ? null : firstFailure + days * dayMs;
}

export function daysToMs(days: number): number {
  return days * dayMs;
}

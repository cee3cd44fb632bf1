import { isoTime } from '../../kernel/clock.ts';

/**
 * The ACH calendar: the days the Federal Reserve's ACH operator (FedACH) settles. Not Saturdays,
 * Sundays, or the eleven Federal Reserve holidays. A holiday on a Sunday is observed the Monday
 * after; one on a Saturday is not moved, since the Federal Reserve Banks stay open the Friday before
 * (its published holiday schedule says both). Hand-written because the holiday libraries on npm
 * model public holidays, not this Saturday rule.
 */

/** The `n`th given weekday (0 = Sunday) of a month, or the last one when `n` is -1. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
    return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
  }
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return lastDay.getUTCDate() - ((lastDay.getUTCDay() - weekday + 7) % 7);
}

const cache = new Map<number, ReadonlySet<string>>();

/** The Federal Reserve holidays of `year` on the days they are observed, as `YYYY-MM-DD`. */
export function federalReserveHolidays(year: number): ReadonlySet<string> {
  const found = cache.get(year);
  if (found) return found;
  const fixed: [number, number][] = [
    [0, 1], // New Year's Day
    [5, 19], // Juneteenth National Independence Day
    [6, 4], // Independence Day
    [10, 11], // Veterans Day
    [11, 25], // Christmas Day
  ];
  const floating: [number, number, number][] = [
    [0, 1, 3], // Birthday of Martin Luther King, Jr.: third Monday of January
    [1, 1, 3], // Washington's Birthday: third Monday of February
    [4, 1, -1], // Memorial Day: last Monday of May
    [8, 1, 1], // Labor Day: first Monday of September
    [9, 1, 2], // Columbus Day: second Monday of October
    [10, 4, 4], // Thanksgiving Day: fourth Thursday of November
  ];
  const days = new Set<string>();
  for (const [month, day] of fixed) {
    const date = new Date(Date.UTC(year, month, day));
    const weekday = date.getUTCDay();
    if (weekday === 6) continue; // Saturday: the Fed is open the Friday before, nothing observed.
    if (weekday === 0) date.setUTCDate(date.getUTCDate() + 1);
    days.add(date.toISOString().slice(0, 10));
  }
  for (const [month, weekday, n] of floating)
    days.add(new Date(Date.UTC(year, month, nthWeekday(year, month, weekday, n))).toISOString().slice(0, 10));
  cache.set(year, days);
  return days;
}

/** Whether ACH settles on `day` (`YYYY-MM-DD`). */
export function isBusinessDay(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !federalReserveHolidays(Number(day.slice(0, 4))).has(day);
}

/** `YYYY-MM-DD` plus `days` business days (weekends and Federal Reserve holidays skipped). */
export function addBusinessDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    if (isBusinessDay(date.toISOString().slice(0, 10))) left -= 1;
  }
  return date.toISOString().slice(0, 10);
}

/** The business day a submission at `ms` goes out on: that day, or the next business day. */
export function businessDayOf(ms: number): string {
  const day = isoTime(ms).slice(0, 10);
  return isBusinessDay(day) ? day : addBusinessDays(day, 1);
}

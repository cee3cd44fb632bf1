import { describe, expect, it } from 'vitest';
import { addBusinessDays, businessDayOf, federalReserveHolidays, isBusinessDay } from './calendar.ts';

describe('the ACH calendar', () => {
  // The Federal Reserve's published holiday schedule for 2026 and 2027 (observed days).
  it('has the Federal Reserve holidays as the Fed publishes them', () => {
    expect([...federalReserveHolidays(2026)].sort()).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
    expect([...federalReserveHolidays(2027)].sort()).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-05-31',
      '2027-07-05',
      '2027-09-06',
      '2027-10-11',
      '2027-11-11',
      '2027-11-25',
    ]);
  });

  it('moves a Sunday holiday to Monday and leaves a Saturday one unobserved', () => {
    expect(isBusinessDay('2027-07-05')).toBe(false); // July 4 was a Sunday
    expect(isBusinessDay('2026-07-03')).toBe(true); // July 4 is a Saturday: the Friday before is open
    expect(isBusinessDay('2027-12-24')).toBe(true); // Christmas on a Saturday
  });

  it('skips weekends and holidays when counting T+2', () => {
    expect(addBusinessDays('2026-01-15', 2)).toBe('2026-01-20'); // Thu -> Fri, (weekend, MLK Monday) -> Tue
    expect(addBusinessDays('2026-11-25', 2)).toBe('2026-11-30'); // Wed -> (Thanksgiving) Fri, Mon
    expect(addBusinessDays('2026-12-23', 2)).toBe('2026-12-28'); // Wed -> Thu, (Christmas, weekend) Mon
    expect(addBusinessDays('2026-03-04', 2)).toBe('2026-03-06');
  });

  it('sends a submission made on a holiday or weekend out on the next business day', () => {
    expect(businessDayOf(Date.UTC(2026, 0, 19, 15))).toBe('2026-01-20'); // MLK Day
    expect(businessDayOf(Date.UTC(2026, 0, 17, 15))).toBe('2026-01-20'); // Saturday before it
    expect(businessDayOf(Date.UTC(2026, 0, 21, 15))).toBe('2026-01-21');
  });
});

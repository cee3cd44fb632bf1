import { describe, expect, it } from 'vitest';
import { formatFile, isRoutingNumber, NachaError, parseFile } from './nacha.ts';

// A published example: moov-io/ach test/testdata/ppd-debit.ach (one PPD debit of $1,000,000.00).
const moovPpdDebit = [
  '101 23138010401210428821906240000A094101Federal Reserve Bank   My Bank Name                   ',
  '5225Name on Account                     121042882 PPDREG.SALARY      190625   1121042880000001',
  '62723138010412345678         0100000000               Receiver Account Name   0121042880000001',
  '82250000010023138010000100000000000000000000121042882                          121042880000001',
  '9000001000001000000010023138010000100000000000000000000                                       ',
  ...Array.from({ length: 5 }, () => '9'.repeat(94)),
].join('\n');

describe('NACHA files', () => {
  it('reads the published PPD debit example and writes it back byte for byte', () => {
    const file = parseFile(moovPpdDebit);
    expect(file.batches).toHaveLength(1);
    expect(file.batches[0]!.entries).toEqual([
      expect.objectContaining({
        transaction_code: '27',
        routing_number: '231380104',
        account_number: '12345678',
        amount: 100_000_000,
        individual_name: 'Receiver Account Name',
        trace_number: '121042880000001',
      }),
    ]);
    expect(formatFile(file)).toBe(moovPpdDebit);
  });

  it('writes and reads back a return file: the returned entry with its R01 addenda', () => {
    const original = parseFile(moovPpdDebit);
    const entry = original.batches[0]!.entries[0]!;
    const returned = {
      ...original,
      batches: [
        {
          header: { ...original.batches[0]!.header, company_entry_description: 'RETURN' },
          entries: [
            {
              ...entry,
              transaction_code: '26',
              trace_number: '231380100000001',
              return: {
                return_code: 'R01',
                original_trace: entry.trace_number,
                date_of_death: '',
                original_rdfi: '12104288',
                information: '',
                trace_number: '231380100000001',
              },
            },
          ],
        },
      ],
    };
    const text = formatFile(returned);
    expect(text.split('\n').every((line) => line.length === 94)).toBe(true);
    expect(text.split('\n')[3]!.startsWith('799R01121042880000001')).toBe(true);
    expect(parseFile(text)).toEqual(returned);
  });

  it('refuses a file whose controls do not match, naming the line', () => {
    const tampered = moovPpdDebit.replace(
      '0100000000               Receiver',
      '0100000001               Receiver',
    );
    expect(() => parseFile(tampered)).toThrow(NachaError);
    expect(() => parseFile(tampered)).toThrow(/line 4/);
    expect(() => parseFile('101 short')).toThrow(/line 1: a record is 94 characters/);
  });

  it('checks ABA routing numbers', () => {
    expect(isRoutingNumber('231380104')).toBe(true);
    expect(isRoutingNumber('091000019')).toBe(true);
    expect(isRoutingNumber('231380105')).toBe(false);
    expect(isRoutingNumber('12345678')).toBe(false);
    expect(isRoutingNumber('000000000')).toBe(false);
  });
});

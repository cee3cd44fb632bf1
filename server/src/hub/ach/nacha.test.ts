import { describe, expect, it } from 'vitest';
import {
  formatFile,
  isRoutingNumber,
  NachaError,
  parseFile,
  type Batch,
  type EntryDetail,
  type NachaFile,
} from './nacha.ts';

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
    // 021000021: 0·3 + 2·7 + 1·1 + 0·3 + 0·7 + 0·1 + 0·3 + 2·7 + 1·1 = 30; 011000015: 20.
    expect(isRoutingNumber('021000021')).toBe(true);
    expect(isRoutingNumber('011000015')).toBe(true);
    expect(isRoutingNumber('011000016')).toBe(false);
    // Exactly nine digits: a single 0 or nine zeros would pass the checksum alone.
    expect(isRoutingNumber('0')).toBe(false);
    expect(isRoutingNumber('')).toBe(false);
    expect(isRoutingNumber('0231380104')).toBe(false);
    expect(isRoutingNumber('23138010a')).toBe(false);
  });
});

// A two-batch file written out by hand, every control computed by hand (not by `formatFile`):
//   batch 1 (PPD, mixed 200): a 27 debit of 125.00 to 231380104, a 22 credit of 40.00 to 091000019
//     with one addenda 05, a 37 debit of 999.99 to 021000021;
//     entry hash 23138010 + 09100001 + 02100002 = 34338013; debits 12,500 + 99,999 = 112,499;
//     credits 4,000; 3 entries + 1 addenda = 4 records counted.
//   batch 2 (CCD, credits 220): a 32 credit of 2,500.00 to 011000015 and a 22 credit of 0.01 to
//     231380104; hash 01100001 + 23138010 = 24238011; debits 0, credits 250,001; 2 records.
//   file: 2 batches; 12 records (1 + 6 + 4 + 1), so 2 blocks of ten, padded with 8 lines of 9s;
//     6 entry/addenda records; hash 34338013 + 24238011 = 58576024; debits 112,499; credits 254,001.
const pad = (text: string, width: number) => text.padEnd(width, ' ');
const addenda05 = `705${pad('INVOICE 1001 PAID IN FULL', 80)}00010000002`;
const twoBatchLines = [
  `101 0910000191234567890260115${'0930'}A094101${pad('SLUICE SANDBOX ODFI', 23)}${pad('ACME COFFEE', 23)}REF12345`,
  `5200${pad('ACME COFFEE', 16)}${pad('DISCRETIONARY DATA', 20)}1234567890PPD${pad('PAYMENT', 10)}JAN 15260116016109100001${'0000001'}`,
  `627231380104${pad('12345678', 17)}0000012500${pad('IND-ID-1', 15)}${pad('JANE DOE', 22)}S10091000010000001`,
  `622091000019${pad('555', 17)}0000004000${pad('IND-ID-2', 15)}${pad('JOHN ROE', 22)}  1091000010000002`,
  addenda05,
  `637021000021${pad('99887766', 17)}0000099999${pad('', 15)}${pad('ANN POE', 22)}  0091000010000003`,
  `82000000040034338013000000112499000000004000${'1234567890'}${' '.repeat(25)}091000010000001`,
  `5220${pad('ACME COFFEE', 16)}${pad('', 20)}1234567890CCD${pad('PAYOUT', 10)}${pad('', 6)}260116${'   '}109100001${'0000002'}`,
  `632011000015${pad('987654321', 17)}0000250000${pad('', 15)}${pad('ACME COFFEE LLC', 22)}  0091000010000004`,
  `622231380104${pad('4321', 17)}0000000001${pad('', 15)}${pad('SAM DOE', 22)}  0091000010000005`,
  `82200000020024238011000000000000000000250001${'1234567890'}${' '.repeat(25)}091000010000002`,
  `9000002000002000000060058576024000000112499000000254001${' '.repeat(39)}`,
  ...Array.from({ length: 8 }, () => '9'.repeat(94)),
];
const twoBatchText = twoBatchLines.join('\n');
const entry = (
  fields: Partial<EntryDetail> &
    Pick<EntryDetail, 'transaction_code' | 'routing_number' | 'amount' | 'trace_number'>,
): EntryDetail => ({
  account_number: '',
  individual_id: '',
  individual_name: '',
  discretionary_data: '',
  ...fields,
});
const twoBatchFile: NachaFile = {
  header: {
    immediate_destination: ' 091000019',
    immediate_origin: '1234567890',
    creation_date: '260115',
    creation_time: '0930',
    file_id_modifier: 'A',
    immediate_destination_name: 'SLUICE SANDBOX ODFI',
    immediate_origin_name: 'ACME COFFEE',
    reference_code: 'REF12345',
  },
  batches: [
    {
      header: {
        service_class_code: '200',
        company_name: 'ACME COFFEE',
        company_discretionary_data: 'DISCRETIONARY DATA',
        company_identification: '1234567890',
        standard_entry_class: 'PPD',
        company_entry_description: 'PAYMENT',
        company_descriptive_date: 'JAN 15',
        effective_entry_date: '260116',
        settlement_date: '016',
        originator_status_code: '1',
        originating_dfi: '09100001',
        batch_number: 1,
      },
      entries: [
        entry({
          transaction_code: '27',
          routing_number: '231380104',
          account_number: '12345678',
          amount: 12_500,
          individual_id: 'IND-ID-1',
          individual_name: 'JANE DOE',
          discretionary_data: 'S1',
          trace_number: '091000010000001',
        }),
        entry({
          transaction_code: '22',
          routing_number: '091000019',
          account_number: '555',
          amount: 4_000,
          individual_id: 'IND-ID-2',
          individual_name: 'JOHN ROE',
          trace_number: '091000010000002',
          addenda: [addenda05],
        }),
        entry({
          transaction_code: '37',
          routing_number: '021000021',
          account_number: '99887766',
          amount: 99_999,
          individual_name: 'ANN POE',
          trace_number: '091000010000003',
        }),
      ],
    },
    {
      header: {
        service_class_code: '220',
        company_name: 'ACME COFFEE',
        company_discretionary_data: '',
        company_identification: '1234567890',
        standard_entry_class: 'CCD',
        company_entry_description: 'PAYOUT',
        company_descriptive_date: '',
        effective_entry_date: '260116',
        settlement_date: '',
        originator_status_code: '1',
        originating_dfi: '09100001',
        batch_number: 2,
      },
      entries: [
        entry({
          transaction_code: '32',
          routing_number: '011000015',
          account_number: '987654321',
          amount: 250_000,
          individual_name: 'ACME COFFEE LLC',
          trace_number: '091000010000004',
        }),
        entry({
          transaction_code: '22',
          routing_number: '231380104',
          account_number: '4321',
          amount: 1,
          individual_name: 'SAM DOE',
          trace_number: '091000010000005',
        }),
      ],
    },
  ],
};

/** The text with `line` (1-based) given `replacement` from column `from` (1-based, as NACHA counts). */
function withColumns(text: string, line: number, from: number, replacement: string): string {
  const lines = text.split('\n');
  const old = lines[line - 1]!;
  lines[line - 1] = old.slice(0, from - 1) + replacement + old.slice(from - 1 + replacement.length);
  return lines.join('\n');
}

describe('NACHA files: controls, hashes and layout against hand-computed values', () => {
  it('writes a two-batch file with its batch and file controls, block count and padding exactly', () => {
    for (const line of twoBatchLines) expect(line).toHaveLength(94);
    expect(formatFile(twoBatchFile)).toBe(twoBatchText);
  });

  it('reads the hand-written two-batch file into its fields, names and addenda trimmed', () => {
    expect(parseFile(twoBatchText)).toEqual(twoBatchFile);
    expect(parseFile(`${twoBatchText}\n`)).toEqual(twoBatchFile);
    expect(parseFile(twoBatchLines.join('\r\n'))).toEqual(twoBatchFile);
  });

  it('keeps the entry hash to its last ten digits, per batch and over the file', () => {
    // 100 entries to 999999999 hash 100 × 99999999 = 9,999,999,900 per batch (ten digits);
    // two such batches 19,999,999,800 over the file, written as its last ten: 9999999800.
    const batch = (n: number): Batch => ({
      header: { ...twoBatchFile.batches[1]!.header, batch_number: n },
      entries: Array.from({ length: 100 }, (_, i) =>
        entry({
          transaction_code: '22',
          routing_number: '999999999',
          amount: 1,
          trace_number: `0910000100${String(n * 100 + i).padStart(5, '0')}`,
        }),
      ),
    });
    const text = formatFile({ header: twoBatchFile.header, batches: [batch(1), batch(2)] });
    const lines = text.split('\n');
    // 1 + 2 × 102 + 1 = 206 records: 21 blocks, 4 lines of padding.
    expect(lines).toHaveLength(210);
    expect(lines[102]).toBe(
      `82200001009999999900000000000000000000000100${'1234567890'}${' '.repeat(25)}091000010000001`,
    );
    expect(lines[205]).toBe(`9000002000021000002009999999800000000000000000000000200${' '.repeat(39)}`);
    expect(lines.slice(206)).toEqual(Array.from({ length: 4 }, () => '9'.repeat(94)));
    expect(parseFile(text).batches.map((b) => b.entries.length)).toEqual([100, 100]);
    // 101 entries: 10,099,999,899, written as 0099999899 (and read back so).
    const over = formatFile({
      header: twoBatchFile.header,
      batches: [{ ...batch(1), entries: [...batch(1).entries, batch(2).entries[0]!] }],
    });
    expect(over.split('\n')[103]!.slice(10, 20)).toBe('0099999899');
    expect(over.split('\n')[104]!.slice(21, 31)).toBe('0099999899');
    expect(parseFile(over).batches[0]!.entries).toHaveLength(101);
  });

  it('writes a file of exactly ten records without padding, in one block', () => {
    // Header, batch header, 7 entries, batch control … that is 10 with the file control: 1 block.
    const entries = Array.from({ length: 6 }, (_, i) =>
      entry({
        transaction_code: '27',
        routing_number: '231380104',
        amount: 100 + i,
        trace_number: `09100001000000${i}`,
      }),
    );
    const lines = formatFile({
      header: twoBatchFile.header,
      batches: [{ header: twoBatchFile.batches[0]!.header, entries }],
    }).split('\n');
    expect(lines).toHaveLength(10);
    // 6 × 23138010 = 138828060; debits 100 + 101 + … + 105 = 615.
    expect(lines[9]).toBe(`9000001000001000000060138828060000000000615000000000000${' '.repeat(39)}`);
  });

  it('refuses to write an amount or a number that does not fit its field, or is not whole cents', () => {
    const withAmount = (amount: number) =>
      formatFile({
        header: twoBatchFile.header,
        batches: [
          {
            header: twoBatchFile.batches[0]!.header,
            entries: [
              entry({ transaction_code: '27', routing_number: '231380104', amount, trace_number: '1' }),
            ],
          },
        ],
      });
    expect(withAmount(99_999_999_99).split('\n')[2]!.slice(29, 39)).toBe('9999999999');
    expect(() => withAmount(100_000_000_00)).toThrow(new RangeError('10000000000 does not fit 10 digits'));
    expect(() => withAmount(12.5)).toThrow(new RangeError('12.5 does not fit 10 digits'));
    expect(() => withAmount(-1)).toThrow(new RangeError('-1 does not fit 10 digits'));
    expect(() =>
      formatFile({ ...twoBatchFile, header: { ...twoBatchFile.header, creation_date: '2026-01' } }),
    ).toThrow(new RangeError('2026-01 does not fit 6 digits'));
    // Text fields are cut to their width, never spill into the next.
    const long = formatFile({
      ...twoBatchFile,
      header: { ...twoBatchFile.header, immediate_origin_name: 'A COMPANY NAME LONGER THAN 23' },
    });
    expect(long.split('\n')[0]).toBe(
      twoBatchLines[0]!.replace(pad('ACME COFFEE', 23), 'A COMPANY NAME LONGER T'),
    );
  });

  it("sets the addenda indicator by the entry's addenda, a return or others", () => {
    const lines = twoBatchText.split('\n');
    expect(lines.map((line) => line[0] === '6' && line[78])).toEqual([
      false,
      false,
      '0',
      '1',
      false,
      '0',
      false,
      false,
      '0',
      '0',
      false,
      false,
      ...Array.from({ length: 8 }, () => false),
    ]);
  });
});

describe('NACHA files: what the reader refuses, each naming its line', () => {
  const refusal = (text: string) => {
    try {
      parseFile(text);
    } catch (error) {
      expect(error).toBeInstanceOf(NachaError);
      expect((error as NachaError).name).toBe('NachaError');
      return `${(error as NachaError).line}|${(error as Error).message}`;
    }
    return 'accepted';
  };

  it.each([
    [1, 24, 'the creation date'],
    [2, 2, 'the service class code'],
    [2, 70, 'the effective entry date'],
    [2, 80, 'the originating DFI'],
    [2, 88, 'the batch number'],
    [3, 2, 'the transaction code'],
    [3, 4, 'the receiving DFI'],
    [3, 30, 'the amount'],
    [3, 80, 'the trace number'],
    [7, 5, 'the entry count'],
    [7, 11, 'the entry hash'],
    [7, 21, 'the debit total'],
    [7, 33, 'the credit total'],
    [12, 2, 'the batch count'],
    [12, 8, 'the block count'],
    [12, 14, 'the entry count'],
    [12, 22, 'the entry hash'],
    [12, 32, 'the debit total'],
    [12, 44, 'the credit total'],
  ])('line %i, column %i: %s must be digits', (line, column, what) => {
    // A letter after the field's first digit: a check anchored at one end only would pass it.
    expect(refusal(withColumns(twoBatchText, line, column + 1, 'X'))).toBe(
      `${line}|line ${line}: ${what} must be digits`,
    );
  });

  it("refuses non-digits in a return addenda's numbers", () => {
    const returned = parseFile(moovPpdDebit);
    returned.batches[0]!.entries[0]!.return = {
      return_code: 'R01',
      original_trace: '121042880000001',
      date_of_death: '',
      original_rdfi: '12104288',
      information: '',
      trace_number: '231380100000001',
    };
    const text = formatFile(returned);
    expect(text.split('\n')[3]).toBe(
      `799R01121042880000001${' '.repeat(6)}12104288${' '.repeat(44)}231380100000001`,
    );
    expect(refusal(withColumns(text, 4, 8, 'X'))).toBe('4|line 4: the original trace number must be digits');
    expect(refusal(withColumns(text, 4, 29, 'X'))).toBe(
      '4|line 4: the original receiving DFI must be digits',
    );
    expect(refusal(withColumns(text, 4, 81, 'X'))).toBe('4|line 4: the trace number must be digits');
  });

  it('refuses records out of order or of an unknown type', () => {
    const lines = twoBatchLines;
    const text = (...rows: string[]) => rows.join('\n');
    expect(refusal(text(lines[1]!, ...lines.slice(2)))).toBe(
      '1|line 1: the file must open with a file header (1)',
    );
    expect(refusal(text(lines[0]!, lines[0]!, ...lines.slice(1)))).toBe('2|line 2: a second file header');
    expect(refusal(withColumns(twoBatchText, 1, 35, '095'))).toBe('1|line 1: record size must be 094');
    expect(refusal(text(lines[0]!, lines[1]!, lines[1]!, ...lines.slice(2)))).toBe(
      '3|line 3: a batch header inside an open batch',
    );
    expect(refusal(text(lines[0]!, lines[2]!, ...lines.slice(2)))).toBe('2|line 2: an entry outside a batch');
    expect(refusal(text(lines[0]!, lines[1]!, addenda05, ...lines.slice(2)))).toBe(
      '3|line 3: an addenda without an entry',
    );
    expect(refusal(text(lines[0]!, addenda05, ...lines.slice(1)))).toBe(
      '2|line 2: an addenda without an entry',
    );
    expect(refusal(text(lines[0]!, lines[6]!, ...lines.slice(1)))).toBe(
      '2|line 2: a batch control without a batch',
    );
    expect(refusal(text(...lines.slice(0, 6), lines[11]!))).toBe(
      '7|line 7: the file control inside an open batch',
    );
    expect(refusal(withColumns(twoBatchText, 8, 1, '4'))).toBe('8|line 8: unknown record type "4"');
    expect(refusal(text(...lines.slice(0, 12), lines[0]!))).toBe(
      '13|line 13: only padding may follow the file control',
    );
    expect(refusal(text(...lines.slice(0, 12), `${'9'.repeat(93)}8`))).toBe(
      '13|line 13: only padding may follow the file control',
    );
    expect(refusal(text(...lines.slice(0, 11)))).toBe('11|line 11: the file has no file control (9)');
    expect(refusal('')).toBe('0|line 0: the file has no file control (9)');
    expect(refusal(text(...lines.slice(0, 3), '', ...lines.slice(3)))).toBe(
      '4|line 4: a record is 94 characters, this one 0',
    );
    expect(refusal(`${twoBatchText}\n\n`)).toBe('21|line 21: a record is 94 characters, this one 0');
    expect(refusal(withColumns(twoBatchText, 3, 1, `${lines[2]!} `))).toBe(
      '3|line 3: a record is 94 characters, this one 95',
    );
  });

  it('refuses a batch or file control whose counts, hash or totals do not match, each alone', () => {
    const cases: Array<[line: number, column: number, value: string, message: string]> = [
      [7, 5, '000005', 'the batch entry/addenda count does not match its records'],
      [7, 11, '0034338014', 'the batch entry hash does not match its entries'],
      [7, 21, '000000112498', 'the batch totals do not match its entries'],
      [7, 33, '000000004001', 'the batch totals do not match its entries'],
      [12, 2, '000003', 'the file batch count does not match'],
      [12, 8, '000001', 'the file block count does not match its records'],
      [12, 14, '00000007', 'the file entry/addenda count does not match'],
      [12, 22, '0058576025', 'the file entry hash does not match its batches'],
      [12, 32, '000000112500', 'the file totals do not match'],
      [12, 44, '000000254000', 'the file totals do not match'],
    ];
    for (const [line, column, value, message] of cases)
      expect(refusal(withColumns(twoBatchText, line, column, value))).toBe(
        `${line}|line ${line}: ${message}`,
      );
  });

  it('keeps an addenda of another type as its raw line, and a return addenda as its fields', () => {
    const file = parseFile(twoBatchText);
    expect(file.batches[0]!.entries[1]!.addenda).toEqual([addenda05]);
    expect(file.batches[0]!.entries[1]!.return).toBeUndefined();
    expect(file.batches[0]!.entries[0]!.addenda).toBeUndefined();
  });
});

describe('NACHA files: debits and credits by transaction code', () => {
  // A return file as the receiving bank (231380104's) sends it: the returns of a checking debit
  // (27 → 26, R01), a savings debit (37 → 36, R02) and a checking credit (22 → 21, R03). NACHA
  // files 26 and 36 with the debit records (second digit 5–9), 21 with the credits (1–4), so:
  // debits 12,500 + 99,999 = 112,499; credits 4,000; hash 3 × 09100001 = 27300003; 6 records;
  // 10 lines in all, 1 block.
  const bankReturnLines = [
    `101 091000019 2313801042601200800A094101${pad('SLUICE SANDBOX ODFI', 23)}${pad('FIRST RDFI BANK', 23)}${pad('', 8)}`,
    `5200${pad('ACME COFFEE', 16)}${pad('', 20)}1234567890PPD${pad('RETURN', 10)}${pad('', 6)}260120   1231380100000001`,
    `626091000019${pad('12345678', 17)}0000012500${pad('IND-ID-1', 15)}${pad('JANE DOE', 22)}  1231380100000001`,
    `799R01091000010000001${pad('', 6)}23138010${pad('', 44)}231380100000001`,
    `636091000019${pad('99887766', 17)}0000099999${pad('', 15)}${pad('ANN POE', 22)}  1021000020000001`,
    `799R02091000010000003${pad('', 6)}02100002${pad('', 44)}021000020000001`,
    `621091000019${pad('555', 17)}0000004000${pad('IND-ID-2', 15)}${pad('JOHN ROE', 22)}  1231380100000003`,
    `799R03091000010000002${pad('', 6)}09100001${pad('', 44)}231380100000003`,
    `82000000060027300003000000112499000000004000${'1234567890'}${' '.repeat(25)}231380100000001`,
    `9000001000001000000060027300003000000112499000000004000${' '.repeat(39)}`,
  ];

  it("reads a bank's return file that totals returned debits (26, 36) with the debits, and writes it back so", () => {
    for (const line of bankReturnLines) expect(line).toHaveLength(94);
    const text = bankReturnLines.join('\n');
    const file = parseFile(text);
    expect(
      file.batches[0]!.entries.map((e) => [
        e.transaction_code,
        e.amount,
        e.return?.return_code,
        e.return?.original_trace,
      ]),
    ).toEqual([
      ['26', 12_500, 'R01', '091000010000001'],
      ['36', 99_999, 'R02', '091000010000003'],
      ['21', 4_000, 'R03', '091000010000002'],
    ]);
    expect(formatFile(file)).toBe(text);
  });

  it('totals every code whose second digit is 5 to 9 as a debit, 1 to 4 as a credit', () => {
    const credits = ['21', '22', '23', '24', '31', '32', '33', '34', '41', '42', '51', '52'];
    const debits = ['26', '27', '28', '29', '36', '37', '38', '39', '46', '47', '55', '56'];
    const entries = [
      ...credits.map((code) => [code, 1] as const),
      ...debits.map((code) => [code, 10] as const),
    ].map(([transaction_code, amount], i) =>
      entry({ transaction_code, routing_number: '231380104', amount, trace_number: String(i + 1) }),
    );
    const lines = formatFile({
      header: twoBatchFile.header,
      batches: [{ header: twoBatchFile.batches[0]!.header, entries }],
    }).split('\n');
    // 24 entries: 24 × 23138010 = 555312240; debits 12 × 10; credits 12 × 1.
    expect(lines[26]!.slice(0, 44)).toBe('82000000240555312240000000000120000000000012');
    expect(parseFile(lines.join('\n')).batches[0]!.entries).toHaveLength(24);
  });
});

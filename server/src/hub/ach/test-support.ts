import { formatFile, type EntryDetail, type NachaFile } from './nacha.ts';

/** The return transaction code of an entry's code: 22→21 (checking credit), 27→26 (debit) … */
const returnCodes: Record<string, string> = { '22': '21', '32': '31', '27': '26', '37': '36' };

/**
 * The bank's return file for some of a file's entries (by trace number, any batch), as an RDFI
 * sends it back: one batch of returns, each entry with its addenda 99 naming the original trace.
 */
export function returnFileFor(file: NachaFile, returns: Array<{ trace: string; code: string }>): string {
  const all = file.batches.flatMap((batch) => batch.entries.map((entry) => ({ batch, entry })));
  const first = all.find(({ entry }) => entry.trace_number === returns[0]!.trace)!;
  return formatFile({
    header: {
      ...file.header,
      immediate_destination: file.header.immediate_origin,
      immediate_origin: file.header.immediate_destination,
    },
    batches: [
      {
        header: { ...first.batch.header, company_entry_description: 'RETURN' },
        entries: returns.map(({ trace, code }, i): EntryDetail => {
          const original = all.find(({ entry }) => entry.trace_number === trace)!.entry;
          const returnTrace = `23138010${String(i + 1).padStart(7, '0')}`;
          return {
            ...original,
            transaction_code: returnCodes[original.transaction_code] ?? original.transaction_code,
            trace_number: returnTrace,
            return: {
              return_code: code,
              original_trace: trace,
              date_of_death: '',
              original_rdfi: '23138010',
              information: '',
              trace_number: returnTrace,
            },
          };
        }),
      },
    ],
  });
}

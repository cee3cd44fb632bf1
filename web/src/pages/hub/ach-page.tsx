import { useState } from 'react';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import { useAchFile } from './api.ts';

/** The NACHA file of one business day: its text, and a download. */
export function AchPage() {
  const merchantId = useMerchantId();
  const [day, setDay] = useState(() => new Date().toISOString().slice(0, 10));
  const file = useAchFile(merchantId, day);
  return (
    <div>
      <PageHeader
        title="ACH file"
        description="Each business day's bank debits and refund credits, as the NACHA file sent to your bank. Debits settle two business days later."
      />
      <Field label="Business day (your sandbox clock)">
        <Input type="date" className="w-48" value={day} onChange={(event) => setDay(event.target.value)} />
      </Field>
      <div className="mt-4">
        {file.isPending ? (
          <Loading label="Loading the file…" />
        ) : file.isError ? (
          <ErrorState error={file.error} onRetry={() => void file.refetch()} />
        ) : file.data === null ? (
          <Empty title="No ACH entries that day" />
        ) : (
          <AchFile day={day} text={file.data} />
        )}
      </div>
    </div>
  );
}

function AchFile({ day, text }: { day: string; text: string }) {
  return (
    <Card className="flex flex-col gap-3 p-4">
      <pre className="overflow-x-auto font-mono text-xs leading-5" aria-label="NACHA file">
        {text}
      </pre>
      <div>
        <Button
          onClick={() => {
            const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
            const link = document.createElement('a');
            link.href = url;
            link.download = `ach-${day}.txt`;
            link.click();
            URL.revokeObjectURL(url);
          }}
        >
          Download
        </Button>
      </div>
    </Card>
  );
}

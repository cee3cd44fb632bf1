import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../../api/client.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card } from '../../components/ui/card.tsx';
import { Textarea } from '../../components/ui/input.tsx';
import { ErrorState, Loading } from '../../components/ui/states.tsx';
import { useRouting, useSaveRouting, type Routing } from './api.ts';

const example: Routing = {
  rules: [
    { match: { currency: 'USD', method: 'card', amount_lt: 100_000 }, providers: ['stripe', 'sandbox_card'] },
  ],
  default: ['sandbox_card'],
};

/** The routing table as JSON: the first rule that matches a payment picks its ordered providers. */
export function RoutingEditor({ merchantId }: { merchantId: string }) {
  const routing = useRouting(merchantId);
  const save = useSaveRouting(merchantId);
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    if (routing.data)
      setText(
        JSON.stringify(
          routing.data.rules.length || routing.data.default?.length
            ? { rules: routing.data.rules, default: routing.data.default }
            : example,
          null,
          2,
        ),
      );
  }, [routing.data]);
  if (routing.isPending) return <Loading label="Loading routing…" />;
  if (routing.isError) return <ErrorState error={routing.error} onRetry={() => void routing.refetch()} />;
  const failure =
    save.error instanceof ApiError && save.error.param
      ? `${errorMessage(save.error)} (at ${save.error.param})`
      : save.isError
        ? errorMessage(save.error)
        : null;
  return (
    <section aria-labelledby="routing-title">
      <h2 id="routing-title" className="mb-1 text-xl font-semibold">
        Routing
      </h2>
      <p className="mb-3 text-sm text-muted-foreground">
        Rules match on <code>currency</code>, <code>amount_gte</code>, <code>amount_lt</code>,{' '}
        <code>method</code> and <code>card_brand</code>. A technical failure moves to the next provider; a
        decline never does.
        {routing.data.updated_at
          ? ` Last saved ${new Date(routing.data.updated_at).toLocaleString()}.`
          : ' Not set yet: payments go to your connectors in the order you created them.'}
      </p>
      <Card className="flex flex-col gap-2 p-4">
        <Textarea
          aria-label="Routing rules (JSON)"
          className="min-h-64 font-mono text-xs"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        {parseError || failure ? <p className="text-sm text-destructive">{parseError ?? failure}</p> : null}
        {save.isSuccess ? <p className="text-sm text-success">Saved.</p> : null}
        <div>
          <Button
            disabled={save.isPending}
            onClick={() => {
              try {
                const parsed = JSON.parse(text) as Routing;
                setParseError(null);
                save.mutate(parsed);
              } catch {
                setParseError('The routing table must be valid JSON');
              }
            }}
          >
            Save routing
          </Button>
        </div>
      </Card>
    </section>
  );
}

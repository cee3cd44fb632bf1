import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { testCards } from '../../api/catalog.gen.ts';
import { errorMessage } from '../../api/client.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatAmount } from '../../lib/money.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import {
  useAddCard,
  useCreateCustomer,
  useCustomer,
  useCustomers,
  usePaymentMethods,
  useSetBehaviour,
  type PaymentMethod,
} from './api.ts';
import { label } from './format.ts';

const selectClass =
  'h-9 rounded-md border border-input bg-card px-2 text-sm text-foreground focus-visible:outline-2 focus-visible:outline-ring';
/** Each sandbox behaviour once (the test card table, from the API). */
const behaviours = [...new Set(testCards.map((card) => card.outcome))];

/** The merchant's customers, and a form for a new one. */
export function CustomersPage() {
  const merchantId = useMerchantId();
  const customers = useCustomers(merchantId);
  const create = useCreateCustomer(merchantId);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { ...(name ? { name } : {}), ...(email ? { email } : {}) },
      { onSuccess: () => (setName(''), setEmail('')) },
    );
  };
  return (
    <div>
      <PageHeader
        title="Customers"
        description="Who subscribes, with their saved payment methods and credit."
      />
      <Card className="mb-6">
        <form onSubmit={submit} className="flex flex-wrap items-end gap-3" aria-label="New customer">
          <Field label="Name">
            <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
          </Field>
          <Field label="Email">
            <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <Button type="submit" disabled={create.isPending}>
            Add customer
          </Button>
          {create.isError ? (
            <p role="alert" className="text-sm text-destructive">
              {errorMessage(create.error)}
            </p>
          ) : null}
        </form>
      </Card>
      {customers.isPending ? (
        <Loading label="Loading customers…" />
      ) : customers.isError ? (
        <ErrorState error={customers.error} onRetry={() => void customers.refetch()} />
      ) : customers.data.data.length === 0 ? (
        <Empty title="No customers yet" />
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Customers">
          {customers.data.data.map((customer) => (
            <li key={customer.id}>
              <Link
                to={`/developers/${merchantId}/billing/customers/${customer.id}`}
                data-testid="customer-row"
                className="grid grid-cols-[1fr_1fr_auto] items-center gap-3 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
              >
                <span className="font-medium">{customer.name ?? customer.id}</span>
                <span className="truncate text-sm text-muted-foreground">{customer.email ?? ''}</span>
                <span className="font-mono text-xs text-muted-foreground">{customer.id}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One customer: credit, saved payment methods (a test card's behaviour can be switched), a new test card. */
export function CustomerPage() {
  const merchantId = useMerchantId();
  const { customerId = '' } = useParams();
  const customer = useCustomer(merchantId, customerId);
  const methods = usePaymentMethods(merchantId, customerId);
  const addCard = useAddCard(merchantId);
  const [number, setNumber] = useState<string>(testCards[0]!.number);
  if (customer.isPending) return <Loading label="Loading customer…" />;
  if (customer.isError) return <ErrorState error={customer.error} onRetry={() => void customer.refetch()} />;
  const credit = Object.entries(customer.data.credit_balance);
  return (
    <div>
      <PageHeader
        title={customer.data.name ?? customer.data.id}
        description={customer.data.email ?? customer.data.id}
      />
      <Card className="mb-6 text-sm">
        Credit:{' '}
        {credit.length === 0
          ? 'none'
          : credit.map(([currency, amount]) => formatAmount(amount, currency)).join(', ')}
      </Card>
      <h2 className="mb-3 text-lg font-semibold">Payment methods</h2>
      {methods.isPending ? (
        <Loading label="Loading payment methods…" />
      ) : methods.isError ? (
        <ErrorState error={methods.error} onRetry={() => void methods.refetch()} />
      ) : methods.data.data.length === 0 ? (
        <Empty title="No saved payment methods" />
      ) : (
        <ul className="mb-6 flex flex-col gap-2" aria-label="Payment methods">
          {methods.data.data.map((method) => (
            <MethodRow key={method.id} merchantId={merchantId} method={method} />
          ))}
        </ul>
      )}
      <Card>
        <form
          aria-label="Save a test card"
          className="flex flex-wrap items-end gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            addCard.mutate({ customer: customerId, number });
          }}
        >
          <Field label="Test card">
            <select className={selectClass} value={number} onChange={(e) => setNumber(e.target.value)}>
              {testCards.map((card) => (
                <option key={card.number} value={card.number}>
                  {card.number} · {label(card.outcome)}
                </option>
              ))}
            </select>
          </Field>
          <Button type="submit" disabled={addCard.isPending}>
            Save card
          </Button>
          {addCard.isError ? (
            <p role="alert" className="text-sm text-destructive">
              {errorMessage(addCard.error)}
            </p>
          ) : null}
        </form>
      </Card>
    </div>
  );
}

function MethodRow({ merchantId, method }: { merchantId: string; method: PaymentMethod }) {
  const setBehaviour = useSetBehaviour(merchantId);
  return (
    <li
      data-testid="method-row"
      className="flex flex-wrap items-center gap-3 rounded-lg border border-border bg-card px-4 py-3"
    >
      <span className="font-medium">
        {method.card
          ? `${method.card.brand} •••• ${method.card.last4}`
          : method.wallet
            ? `Wallet of ${method.wallet.user}`
            : `ACH •••• ${method.ach_debit?.last4 ?? ''}`}
      </span>
      <span className="font-mono text-xs text-muted-foreground">{method.id}</span>
      {method.card ? (
        <label className="ml-auto flex items-center gap-2 text-sm">
          <span className="text-muted-foreground">Sandbox behaviour</span>
          <select
            aria-label={`Behaviour of ${method.id}`}
            className={selectClass}
            value={method.card.test_behaviour}
            disabled={setBehaviour.isPending}
            onChange={(e) =>
              setBehaviour.mutate({ customer: method.customer, method: method.id, behaviour: e.target.value })
            }
          >
            {behaviours.map((b) => (
              <option key={b} value={b}>
                {label(b)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </li>
  );
}

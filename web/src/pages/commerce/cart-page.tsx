import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { errorMessage } from '../../api/client.ts';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { useIdempotencyKey } from '../../lib/idempotency.ts';
import { testCards } from '../../lib/test-cards.ts';
import {
  useCart,
  useCheckout,
  useRemoveLine,
  useSetQuantity,
  type Cart,
  type CartLine,
  formatPrice,
} from './api.ts';

const lineNotes: Record<CartLine['status'], string | null> = {
  ok: null,
  price_changed: 'Price changed',
  insufficient_stock: 'Not enough in stock',
  unavailable: 'No longer sold',
};

function Line({ line }: { line: CartLine }) {
  const setQuantity = useSetQuantity();
  const remove = useRemoveLine();
  const onError = (error: unknown) => toast.error(errorMessage(error));
  const note = lineNotes[line.status];
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="cart-line">
      <div className="min-w-0">
        <p className="font-medium">
          {line.name} {note ? <Badge tone="warning">{note}</Badge> : null}
        </p>
        {line.status === 'price_changed' ? (
          <p className="text-sm text-muted-foreground">
            Was {formatPrice(line.price_when_added, line.currency)}, now{' '}
            {formatPrice(line.unit_price, line.currency)}
          </p>
        ) : null}
      </div>
      <div className="flex items-center gap-2">
        {line.status !== 'unavailable' ? (
          <Input
            aria-label={`Quantity of ${line.name}`}
            type="number"
            min={1}
            defaultValue={line.quantity}
            className="w-20"
            onBlur={(e) => {
              const quantity = Math.floor(Number(e.target.value));
              if (quantity !== line.quantity && quantity >= 1)
                setQuantity.mutate({ productId: line.product_id, quantity }, { onError });
            }}
          />
        ) : null}
        <span className="w-24 text-right tabular-nums">
          {line.status === 'unavailable' ? '—' : formatPrice(line.line_total, line.currency)}
        </span>
        <Button variant="ghost" size="sm" onClick={() => remove.mutate(line.product_id, { onError })}>
          Remove
        </Button>
      </div>
    </li>
  );
}

const emptyAddress = { name: '', line1: '', city: '', postal_code: '', country: 'US' };

function CheckoutForm({ cart }: { cart: Cart }) {
  const checkout = useCheckout();
  const navigate = useNavigate();
  const idempotency = useIdempotencyKey();
  const [address, setAddress] = useState(emptyAddress);
  const isCoins = cart.currency === 'COIN';
  const [method, setMethod] = useState<'wallet' | 'card' | 'coins'>(isCoins ? 'coins' : 'wallet');
  const [cardNumber, setCardNumber] = useState(testCards[0]?.number ?? '4242424242424242');
  const blocked = cart.lines.some((line) => line.status === 'unavailable');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const body = {
      shipping_address: address,
      payment_method:
        method === 'wallet'
          ? { type: 'wallet' as const }
          : {
              type: 'card' as const,
              card: { number: cardNumber, exp_month: 12, exp_year: new Date().getFullYear() + 2, cvc: '123' },
            },
      // The buyer confirms the total shown, price changes included.
      expected_total: cart.total,
    };
    checkout.mutate(
      { body, idempotencyKey: idempotency.keyFor({ ...body, payment_method: { type: method } }) },
      {
        onSuccess: (order) => {
          idempotency.done();
          void navigate(`/shop/orders/${order.id}`);
        },
        onError: (error) => toast.error(errorMessage(error)),
      },
    );
  };
  const field = (name: keyof typeof emptyAddress, label: string) => (
    <Field label={label}>
      <Input
        required
        value={address[name]}
        onChange={(e) => setAddress({ ...address, [name]: e.target.value })}
      />
    </Field>
  );
  return (
    <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2" aria-label="Checkout">
      {field('name', 'Name')}
      {field('line1', 'Address')}
      {field('city', 'City')}
      {field('postal_code', 'Postal code')}
      {field('country', 'Country (2 letters)')}
      <Field label="Pay with">
        <select
          className="h-10 rounded-md border border-input bg-card px-3"
          value={method}
          onChange={(e) => setMethod(e.target.value as 'wallet' | 'card' | 'coins')}
        >
          {isCoins ? (
            <option value="coins">Rewards coins</option>
          ) : (
            <>
              <option value="wallet">Wallet balance</option>
              <option value="card">Test card</option>
            </>
          )}
        </select>
      </Field>
      {method === 'card' ? (
        <Field label="Test card">
          <select
            className="h-10 rounded-md border border-input bg-card px-3"
            value={cardNumber}
            onChange={(e) => setCardNumber(e.target.value)}
          >
            {testCards.map((card) => (
              <option key={card.number} value={card.number}>
                {card.number} · {card.outcome}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <div className="flex items-end sm:col-span-2">
        <Button type="submit" disabled={checkout.isPending || blocked}>
          Pay {cart.currency ? formatPrice(cart.total, cart.currency) : ''}
        </Button>
      </div>
    </form>
  );
}

/** The cart at current prices (changes flagged per line) and the checkout form. */
export function CartPage() {
  const cart = useCart();
  if (cart.isPending) return <Loading label="Loading your cart…" />;
  if (cart.isError) return <ErrorState error={cart.error} onRetry={() => void cart.refetch()} />;
  const data = cart.data;
  return (
    <div>
      <PageHeader title="Cart" description="Totals are at today's prices; changes are shown before you pay.">
        <Link to="/shop/orders" className="text-sm text-primary underline">
          Your orders
        </Link>
      </PageHeader>
      {data.lines.length === 0 ? (
        <Empty title="Your cart is empty">
          <Link to="/shop" className="text-primary underline">
            Browse the shop
          </Link>
        </Empty>
      ) : (
        <>
          <Card className="mb-6">
            <ul className="divide-y divide-border">
              {data.lines.map((line) => (
                <Line key={line.product_id} line={line} />
              ))}
            </ul>
            <p className="mt-3 text-right font-medium tabular-nums" data-testid="cart-total">
              Total {data.currency ? formatPrice(data.total, data.currency) : '—'}
            </p>
          </Card>
          <Card>
            <h2 className="mb-3 font-semibold">Check out</h2>
            <CheckoutForm cart={data} />
          </Card>
        </>
      )}
    </div>
  );
}

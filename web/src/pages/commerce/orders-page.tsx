import { Link, useParams } from 'react-router';
import { Badge, type BadgeTone } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { useOrder, useOrders, type Order, formatPrice } from './api.ts';
import { formatDateTime } from '../../components/date-time.ts';

const tones: Record<Order['status'], BadgeTone> = {
  processing: 'warning',
  paid: 'success',
  shipped: 'success',
  delivered: 'success',
  failed: 'destructive',
  canceled: 'neutral',
  refunded: 'neutral',
};

export function OrderStatus({ order }: { order: Order }) {
  return (
    <Badge tone={tones[order.status]}>
      <span data-testid="order-status">{order.status}</span>
    </Badge>
  );
}

const steps = ['Stock reserved', 'Payment held', 'Order placed', 'Payment captured', 'Confirmation sent'];

function progressOf(order: Order): number {
  if (order.status !== 'processing') return order.status === 'failed' ? 0 : steps.length;
  return order.payment_status === 'captured' ? 4 : order.payment_status === 'authorized' ? 2 : 1;
}

/** One order, live: progress arrives over realtime (and by polling while it is processing). */
export function OrderPage() {
  const { id = '' } = useParams();
  const order = useOrder(id);
  if (order.isPending) return <Loading label="Loading order…" />;
  if (order.isError) return <ErrorState error={order.error} onRetry={() => void order.refetch()} />;
  const o = order.data;
  const done = progressOf(o);
  return (
    <div>
      <PageHeader title={`Order ${o.id}`} description={formatDateTime(o.created_at)}>
        <OrderStatus order={o} />
      </PageHeader>
      <Card className="mb-6">
        {o.status === 'failed' ? (
          <p className="text-destructive" data-testid="order-failure">
            This order failed: {o.failure_reason}
            {o.decline_code ? ` (${o.decline_code})` : ''}. Nothing was charged.
          </p>
        ) : (
          <ol className="flex flex-wrap gap-2" aria-label="Progress">
            {steps.map((step, index) => (
              <li key={step}>
                <Badge tone={index < done ? 'success' : 'neutral'}>{step}</Badge>
              </li>
            ))}
          </ol>
        )}
      </Card>
      <Card>
        <ul className="divide-y divide-border">
          {o.lines.map((line) => (
            <li key={line.product_id} className="flex justify-between py-2">
              <span>
                {line.quantity} × {line.name}
              </span>
              <span className="tabular-nums">{formatPrice(line.line_total, o.currency)}</span>
            </li>
          ))}
        </ul>
        <p className="mt-3 text-right font-medium tabular-nums">Total {formatPrice(o.total, o.currency)}</p>
        <p className="mt-1 text-sm text-muted-foreground">
          Paid by {o.payment_method} · ships to {o.shipping_address.name}, {o.shipping_address.city}
        </p>
      </Card>
    </div>
  );
}

/** The buyer's order history, newest first. */
export function OrdersPage() {
  const orders = useOrders();
  const items = orders.data?.pages.flatMap((page) => page.data) ?? [];
  if (orders.isPending) return <Loading label="Loading orders…" />;
  if (orders.isError) return <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />;
  return (
    <div>
      <PageHeader title="Orders" />
      {items.length === 0 ? (
        <Empty title="No orders yet">
          <Link to="/shop" className="text-primary underline">
            Browse the shop
          </Link>
        </Empty>
      ) : (
        <Card>
          <ul className="divide-y divide-border">
            {items.map((order) => (
              <li key={order.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <Link to={`/shop/orders/${order.id}`} className="font-mono text-sm hover:underline">
                  {order.id}
                </Link>
                <span className="flex items-center gap-3">
                  <span className="tabular-nums">{formatPrice(order.total, order.currency)}</span>
                  <OrderStatus order={order} />
                </span>
              </li>
            ))}
          </ul>
          {orders.hasNextPage ? (
            <Button variant="outline" size="sm" className="mt-2" onClick={() => void orders.fetchNextPage()}>
              Load more
            </Button>
          ) : null}
        </Card>
      )}
    </div>
  );
}

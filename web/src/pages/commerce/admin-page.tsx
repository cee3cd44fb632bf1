import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../../api/client.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input, Textarea } from '../../components/ui/input.tsx';
import { ErrorState, Loading } from '../../components/ui/states.tsx';
import { parseAmount } from '../../lib/money.ts';
import {
  useAdminOrders,
  useCreateProduct,
  useDeadLetters,
  useDeleteProduct,
  useMoveOrder,
  useProducts,
  useUploadImage,
  type Product,
  formatPrice,
} from './api.ts';
import { OrderStatus } from './orders-page.tsx';

function NewProductForm() {
  const create = useCreateProduct();
  const upload = useUploadImage();
  const [form, setForm] = useState({
    name: '',
    description: '',
    price: '',
    stock: '10',
    category: 'general',
  });
  const [image, setImage] = useState<File | null>(null);
  const [error, setError] = useState<string | undefined>();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const price = parseAmount(form.price, 'USD');
    if (!price.ok) return setError(price.error);
    setError(undefined);
    create.mutate(
      {
        name: form.name,
        description: form.description,
        price: price.minor,
        currency: 'USD',
        stock: Math.floor(Number(form.stock)),
        category: form.category,
      },
      {
        onSuccess: async (product) => {
          if (image) {
            try {
              await upload.mutateAsync({ productId: product.id, file: image });
            } catch (uploadError) {
              toast.error(errorMessage(uploadError));
            }
          }
          toast.success(`${product.name} added`);
          setForm({ ...form, name: '', description: '', price: '' });
          setImage(null);
        },
        onError: (createError) => toast.error(errorMessage(createError)),
      },
    );
  };
  const text = (name: keyof typeof form, label: string) => (
    <Field label={label}>
      <Input required value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
    </Field>
  );
  return (
    <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2" aria-label="New product">
      {text('name', 'Name')}
      <Field label="Price (USD)" error={error}>
        <Input
          required
          inputMode="decimal"
          value={form.price}
          onChange={(e) => setForm({ ...form, price: e.target.value })}
        />
      </Field>
      {text('stock', 'Stock')}
      {text('category', 'Category')}
      <Field label="Description">
        <Textarea
          value={form.description}
          onChange={(e) => setForm({ ...form, description: e.target.value })}
        />
      </Field>
      <Field label="Image">
        <Input
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          onChange={(e) => setImage(e.target.files?.[0] ?? null)}
        />
      </Field>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={create.isPending || upload.isPending}>
          Add product
        </Button>
      </div>
    </form>
  );
}

function ProductRow({ product }: { product: Product }) {
  const remove = useDeleteProduct();
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="admin-product">
      <span>
        {product.name} <span className="text-sm text-muted-foreground">· {product.stock} in stock</span>
      </span>
      <span className="flex items-center gap-3">
        <span className="tabular-nums">{formatPrice(product.price, product.currency)}</span>
        <Button
          variant="ghost"
          size="sm"
          onClick={() => remove.mutate(product.id, { onError: (error) => toast.error(errorMessage(error)) })}
        >
          Delete
        </Button>
      </span>
    </li>
  );
}

function Orders() {
  const orders = useAdminOrders();
  const move = useMoveOrder();
  const items = orders.data?.pages.flatMap((page) => page.data) ?? [];
  if (orders.isPending) return <Loading label="Loading orders…" />;
  if (orders.isError) return <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />;
  const act = (id: string, action: 'ship' | 'deliver' | 'cancel' | 'refund') =>
    move.mutate({ id, action }, { onError: (error) => toast.error(errorMessage(error)) });
  return (
    <ul className="divide-y divide-border">
      {items.map((order) => (
        <li key={order.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
          <span className="font-mono text-sm">{order.id}</span>
          <span className="flex items-center gap-2">
            <span className="tabular-nums">{formatPrice(order.total, order.currency)}</span>
            <OrderStatus order={order} />
            {order.status === 'paid' ? (
              <>
                <Button size="sm" variant="outline" onClick={() => act(order.id, 'ship')}>
                  Ship
                </Button>
                <Button size="sm" variant="destructive" onClick={() => act(order.id, 'cancel')}>
                  Cancel and refund
                </Button>
              </>
            ) : order.status === 'shipped' || order.status === 'delivered' ? (
              <>
                {order.status === 'shipped' ? (
                  <Button size="sm" variant="outline" onClick={() => act(order.id, 'deliver')}>
                    Delivered
                  </Button>
                ) : null}
                <Button size="sm" variant="destructive" onClick={() => act(order.id, 'refund')}>
                  Refund
                </Button>
              </>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

function DeadLetters() {
  const letters = useDeadLetters();
  if (letters.isPending) return <Loading label="Loading…" />;
  if (letters.isError) return <ErrorState error={letters.error} />;
  if (letters.data.data.length === 0)
    return <p className="text-sm text-muted-foreground">None: every compensation finished.</p>;
  return (
    <ul className="divide-y divide-border text-sm">
      {letters.data.data.map((letter) => (
        <li key={letter.order_id} className="py-2">
          <span className="font-mono">{letter.order_id}</span> · {letter.status} · {letter.error}
        </li>
      ))}
    </ul>
  );
}

/** The shop's admin: products (with image upload), orders, and compensations that kept failing. */
export function ShopAdminPage() {
  const products = useProducts({});
  const items = products.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <div>
      <PageHeader title="Shop admin" />
      <Card className="mb-6">
        <h2 className="mb-3 font-semibold">New product</h2>
        <NewProductForm />
      </Card>
      <Card className="mb-6">
        <h2 className="mb-3 font-semibold">Products</h2>
        <ul className="divide-y divide-border">
          {items.map((product) => (
            <ProductRow key={product.id} product={product} />
          ))}
        </ul>
      </Card>
      <Card className="mb-6">
        <h2 className="mb-3 font-semibold">Orders</h2>
        <Orders />
      </Card>
      <Card>
        <h2 className="mb-3 font-semibold">Failed compensations (dead letters)</h2>
        <DeadLetters />
      </Card>
    </div>
  );
}

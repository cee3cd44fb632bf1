import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { toast } from 'sonner';
import { errorMessage } from '../../api/client.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { useAddToCart, useProduct, useProducts, type Product, formatPrice } from './api.ts';

function AddToCart({ product, quantity = 1 }: { product: Product; quantity?: number }) {
  const add = useAddToCart();
  return (
    <Button
      size="sm"
      disabled={add.isPending || product.stock < 1}
      onClick={() =>
        add.mutate(
          { product_id: product.id, quantity },
          {
            onSuccess: () => toast.success(`${product.name} added to your cart`),
            onError: (error) => toast.error(errorMessage(error)),
          },
        )
      }
    >
      {product.stock < 1 ? 'Out of stock' : 'Add to cart'}
    </Button>
  );
}

function ProductImage({ product, className }: { product: Product; className: string }) {
  return product.image_url ? (
    <img src={product.image_url} alt={product.name} className={`${className} object-cover`} />
  ) : (
    <div className={`${className} flex items-center justify-center bg-muted text-sm text-muted-foreground`}>
      No image
    </div>
  );
}

/** The storefront: the catalog with search and category, each product addable to the cart. */
export function ShopPage() {
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const products = useProducts({ q: q.trim() || undefined, category: category.trim() || undefined });
  const items = products.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <div>
      <PageHeader title="Shop" description="The Sluice Shop: pay with your wallet or a test card.">
        <Link to="/shop/cart" className="text-sm font-medium text-primary underline">
          Your cart
        </Link>
      </PageHeader>
      <div className="mb-4 flex flex-wrap gap-2">
        <Input
          aria-label="Search"
          placeholder="Search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="max-w-xs"
        />
        <Input
          aria-label="Category"
          placeholder="Category"
          value={category}
          onChange={(e) => setCategory(e.target.value)}
          className="max-w-[12rem]"
        />
      </div>
      {products.isPending ? (
        <Loading label="Loading products…" />
      ) : products.isError ? (
        <ErrorState error={products.error} onRetry={() => void products.refetch()} />
      ) : items.length === 0 ? (
        <Empty title="No products">Nothing matches, or the shop is empty.</Empty>
      ) : (
        <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 md:grid-cols-3">
          {items.map((product) => (
            <li key={product.id} data-testid="product">
              <Card className="flex h-full flex-col gap-2">
                <ProductImage product={product} className="h-40 w-full rounded" />
                <Link to={`/shop/products/${product.id}`} className="font-medium hover:underline">
                  {product.name}
                </Link>
                <p className="text-sm text-muted-foreground">
                  {product.category} · {product.stock} in stock
                </p>
                <div className="mt-auto flex items-center justify-between">
                  <span className="tabular-nums">{formatPrice(product.price, product.currency)}</span>
                  <AddToCart product={product} />
                </div>
              </Card>
            </li>
          ))}
        </ul>
      )}
      {products.hasNextPage ? (
        <Button variant="outline" size="sm" className="mt-4" onClick={() => void products.fetchNextPage()}>
          Load more
        </Button>
      ) : null}
    </div>
  );
}

/** One product: its image, description, price and stock. */
export function ProductPage() {
  const { id = '' } = useParams();
  const product = useProduct(id);
  const [quantity, setQuantity] = useState(1);
  if (product.isPending) return <Loading label="Loading product…" />;
  if (product.isError) return <ErrorState error={product.error} onRetry={() => void product.refetch()} />;
  const p = product.data;
  return (
    <div>
      <PageHeader title={p.name} description={p.category}>
        <Link to="/shop" className="text-sm text-primary underline">
          Back to the shop
        </Link>
      </PageHeader>
      <Card className="grid gap-4 sm:grid-cols-2">
        <ProductImage product={p} className="h-64 w-full rounded" />
        <div className="flex flex-col gap-3">
          <p className="whitespace-pre-line">{p.description || 'No description.'}</p>
          <p className="text-xl tabular-nums">{formatPrice(p.price, p.currency)}</p>
          <p className="text-sm text-muted-foreground">{p.stock} in stock</p>
          <div className="flex items-center gap-2">
            <Input
              aria-label="Quantity"
              type="number"
              min={1}
              max={Math.max(1, p.stock)}
              value={quantity}
              onChange={(e) => setQuantity(Math.max(1, Math.floor(Number(e.target.value) || 1)))}
              className="w-20"
            />
            <AddToCart product={p} quantity={quantity} />
          </div>
        </div>
      </Card>
    </div>
  );
}

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, type Page } from '../../api/client.ts';
import type { components } from '../../api/schema.gen.ts';
import { formatAmount } from '../../lib/money.ts';

/** The shop's resources: products, the cart, orders, and the admin's views. */
export type Product = components['schemas']['Product'];
export type Cart = components['schemas']['Cart'];
export type CartLine = components['schemas']['CartLine'];
export type Order = components['schemas']['Order'];
export type NewProduct = components['schemas']['CreateProduct'];
export type CheckoutBody = components['schemas']['Checkout'];
export type DeadLetter = components['schemas']['CommerceDeadLetter'];

/** An amount as people read it: rewards coins count whole coins, money goes through formatAmount. */
export function formatPrice(amount: number, currency: string): string {
  return currency === 'COIN' ? `${amount} coins` : formatAmount(amount, currency);
}

/** Query keys, defined once; realtime `order.*` events invalidate `commerceKeys.all`. */
export const commerceKeys = {
  all: ['commerce'] as const,
  products: (filters: { q?: string; category?: string }) => ['commerce', 'products', filters] as const,
  product: (id: string) => ['commerce', 'product', id] as const,
  cart: () => ['commerce', 'cart'] as const,
  orders: () => ['commerce', 'orders'] as const,
  order: (id: string) => ['commerce', 'order', id] as const,
  adminOrders: () => ['commerce', 'admin-orders'] as const,
  deadLetters: () => ['commerce', 'dead-letters'] as const,
};

function pagePath(path: string, params: Record<string, string | undefined>, cursor?: string): string {
  const query = new URLSearchParams({ limit: '24' });
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  if (cursor) query.set('starting_after', cursor);
  return `${path}?${query}`;
}

function usePaged<T>(key: readonly unknown[], path: string, params: Record<string, string | undefined> = {}) {
  return useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam, signal }) => apiFetch<Page<T>>(pagePath(path, params, pageParam), { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more && last.next_cursor ? last.next_cursor : undefined),
  });
}

export const useProducts = (filters: { q?: string; category?: string }) =>
  usePaged<Product>(commerceKeys.products(filters), '/v1/products', filters);
export const useOrders = () => usePaged<Order>(commerceKeys.orders(), '/v1/orders');
export const useAdminOrders = () => usePaged<Order>(commerceKeys.adminOrders(), '/v1/admin/orders');

export function useProduct(id: string) {
  return useQuery({
    queryKey: commerceKeys.product(id),
    queryFn: ({ signal }) => apiFetch<Product>(`/v1/products/${encodeURIComponent(id)}`, { signal }),
  });
}

export function useCart() {
  return useQuery({
    queryKey: commerceKeys.cart(),
    queryFn: ({ signal }) => apiFetch<Cart>('/v1/cart', { signal }),
  });
}

/** An order; polled while it is processing, in case a realtime event is missed. */
export function useOrder(id: string) {
  return useQuery({
    queryKey: commerceKeys.order(id),
    queryFn: ({ signal }) => apiFetch<Order>(`/v1/orders/${encodeURIComponent(id)}`, { signal }),
    refetchInterval: (query) => (query.state.data?.status === 'processing' ? 2000 : false),
  });
}

export function useDeadLetters() {
  return useQuery({
    queryKey: commerceKeys.deadLetters(),
    queryFn: ({ signal }) => apiFetch<{ data: DeadLetter[] }>('/v1/admin/commerce/dead-letters', { signal }),
  });
}

function useCommerceMutation<V, R>(run: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: commerceKeys.all }),
  });
}

export const useAddToCart = () =>
  useCommerceMutation((body: { product_id: string; quantity: number }) =>
    apiFetch<Cart>('/v1/cart/items', { method: 'POST', body }),
  );
export const useSetQuantity = () =>
  useCommerceMutation(({ productId, quantity }: { productId: string; quantity: number }) =>
    apiFetch<Cart>(`/v1/cart/items/${encodeURIComponent(productId)}`, {
      method: 'PATCH',
      body: { quantity },
    }),
  );
export const useRemoveLine = () =>
  useCommerceMutation((productId: string) =>
    apiFetch<Cart>(`/v1/cart/items/${encodeURIComponent(productId)}`, { method: 'DELETE' }),
  );
export const useCheckout = () =>
  useCommerceMutation(({ body, idempotencyKey }: { body: CheckoutBody; idempotencyKey: string }) =>
    apiFetch<Order>('/v1/checkout', { method: 'POST', body, idempotencyKey }),
  );
export const useCreateProduct = () =>
  useCommerceMutation((body: NewProduct) => apiFetch<Product>('/v1/products', { method: 'POST', body }));
export const useDeleteProduct = () =>
  useCommerceMutation((id: string) =>
    apiFetch<{ id: string }>(`/v1/products/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  );
export const useMoveOrder = () =>
  useCommerceMutation(({ id, action }: { id: string; action: 'ship' | 'deliver' | 'cancel' | 'refund' }) =>
    apiFetch<Order>(`/v1/admin/orders/${encodeURIComponent(id)}/${action}`, { method: 'POST' }),
  );

/** Uploads a product image: a presigned URL from the API, then the file straight to it. */
export const useUploadImage = () =>
  useCommerceMutation(async ({ productId, file }: { productId: string; file: File }) => {
    const upload = await apiFetch<{ upload_url: string; upload_headers: Record<string, string> }>(
      `/v1/products/${encodeURIComponent(productId)}/image-upload`,
      { method: 'POST', body: { content_type: file.type } },
    );
    const response = await fetch(upload.upload_url, {
      method: 'PUT',
      headers: upload.upload_headers,
      body: file,
    });
    if (!response.ok) throw new Error(`The image upload failed (${response.status})`);
  });

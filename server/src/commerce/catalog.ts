import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { Blobs } from '../platform/blobs.ts';
import type { Clock } from '../kernel/clock.ts';
import { isTransactionCanceled, type Store } from '../platform/store.ts';
import { commerceIds, type CreateProduct, type Product, type UpdateProduct } from './model.ts';
import {
  categoryPartition,
  productFromItem,
  productIndexes,
  productKey,
  productPut,
  productsPartition,
  readProduct,
  type ProductRecord,
} from './store.ts';

export interface CatalogDeps {
  store: Store;
  clock: Clock;
  blobs: Blobs;
}

/** Image URLs live this long: long enough for a page, short enough to be a capability. */
const imageUrlSeconds = 3600;
/** Uploads must finish within this. */
const uploadUrlSeconds = 600;
const maxImageBytes = 5_000_000;

export async function toProduct(deps: Pick<CatalogDeps, 'blobs'>, product: ProductRecord): Promise<Product> {
  return {
    id: product.id,
    object: 'product',
    name: product.name,
    description: product.description,
    price: product.price,
    currency: product.currency,
    stock: product.stock,
    category: product.category,
    image_url: product.image_key
      ? (await deps.blobs.downloadUrl(product.image_key, { expiresInSeconds: imageUrlSeconds })).url
      : null,
    created_at: product.created_at,
    updated_at: product.updated_at,
  };
}

export async function createProduct(deps: CatalogDeps, input: CreateProduct): Promise<Product> {
  const now = deps.clock.now();
  const product: ProductRecord = {
    id: commerceIds.newId('product', now),
    name: input.name,
    description: input.description,
    price: input.price,
    currency: input.currency,
    stock: input.stock,
    category: input.category,
    image_key: null,
    deleted_at: null,
    created_at: isoTime(now),
    updated_at: isoTime(now),
  };
  await deps.store.transact([productPut(product)]);
  return toProduct(deps, product);
}

/** A product that exists and is not deleted, or 404 naming `param`. */
export async function requireProduct(deps: Pick<CatalogDeps, 'store'>, id: string, param = 'id') {
  const product = commerceIds.isId('product', id) ? await readProduct(deps.store, id) : undefined;
  if (!product || product.deleted_at !== null) throw new AppError('not_found', `no product ${id}`, { param });
  return product;
}

export async function getProduct(deps: CatalogDeps, id: string): Promise<Product> {
  return toProduct(deps, await requireProduct(deps, id));
}

/**
 * Changes a product. The stock set here is what is on hand now; checkouts take from it with
 * conditional writes at the same time, so a new stock is written only over the stock the admin's
 * change was based on (a reservation in between answers 409 `conflict`: read it and set it again),
 * and nothing is written over a product deleted meanwhile.
 */
export async function updateProduct(deps: CatalogDeps, id: string, input: UpdateProduct): Promise<Product> {
  const current = await requireProduct(deps, id);
  const now = isoTime(deps.clock.now());
  const category = input.category ?? current.category;
  try {
    await deps.store.transact([
      {
        type: 'update',
        key: productKey(id),
        set: {
          ...input,
          updated_at: now,
          ...(input.category !== undefined ? productIndexes({ id, category }) : {}),
        },
        condition: {
          all: [
            { attributeNotExists: 'deleted_at' },
            ...(input.stock !== undefined
              ? [{ compare: ['stock', '=', current.stock] as ['stock', '=', number] }]
              : []),
          ],
        },
      },
    ]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    if (!(await readProduct(deps.store, id))?.deleted_at && input.stock !== undefined)
      throw new AppError('conflict', 'the stock changed meanwhile (a checkout took some): set it again', {
        param: 'stock',
      });
    throw new AppError('not_found', `no product ${id}`, { param: 'id' });
  }
  return getProduct(deps, id);
}

/**
 * Deletes a product from the catalog. The item stays (orders and carts name it; a cart shows the
 * line as unavailable), without its listing entries, so it can no longer be found or bought.
 */
export async function deleteProduct(deps: CatalogDeps, id: string): Promise<void> {
  await requireProduct(deps, id);
  try {
    await deps.store.transact([
      {
        type: 'update',
        key: productKey(id),
        set: { deleted_at: isoTime(deps.clock.now()) },
        remove: ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'],
        condition: { attributeNotExists: 'deleted_at' },
      },
    ]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw new AppError('not_found', `no product ${id}`, { param: 'id' });
    throw error;
  }
}

/**
 * A presigned upload for the product's image. The key is the server's choice (a new one per
 * upload, so a cached old image never shows for the new one); the product points at it at once,
 * and shows the new image once the upload lands.
 */
export async function createImageUpload(
  deps: CatalogDeps,
  id: string,
  contentType: string,
): Promise<{
  upload_url: string;
  upload_headers: Record<string, string>;
  image_url: string;
  expires_at: string;
}> {
  await requireProduct(deps, id);
  const now = deps.clock.now();
  const extension = contentType.split('/')[1]!;
  const key = `products/${id}/${now}.${extension}`;
  const upload = await deps.blobs.uploadUrl(key, {
    contentType,
    maxBytes: maxImageBytes,
    expiresInSeconds: uploadUrlSeconds,
  });
  try {
    await deps.store.transact([
      {
        type: 'update',
        key: productKey(id),
        set: { image_key: key, updated_at: isoTime(now) },
        condition: { attributeNotExists: 'deleted_at' },
      },
    ]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw new AppError('not_found', `no product ${id}`, { param: 'id' });
    throw error;
  }
  const image = await deps.blobs.downloadUrl(key, { expiresInSeconds: imageUrlSeconds });
  return {
    upload_url: upload.url,
    upload_headers: upload.headers,
    image_url: image.url,
    expires_at: upload.expiresAt,
  };
}

const productIdPattern = /^prod_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * A page of the catalog, oldest first, optionally in one category and matching `q` (every word
 * in the name, description or category, case-insensitively). The cursor is the last product id
 * shown, so a filtered page never skips a product the index held after it.
 */
export async function listProducts(
  deps: CatalogDeps,
  options: { limit: number; startingAfter?: string; category?: string; q?: string },
): Promise<{ data: Product[]; next_cursor: string | undefined }> {
  if (options.startingAfter !== undefined && !productIdPattern.test(options.startingAfter))
    throw new AppError('invalid_request', 'starting_after must be a next_cursor from a previous page', {
      param: 'starting_after',
    });
  const words = (options.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (product: ProductRecord) => {
    const text = `${product.name} ${product.description} ${product.category}`.toLowerCase();
    return words.every((word) => text.includes(word));
  };
  const [index, partition] = options.category
    ? (['gsi2', categoryPartition(options.category.trim().toLowerCase())] as const)
    : (['gsi1', productsPartition] as const);
  const found: ProductRecord[] = [];
  let after = options.startingAfter;
  let hasMore = false;
  // Filtering reads at most 20 index pages a request; the cursor takes the next request on.
  for (let round = 0; round < 20; round++) {
    const page = await deps.store.query({
      index,
      partition,
      limit: 100,
      ...(after ? { sort: { op: '>', value: after } } : {}),
    });
    for (const item of page.items) {
      const product = productFromItem(item);
      after = product.id;
      if (!matches(product)) continue;
      if (found.length === options.limit) {
        hasMore = true;
        break;
      }
      found.push(product);
    }
    if (hasMore || !page.cursor) break;
    if (round === 19) hasMore = true;
  }
  const data = await Promise.all(found.map((product) => toProduct(deps, product)));
  // A full page continues after its last product; a page cut short by the read budget after the
  // last product read.
  const next = found.length === options.limit ? found.at(-1)!.id : after;
  return { data, next_cursor: hasMore ? next : undefined };
}

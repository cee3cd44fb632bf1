import { createRoute, z } from '@hono/zod-openapi';
import { every } from 'hono/combine';
import { createMiddleware } from 'hono/factory';
import { requireAdmin, requireUser } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  idempotencyHeaderSchema,
  jsonBody,
  jsonResponse,
} from '../http/openapi.ts';
import { listSchema, paginationQuerySchema } from '../http/schemas.ts';
import type { Identity } from '../platform/identity.ts';
import { addCartItem, clearCart, getCart, removeCartItem, setCartQuantity } from './cart.ts';
import {
  createImageUpload,
  createProduct,
  deleteProduct,
  getProduct,
  listProducts,
  updateProduct,
} from './catalog.ts';
import { assertIdempotencyKey, startCheckout, type CommerceDeps } from './checkout.ts';
import {
  addCartItemSchema,
  cartSchema,
  checkoutSchema,
  createProductSchema,
  deadLetterSchema,
  imageUploadResponseSchema,
  imageUploadSchema,
  orderSchema,
  productSchema,
  setCartQuantitySchema,
  updateProductSchema,
  type AdminAction,
} from './model.ts';
import { getOwnOrder, listOrders, moveOrder } from './order-service.ts';
import { listDeadLetters } from './store.ts';

const tags = ['Commerce'];
const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const productIdParam = z.object({
  product_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'product_id', in: 'path' } }),
});

function page<T>(result: { data: T[]; next_cursor: string | undefined }) {
  return {
    data: result.data,
    has_more: result.next_cursor !== undefined,
    next_cursor: result.next_cursor ?? null,
  };
}

const routes = {
  listProducts: createRoute({
    method: 'get',
    path: '/v1/products',
    tags,
    summary: 'The catalog, oldest first; by category and search words',
    request: {
      query: paginationQuerySchema.extend({
        category: z.string().max(60).optional(),
        q: z.string().max(200).optional(),
      }),
    },
    responses: { 200: jsonResponse(listSchema(productSchema), 'A page of products'), ...errorResponses(400) },
  }),
  getProduct: createRoute({
    method: 'get',
    path: '/v1/products/{id}',
    tags,
    summary: 'One product',
    request: { params: idParam },
    responses: { 200: jsonResponse(productSchema, 'The product'), ...errorResponses(404) },
  }),
  createProduct: createRoute({
    method: 'post',
    path: '/v1/products',
    tags,
    security: bearerSecurity,
    summary: 'Add a product (admin)',
    request: { body: jsonBody(createProductSchema) },
    responses: { 201: jsonResponse(productSchema, 'The product'), ...errorResponses(400, 401, 403) },
  }),
  updateProduct: createRoute({
    method: 'patch',
    path: '/v1/products/{id}',
    tags,
    security: bearerSecurity,
    summary: 'Change a product (admin)',
    request: { params: idParam, body: jsonBody(updateProductSchema) },
    responses: { 200: jsonResponse(productSchema, 'The product'), ...errorResponses(400, 401, 403, 404) },
  }),
  deleteProduct: createRoute({
    method: 'delete',
    path: '/v1/products/{id}',
    tags,
    security: bearerSecurity,
    summary: 'Take a product off the catalog (admin)',
    request: { params: idParam },
    responses: {
      200: jsonResponse(z.object({ id: z.string(), deleted: z.literal(true) }), 'Deleted'),
      ...errorResponses(401, 403, 404),
    },
  }),
  imageUpload: createRoute({
    method: 'post',
    path: '/v1/products/{id}/image-upload',
    tags,
    security: bearerSecurity,
    summary: "A presigned upload for the product's image (admin)",
    request: { params: idParam, body: jsonBody(imageUploadSchema) },
    responses: {
      201: jsonResponse(imageUploadResponseSchema, 'PUT the image to upload_url with upload_headers'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  getCart: createRoute({
    method: 'get',
    path: '/v1/cart',
    tags,
    security: bearerSecurity,
    summary: 'Your cart at current prices',
    responses: { 200: jsonResponse(cartSchema, 'The cart'), ...errorResponses(401) },
  }),
  addItem: createRoute({
    method: 'post',
    path: '/v1/cart/items',
    tags,
    security: bearerSecurity,
    summary: 'Add a product to your cart',
    request: { body: jsonBody(addCartItemSchema) },
    responses: { 200: jsonResponse(cartSchema, 'The cart'), ...errorResponses(400, 401, 404, 409, 422) },
  }),
  setQuantity: createRoute({
    method: 'patch',
    path: '/v1/cart/items/{product_id}',
    tags,
    security: bearerSecurity,
    summary: "Set a line's quantity (and accept its current price)",
    request: { params: productIdParam, body: jsonBody(setCartQuantitySchema) },
    responses: { 200: jsonResponse(cartSchema, 'The cart'), ...errorResponses(400, 401, 404, 409) },
  }),
  removeItem: createRoute({
    method: 'delete',
    path: '/v1/cart/items/{product_id}',
    tags,
    security: bearerSecurity,
    summary: 'Remove a line from your cart',
    request: { params: productIdParam },
    responses: { 200: jsonResponse(cartSchema, 'The cart'), ...errorResponses(401, 404) },
  }),
  clearCart: createRoute({
    method: 'delete',
    path: '/v1/cart',
    tags,
    security: bearerSecurity,
    summary: 'Empty your cart',
    responses: { 200: jsonResponse(cartSchema, 'The cart'), ...errorResponses(401) },
  }),
  checkout: createRoute({
    method: 'post',
    path: '/v1/checkout',
    tags,
    security: bearerSecurity,
    summary: 'Check out your cart: 202 with the order processing; progress arrives as order events',
    request: { headers: idempotencyHeaderSchema, body: jsonBody(checkoutSchema) },
    responses: {
      202: jsonResponse(orderSchema, 'The order, processing'),
      ...errorResponses(400, 401, 409, 422),
    },
  }),
  listOrders: createRoute({
    method: 'get',
    path: '/v1/orders',
    tags,
    security: bearerSecurity,
    summary: 'Your orders, newest first',
    request: { query: paginationQuerySchema },
    responses: {
      200: jsonResponse(listSchema(orderSchema), 'A page of orders'),
      ...errorResponses(400, 401),
    },
  }),
  getOrder: createRoute({
    method: 'get',
    path: '/v1/orders/{id}',
    tags,
    security: bearerSecurity,
    summary: 'One of your orders',
    request: { params: idParam },
    responses: { 200: jsonResponse(orderSchema, 'The order'), ...errorResponses(401, 404) },
  }),
  adminListOrders: createRoute({
    method: 'get',
    path: '/v1/admin/orders',
    tags,
    security: bearerSecurity,
    summary: "Everyone's orders, newest first (admin)",
    request: { query: paginationQuerySchema },
    responses: {
      200: jsonResponse(listSchema(orderSchema), 'A page of orders'),
      ...errorResponses(400, 401, 403),
    },
  }),
  deadLetters: createRoute({
    method: 'get',
    path: '/v1/admin/commerce/dead-letters',
    tags,
    security: bearerSecurity,
    summary: 'Checkout compensations that kept failing (admin)',
    responses: {
      200: jsonResponse(z.object({ data: z.array(deadLetterSchema) }), 'Newest first'),
      ...errorResponses(401, 403),
    },
  }),
};

const actionRoute = (action: AdminAction) =>
  createRoute({
    method: 'post',
    path: `/v1/admin/orders/{id}/${action}`,
    tags,
    security: bearerSecurity,
    summary:
      action === 'cancel'
        ? 'Cancel a paid order: refunds it and restocks (admin)'
        : action === 'refund'
          ? 'Refund a shipped or delivered order (admin)'
          : `Mark an order ${action === 'ship' ? 'shipped' : 'delivered'} (admin)`,
    request: { params: idParam, headers: idempotencyHeaderSchema },
    responses: { 200: jsonResponse(orderSchema, 'The order'), ...errorResponses(401, 403, 404, 409) },
  });

/** The catalog's reads are public; its writes need an admin, checked here since the path is public. */
function adminOnWrites(identity: Identity) {
  const admin = every(requireUser(identity), requireAdmin());
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return admin(c, next);
  });
}

export function commerceRoutes(deps: CommerceDeps & { identity: Identity }) {
  const app = createRouter();
  app.use('/v1/products', adminOnWrites(deps.identity));
  app.use('/v1/products/*', adminOnWrites(deps.identity));

  app.openapi(routes.listProducts, async (c) => {
    const query = c.req.valid('query');
    const result = await listProducts(deps, {
      limit: query.limit,
      ...(query.starting_after ? { startingAfter: query.starting_after } : {}),
      ...(query.category ? { category: query.category } : {}),
      ...(query.q ? { q: query.q } : {}),
    });
    return c.json(page(result), 200);
  });
  app.openapi(routes.getProduct, async (c) => c.json(await getProduct(deps, c.req.valid('param').id), 200));
  app.openapi(routes.createProduct, async (c) => c.json(await createProduct(deps, c.req.valid('json')), 201));
  app.openapi(routes.updateProduct, async (c) =>
    c.json(await updateProduct(deps, c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(routes.deleteProduct, async (c) => {
    const { id } = c.req.valid('param');
    await deleteProduct(deps, id);
    return c.json({ id, deleted: true as const }, 200);
  });
  app.openapi(routes.imageUpload, async (c) =>
    c.json(await createImageUpload(deps, c.req.valid('param').id, c.req.valid('json').content_type), 201),
  );

  app.openapi(routes.getCart, async (c) => c.json(await getCart(deps, c.var.principal.userId), 200));
  app.openapi(routes.addItem, async (c) =>
    c.json(await addCartItem(deps, c.var.principal.userId, c.req.valid('json')), 200),
  );
  app.openapi(routes.setQuantity, async (c) =>
    c.json(
      await setCartQuantity(
        deps,
        c.var.principal.userId,
        c.req.valid('param').product_id,
        c.req.valid('json').quantity,
      ),
      200,
    ),
  );
  app.openapi(routes.removeItem, async (c) =>
    c.json(await removeCartItem(deps, c.var.principal.userId, c.req.valid('param').product_id), 200),
  );
  app.openapi(routes.clearCart, async (c) => c.json(await clearCart(deps, c.var.principal.userId), 200));

  app.openapi(routes.checkout, async (c) => {
    const idem = c.var.idempotency;
    assertIdempotencyKey(idem !== undefined);
    const order = await startCheckout(deps, c.var.principal, c.req.valid('json'), (o) =>
      idem!.record(202, o),
    );
    return c.json(order, 202);
  });

  app.openapi(routes.listOrders, async (c) => {
    const query = c.req.valid('query');
    return c.json(
      page(await listOrders(deps, { user: c.var.principal.userId }, query.limit, query.starting_after)),
      200,
    );
  });
  app.openapi(routes.getOrder, async (c) =>
    c.json(await getOwnOrder(deps, c.var.principal.userId, c.req.valid('param').id), 200),
  );
  app.openapi(routes.adminListOrders, async (c) => {
    const query = c.req.valid('query');
    return c.json(page(await listOrders(deps, { all: true }, query.limit, query.starting_after)), 200);
  });
  for (const action of ['ship', 'deliver', 'cancel', 'refund'] as const) {
    app.openapi(actionRoute(action), async (c) =>
      c.json(await moveOrder(deps, c.req.valid('param').id, action), 200),
    );
  }
  app.openapi(routes.deadLetters, async (c) => c.json({ data: await listDeadLetters(deps.store, 100) }, 200));
  return app;
}

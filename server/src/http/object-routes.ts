import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, errorResponses, jsonResponse } from './openapi.ts';
import { listSchema, paginationQuerySchema } from './schemas.ts';

/** `Sluice-Merchant`: with a user access token, the merchant a merchant route acts as. */
export const merchantHeadersSchema = z.object({
  'sluice-merchant': z
    .string()
    .optional()
    .openapi({ description: 'With a user access token: the merchant to act as.' }),
});

/** An object's id in the path (`/{id}`), as most modules take it. */
export const idParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** What one module's list and get routes have in common. */
export interface ObjectRouteShape<H extends z.ZodObject, I extends z.ZodObject> {
  tags: string[];
  /** The request headers, e.g. {@link merchantHeadersSchema}. */
  headers: H;
  /** The path parameters of `GET …/{id}`, e.g. {@link idParamSchema}. */
  idParam: I;
  /** The route's own declaration; the served document replaces it by path (`finishDocument`). */
  security?: typeof bearerSecurity;
}

/** A route's words: `summary`, and the 200 response's `description` (the summary unless given). */
export interface ObjectRouteText {
  summary: string;
  description?: string;
}

/**
 * The `GET /v1/<things>` and `GET /v1/<things>/{id}` routes of a module, so each module declares
 * only what differs (tags, headers, id) and every list answers the same page, errors and query.
 *
 * @example const { listRoute, getRoute } = objectRoutes({ tags, headers: merchantHeadersSchema, idParam: idParamSchema });
 */
export function objectRoutes<H extends z.ZodObject, I extends z.ZodObject>(shape: ObjectRouteShape<H, I>) {
  const { tags, headers, idParam, security = bearerSecurity } = shape;
  return {
    /**
     * A page of `item`s, newest first: `limit` and `starting_after`, or `text.query`, an
     * extension of {@link paginationQuerySchema} with filters.
     */
    listRoute<
      const P extends string,
      T extends z.ZodType,
      Q extends z.ZodObject = typeof paginationQuerySchema,
    >(path: P, item: T, text: ObjectRouteText & { query?: Q }) {
      return createRoute({
        tags,
        security,
        method: 'get',
        path,
        summary: text.summary,
        request: { headers, query: (text.query ?? paginationQuerySchema) as Q },
        responses: {
          200: jsonResponse(listSchema(item), text.description ?? text.summary),
          ...errorResponses(400, 401, 429),
        },
      });
    },
    /** One `item` by its id; 404 when it is not the caller's. */
    getRoute<const P extends string, T extends z.ZodType>(path: P, item: T, text: ObjectRouteText) {
      return createRoute({
        tags,
        security,
        method: 'get',
        path,
        summary: text.summary,
        request: { headers, params: idParam },
        responses: {
          200: jsonResponse(item, text.description ?? text.summary),
          ...errorResponses(401, 404, 429),
        },
      });
    },
  };
}

/** What a list route's query asks for: a page size and where the previous page ended. */
export function pageRequest(query: { limit: number; starting_after?: string | undefined }): {
  limit: number;
  cursor?: string;
} {
  return { limit: query.limit, ...(query.starting_after ? { cursor: query.starting_after } : {}) };
}

/** The `{ data, has_more, next_cursor }` answer of a list route. */
export function pageBody<T>(page: { data: T[]; next_cursor: string | undefined }) {
  return { data: page.data, has_more: page.next_cursor !== undefined, next_cursor: page.next_cursor ?? null };
}

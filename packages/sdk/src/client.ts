import createClient, {
  type Client,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from 'openapi-fetch';
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { errorFromResponse } from './errors.ts';
import { defaultRetryOptions, retryingFetch, type RetryOptions } from './retry.ts';
import type { paths } from './schema.ts';
import { webhooks } from './webhooks.ts';

type Paths = paths;
type Media = `${string}/${string}`;

export interface SluiceOptions extends Partial<RetryOptions> {
  /** The API's origin: `http://localhost:3000` for `npm start`, or a deployed stage's URL. */
  baseUrl: string;
  /** A secret key (`sk_test_…`): acts as its merchant. Server-side only: never ship it to a browser. */
  apiKey?: string;
  /** A user's access token, or a function answering the current one (called per request, so it can refresh). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** With `token`: the merchant to act as (`Sluice-Merchant`), which the user must own. */
  merchant?: string;
  /** Headers for every request. */
  headers?: Record<string, string>;
  /** The `fetch` to send with (default `globalThis.fetch`). */
  fetch?: (request: Request) => Promise<Response>;
}

type Init<P extends keyof Paths, M extends HttpMethod> = MaybeOptionalInit<Paths[P], M>;
/** The optional-or-required options argument, as openapi-fetch computes it. */
type InitArgs<I> =
  RequiredKeysOf<I> extends never ? [(I & { [key: string]: unknown })?] : [I & { [key: string]: unknown }];
/** What a successful call answers, typed from the operation's 2xx response. */
export type ResponseData<P extends keyof Paths, M extends HttpMethod, I = object> = NonNullable<
  FetchResponse<Paths[P][M] & Record<string | number, unknown>, I, Media>['data']
>;

/** A GET answering a page `{ data: T[], has_more, next_cursor }`. */
export type ListPath = {
  [P in PathsWithMethod<Paths, 'get'>]: ResponseData<P, 'get'> extends {
    data: unknown[];
    has_more: boolean;
    next_cursor: string | null;
  }
    ? P
    : never;
}[PathsWithMethod<Paths, 'get'>];
export type ListItem<P extends ListPath> = ResponseData<P, 'get'> extends { data: (infer T)[] } ? T : never;

type Caller<M extends HttpMethod> = <P extends PathsWithMethod<Paths, M>, I extends Init<P, M>>(
  path: P,
  ...init: InitArgs<I>
) => Promise<ResponseData<P, M, I>>;

export interface Sluice {
  /** The openapi-fetch client underneath (`{ data, error, response }`, never throws for an HTTP error). */
  readonly api: Client<Paths, Media>;
  get: Caller<'get'>;
  post: Caller<'post'>;
  patch: Caller<'patch'>;
  put: Caller<'put'>;
  delete: Caller<'delete'>;
  /**
   * Every object of a list, page after page (`starting_after` = the previous `next_cursor`), as
   * an async iterable: `for await (const payment of sluice.list('/v1/payments')) …`.
   */
  list<P extends ListPath, I extends Init<P, 'get'>>(
    path: P,
    ...init: InitArgs<I>
  ): AsyncGenerator<ListItem<P>>;
  readonly webhooks: typeof webhooks;
}

/**
 * A Sluice client. Typed end to end from the API's OpenAPI document: paths, parameters, bodies
 * and answers. Calls answer the data or throw a `SluiceError` subclass (`code`, `param`,
 * `requestId`). Every POST carries an `Idempotency-Key`, kept across its retries; network
 * errors, 409 `idempotency_key_in_progress`, 429 and 5xx are retried with backoff and jitter.
 *
 * @example
 * const sluice = createSluice({ baseUrl: 'http://localhost:3000', apiKey: process.env.SLUICE_KEY });
 * const payment = await sluice.post('/v1/payments', {
 *   body: { amount: 1500, currency: 'USD', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } },
 * });
 * for await (const event of sluice.list('/v1/events', { params: { query: { limit: 100 } } })) console.log(event.type);
 */
export function createSluice(options: SluiceOptions): Sluice {
  const retry: RetryOptions = { ...defaultRetryOptions, ...definedOnly(options) };
  const send = (request: Request, signal: AbortSignal | undefined) =>
    (options.fetch ?? globalThis.fetch)(signal ? new Request(request, { signal }) : request);
  const api = createClient<Paths, Media>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: retryingFetch(retry, send),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  api.use(credentials(options));
  const call =
    <M extends HttpMethod>(method: M): Caller<M> =>
    async (path, ...init) => {
      const result = (await api.request(method, path as never, ...(init as [never]))) as {
        data?: unknown;
        error?: unknown;
        response: Response;
      };
      if (!result.response.ok)
        throw errorFromResponse(result.response.status, result.error, result.response.headers);
      return result.data as never;
    };
  const get = call('get');
  return {
    api,
    get,
    post: call('post'),
    patch: call('patch'),
    put: call('put'),
    delete: call('delete'),
    list: (path, ...init) => paginate(get, path, init[0]),
    webhooks,
  };
}

async function* paginate<P extends ListPath>(
  get: Caller<'get'>,
  path: P,
  init: { params?: { query?: Record<string, unknown> } } | undefined,
): AsyncGenerator<ListItem<P>> {
  let cursor: string | undefined;
  do {
    const query = { ...init?.params?.query, ...(cursor === undefined ? {} : { starting_after: cursor }) };
    const page = (await (get as (path: string, init: unknown) => Promise<unknown>)(path, {
      ...init,
      params: { ...init?.params, query },
    })) as { data: ListItem<P>[]; has_more: boolean; next_cursor: string | null };
    yield* page.data;
    cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
  } while (cursor !== undefined);
}

/** `Authorization` (the key, or the current token) and `Sluice-Merchant` on every request. */
function credentials(options: SluiceOptions): Middleware {
  return {
    async onRequest({ request }) {
      const bearer =
        options.apiKey ?? (typeof options.token === 'function' ? await options.token() : options.token);
      if (bearer && !request.headers.has('authorization'))
        request.headers.set('Authorization', `Bearer ${bearer}`);
      if (options.merchant && !request.headers.has('sluice-merchant'))
        request.headers.set('Sluice-Merchant', options.merchant);
      return request;
    },
  };
}

function definedOnly(options: Partial<RetryOptions>): Partial<RetryOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

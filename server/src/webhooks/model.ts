import { z } from '@hono/zod-openapi';
import { displayTextSchema } from '../http/schemas.ts';

/** Sent by `POST /v1/webhook-endpoints/{id}/test` to that endpoint only, whatever it subscribes to. */
export const testEventType = 'test.webhook';

/** Stripe's limit: one merchant's endpoints also fit the fan-out in one store transaction. */
export const maxEndpointsPerMerchant = 16;

/**
 * Deliveries redelivery may create for one event, over all its calls (one per endpoint sent to):
 * without a cap, "redeliver to every endpoint" would turn one call into 16 POSTs, any number of times.
 */
export const maxRedeliveriesPerEvent = 32;

/** The queue delivery messages travel on. */
export const deliveryQueueName = 'webhook-deliveries';

/**
 * The per-attempt HTTP timeout (unless `WebhookDeps.deliveryTimeoutMs` sets another), and how much
 * of a response body the delivery log keeps.
 */
export const deliveryTimeoutMs = 10_000;
/** How long a connection may take: far less than an answer, so an unreachable host is known soon. */
export const deliveryConnectTimeoutMs = 3000;
/**
 * How long the delivery worker waits for a POST before answering the queue and letting the POST
 * finish in the background (`WebhookDeps.deliveryHoldMs`; the local runtime's default).
 */
export const defaultDeliveryHoldMs = 250;
/** SQS's longest message delay: a deferred delivery comes back within it. */
export const maxQueueDelaySeconds = 900;
export const responseSnippetBytes = 500;

/**
 * The published retry schedule: the delay before attempt n+1 after attempt n failed, in
 * seconds, before ±10 % jitter. 13 attempts over about 72.6 hours; then the delivery is dead
 * (listed by `GET /v1/webhook-endpoints/{id}/deliveries?status=dead`) and can be redelivered.
 * Each delay stays under SQS's 12 h visibility limit.
 */
export const retryDelaysSeconds = [
  60, 300, 1800, 7200, 18_000, 36_000, 36_000, 36_000, 36_000, 36_000, 36_000, 18_000,
] as const;
export const maxDeliveryAttempts = retryDelaysSeconds.length + 1;
/** How long the whole schedule takes, before jitter: a delivery still pending after it is given up. */
export const deliveryScheduleMs = retryDelaysSeconds.reduce((sum, seconds) => sum + seconds, 0) * 1000;

/** Delay after failed attempt `attempt` (1-based), with ±10 % jitter so failed receivers are not retried in lockstep. */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number {
  const base = retryDelaysSeconds[Math.min(attempt, retryDelaysSeconds.length) - 1] ?? retryDelaysSeconds[0];
  return Math.round(base * (0.9 + 0.2 * random()));
}

export const endpointStatuses = ['enabled', 'disabled'] as const;
export type EndpointStatus = (typeof endpointStatuses)[number];
export const deliveryStatuses = ['pending', 'succeeded', 'dead'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * The endpoint request bodies for an app whose modules offer `eventTypes` to webhooks (the
 * catalogue, `ModuleDeps.catalog`); `*` subscribes to all of them.
 */
export function endpointSchemas(eventTypes: readonly string[]) {
  const eventsField = z
    .array(z.union([z.enum(eventTypes as [string, ...string[]]), z.literal('*')]))
    .min(1)
    .max(eventTypes.length + 1)
    .openapi({ example: ['payment.captured', 'refund.succeeded'] });
  const urlField = z.string().min(1).max(2048).openapi({ example: 'https://example.com/webhooks/sluice' });
  return {
    create: z
      .object({ url: urlField, events: eventsField, description: displayTextSchema(500).optional() })
      .strict()
      .openapi('CreateWebhookEndpoint'),
    update: z
      .object({
        url: urlField.optional(),
        events: eventsField.optional(),
        description: displayTextSchema(500).optional(),
        status: z.enum(endpointStatuses).optional(),
      })
      .strict()
      .openapi('UpdateWebhookEndpoint'),
  };
}
export type CreateEndpoint = z.infer<ReturnType<typeof endpointSchemas>['create']>;
export type UpdateEndpoint = z.infer<ReturnType<typeof endpointSchemas>['update']>;

export const rotateSecretSchema = z
  .object({
    expires_in_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(86_400)
      .openapi({
        description:
          'How long the previous secret keeps signing (both signatures are sent meanwhile). 0 retires it now.',
      }),
  })
  .openapi('RotateWebhookSecret');

export const endpointSchema = z
  .object({
    id: z.string().openapi({ example: 'we_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(endpointStatuses),
    created_at: z.string(),
    health: z
      .object({
        last_success_at: z
          .string()
          .nullable()
          .openapi({ example: '2026-12-04T15:30:00.000Z', description: 'The last attempt answered 2xx.' }),
        failure_rate: z.number().min(0).max(1).nullable().openapi({
          example: 0.04,
          description: 'Failed attempts / attempts, over the newest 50 deliveries; null before any attempt.',
        }),
        attempts: z.number().int().openapi({ example: 25 }),
        pending: z
          .number()
          .int()
          .openapi({ example: 1, description: 'Deliveries waiting for an attempt or a retry.' }),
        dead: z.number().int().openapi({ example: 0, description: 'Deliveries that gave up.' }),
      })
      .optional()
      .openapi({ description: 'In the list and the retrieve answers: how deliveries to it go lately.' }),
    /** Present only in the responses of create and rotate-secret. */
    secret: z.string().nullable().optional().openapi({
      example: 'whsec_…',
      description:
        'Shown only on creation and rotation; null on an idempotent replay (Idempotent-Redacted: secret).',
    }),
  })
  .openapi('WebhookEndpoint');
export type EndpointView = z.infer<typeof endpointSchema>;

export const eventSchema = z
  .object({
    id: z.string().openapi({ example: 'evt_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('event'),
    type: z.string().openapi({ example: 'payment.captured' }),
    created: z.number().int().openapi({ description: 'Unix seconds' }),
    livemode: z.literal(false),
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: '`{ object: … }`: the object as it was after the change' }),
  })
  .openapi('Event');
export type PublicEvent = z.infer<typeof eventSchema>;

export const deliveryAttemptSchema = z
  .object({
    attempt: z.number().int(),
    at: z.string(),
    url: z.string(),
    response_status: z.number().int().nullable(),
    latency_ms: z.number().int(),
    response_body: z
      .string()
      .nullable()
      .openapi({ description: `The first ${responseSnippetBytes} bytes of the response` }),
    error: z.string().nullable(),
  })
  .openapi('WebhookDeliveryAttempt');
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const deliverySchema = z
  .object({
    id: z.string().openapi({ example: 'del_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('webhook_delivery'),
    event: z.string(),
    event_type: z.string().nullable().openapi({
      example: 'payment.captured',
      description: "The event's type; null on deliveries recorded before it was kept",
    }),
    endpoint: z.string(),
    status: z.enum(deliveryStatuses),
    attempt_count: z.number().int(),
    next_attempt_at: z.string().nullable(),
    created_at: z.string(),
    attempts: z.array(deliveryAttemptSchema),
  })
  .openapi('WebhookDelivery');
export type DeliveryView = z.infer<typeof deliverySchema>;

export const redeliverSchema = z
  .object({
    endpoint: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: 'One endpoint; all subscribed, enabled endpoints when omitted.' }),
  })
  .openapi('RedeliverEvent');

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  starting_after: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'The next_cursor of the previous page.' }),
});

export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });
}

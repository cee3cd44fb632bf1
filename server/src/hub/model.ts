import { z } from '@hono/zod-openapi';
import { amountSchema, currencySchema } from '../http/schemas.ts';
import { cardInputSchema } from '../payments/index.ts';
import { bankAccountMethodSchema, walletMethodSchema } from './method-schemas.ts';
import { cardBrands, methodTypes, providerSchema } from './intent-model.ts';
import { splitsInputSchema } from './vendors-model.ts';

/** The hub's API objects and request bodies: zod schemas that validate and feed the OpenAPI document. */

// A payment intent, its parts and its events' data live in intent-model.ts (light, for the dashboard).
export {
  attemptErrorCodes,
  attemptSchema,
  attemptStatuses,
  cardBrands,
  intentDisputeSchema,
  intentRefundSchema,
  intentSchema,
  intentStatuses,
  methodTypes,
  providerSchema,
  type Attempt,
  type AttemptErrorCode,
  type AttemptStatus,
  type BreakerEventConnector,
  type CardBrand,
  type ConnectorEventData,
  type HubEventData,
  type HubIntentEventType,
  type Intent,
  type IntentEventData,
  type IntentEventType,
  type IntentStatus,
} from './intent-model.ts';

const nameSchema = z.string().min(1).max(100);

export const createConnectorSchema = z
  .object({
    provider: providerSchema,
    name: nameSchema.optional(),
    credentials: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        'What the provider needs (stripe: `secret_key` sk_test_… or sk_live_…, `webhook_secret` whsec_…; paypal: `client_id`, `client_secret` and `webhook_id` of your PayPal REST app, `environment` sandbox or live). Stored sealed; never returned.',
    }),
  })
  .strict()
  .openapi('CreateConnector');
export type CreateConnector = z.infer<typeof createConnectorSchema>;

export const updateConnectorSchema = z
  .object({
    name: nameSchema.optional(),
    credentials: z.record(z.string(), z.unknown()).optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .openapi('UpdateConnector');
export type UpdateConnector = z.infer<typeof updateConnectorSchema>;

export const breakerStates = ['closed', 'open', 'half_open'] as const;
export type BreakerState = (typeof breakerStates)[number];

export const breakerSchema = z.object({
  state: z.enum(breakerStates),
  opened_at: z.string().nullable(),
  /** Calls and technical failures in the breaker's current window (the last 10 to 20 s). */
  window: z.object({ calls: z.number().int(), failures: z.number().int() }),
});

export const faultModes = ['timeout', 'error', 'decline'] as const;
export const faultSchema = z
  .object({
    mode: z.enum(faultModes).openapi({
      description:
        '`timeout`: the call reaches the provider but its answer is lost (the hub reconciles it); `error`: the provider answers 5xx; `decline`: the provider declines.',
    }),
    rate: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .openapi({ description: 'The share of calls that fail, 0 to 1.' }),
    count: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .optional()
      .openapi({ description: 'Fail only this many calls, then stop.' }),
  })
  .strict()
  .openapi('ConnectorFault');
export type FaultInput = z.infer<typeof faultSchema>;
export const activeFaultSchema = z.object({
  mode: z.enum(faultModes),
  rate: z.number(),
  remaining: z.number().int().nullable(),
});

export const connectorSchema = z
  .object({
    id: z.string().openapi({ example: 'mca_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('connector'),
    merchant: z.string(),
    provider: providerSchema,
    name: z.string(),
    disabled: z.boolean(),
    has_credentials: z.boolean(),
    breaker: breakerSchema,
    fault: activeFaultSchema.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Connector');
export type ConnectorObject = z.infer<typeof connectorSchema>;

export const routingMatchSchema = z
  .object({
    currency: currencySchema.optional(),
    amount_gte: z.number().int().nonnegative().optional(),
    amount_lt: z.number().int().positive().optional(),
    method: z.enum(methodTypes).optional(),
    card_brand: z.enum(cardBrands).optional(),
  })
  .strict();
export type RoutingMatch = z.infer<typeof routingMatchSchema>;

const providerListSchema = z.array(providerSchema).min(1).max(5);
export const routingSchema = z
  .object({
    rules: z.array(z.object({ match: routingMatchSchema, providers: providerListSchema }).strict()).max(50),
    default: z.array(providerSchema).max(5).default([]),
  })
  .strict()
  .openapi('Routing');
export type Routing = z.infer<typeof routingSchema>;
export const routingObjectSchema = routingSchema.extend({
  object: z.literal('routing'),
  updated_at: z.string().nullable(),
});

export const paymentMethodSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('card'), card: cardInputSchema }).strict(),
    walletMethodSchema,
    bankAccountMethodSchema,
  ])
  .openapi('HubPaymentMethod');

export const createIntentSchema = z
  .object({
    amount: amountSchema,
    currency: currencySchema,
    payment_method: paymentMethodSchema,
    capture: z.boolean().default(true),
    description: z.string().max(1000).optional(),
    splits: splitsInputSchema.optional(),
  })
  .strict()
  .openapi('CreatePaymentIntent');
export type CreateIntent = z.infer<typeof createIntentSchema>;

export const captureIntentSchema = z.object({ amount: amountSchema.optional() }).strict();
export const refundIntentSchema = z.object({ amount: amountSchema.optional() }).strict();

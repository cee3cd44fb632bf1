import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { CreateIntent } from '../hub/index.ts';
import { checkCard, findTestCard, testCards } from '../payments/index.ts';
import type { BillingDeps, MerchantContext } from './deps.ts';
import { billingIds } from './ids.ts';
import type { CreateCustomer, CreatePaymentMethod, CreatePlan, ExhaustedAction } from './model.ts';
import { retryScheduleDays } from './periods.ts';
import { sealBankAccount, unsealBankAccount } from './sealed.ts';
import {
  customerPaymentMethods,
  customerPut,
  paymentMethodPut,
  planPut,
  readCustomer,
  readPaymentMethod,
  readPlan,
  readSettings,
  settingsPut,
  toPaymentMethod,
  type CustomerRecord,
  type PaymentMethodRecord,
  type PlanRecord,
} from './store.ts';

/** Plans, customers and their saved payment methods, and the merchant's dunning setting. */

/** The record if it is this merchant's; anyone else's is not there (404 naming `param`). */
function mine<T extends { merchant: string }>(
  record: T | undefined,
  merchantId: string,
  what: string,
  id: string,
  param?: string,
): T {
  if (!record || record.merchant !== merchantId)
    throw new AppError(param ? 'invalid_request' : 'not_found', `no ${what} ${id}`, param ? { param } : {});
  return record;
}

export async function createPlan(
  deps: BillingDeps,
  ctx: MerchantContext,
  input: CreatePlan,
): Promise<PlanRecord> {
  const plan: PlanRecord = {
    id: billingIds.newId('plan', deps.clock.now()),
    object: 'plan',
    merchant: ctx.merchantId,
    name: input.name,
    amount: input.amount,
    currency: input.currency,
    interval: input.interval,
    interval_count: input.interval_count,
    trial_period_days: input.trial_period_days ?? null,
    metadata: input.metadata ?? {},
    created_at: isoTime(ctx.now),
  };
  await deps.store.transact([planPut(plan)]);
  return plan;
}

/** The merchant's plan; `param` names the field that referred to it (a 400 there, not a 404). */
export async function getPlan(
  deps: BillingDeps,
  merchantId: string,
  id: string,
  param?: string,
): Promise<PlanRecord> {
  return mine(await readPlan(deps.store, id), merchantId, 'plan', id, param);
}

export async function createCustomer(
  deps: BillingDeps,
  ctx: MerchantContext,
  input: CreateCustomer,
): Promise<CustomerRecord> {
  const customer: CustomerRecord = {
    id: billingIds.newId('customer', deps.clock.now()),
    object: 'customer',
    merchant: ctx.merchantId,
    name: input.name ?? null,
    email: input.email ?? null,
    credit_balance: {},
    metadata: input.metadata ?? {},
    created_at: isoTime(ctx.now),
  };
  await deps.store.transact([customerPut(customer)]);
  return customer;
}

export async function getCustomer(
  deps: BillingDeps,
  merchantId: string,
  id: string,
  param?: string,
): Promise<CustomerRecord> {
  return mine(await readCustomer(deps.store, id), merchantId, 'customer', id, param);
}

/**
 * Saves a payment method on a customer. A card is checked as a payment would be and kept as what
 * it does (the outcome of the test card it is, `success` for any other valid number), its brand,
 * last four and expiry, never its number; an ACH account number is sealed.
 */
export async function addPaymentMethod(
  deps: BillingDeps,
  ctx: MerchantContext,
  customerId: string,
  input: CreatePaymentMethod,
): Promise<PaymentMethodRecord> {
  const customer = await getCustomer(deps, ctx.merchantId, customerId);
  const base = {
    id: billingIds.newId('paymentMethod', deps.clock.now()),
    object: 'payment_method' as const,
    merchant: ctx.merchantId,
    customer: customer.id,
    card: null,
    wallet: null,
    ach_debit: null,
    sealed_account: null,
    created_at: isoTime(ctx.now),
  };
  let method: PaymentMethodRecord;
  if (input.type === 'card') {
    const card = checkCard(input.card, ctx.now);
    method = {
      ...base,
      type: 'card',
      card: {
        brand: card.brand,
        last4: card.number.slice(-4),
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        test_behaviour: findTestCard(card.number)?.outcome ?? 'success',
      },
    };
  } else if (input.type === 'wallet') {
    // The payer must be someone: a wallet of no one would only fail at the first charge.
    if (!(await deps.users.getUser(input.wallet.user)))
      throw new AppError('not_found', `no user ${input.wallet.user}`, { param: 'wallet.user' });
    method = { ...base, type: 'wallet', wallet: { user: input.wallet.user } };
  } else {
    const bank = input.ach_debit;
    // A mandate is what the customer already gave: not one dated ahead (a minute's clock skew aside).
    if (Date.parse(input.mandate.accepted_at) > ctx.now + 60_000)
      throw new AppError('validation_failed', 'mandate.accepted_at cannot be in the future', {
        param: 'mandate.accepted_at',
      });
    method = {
      ...base,
      type: 'ach_debit',
      ach_debit: {
        routing_number: bank.routing_number,
        last4: bank.account_number.slice(-4),
        account_type: bank.account_type,
        mandate: { accepted_at: input.mandate.accepted_at, ip_address: input.mandate.ip_address ?? null },
      },
      sealed_account: await sealBankAccount(deps, {
        account_number: bank.account_number,
        account_holder_name: bank.account_holder_name,
      }),
    };
  }
  await deps.store.transact([paymentMethodPut(method, true)]);
  return method;
}

export async function getPaymentMethod(
  deps: BillingDeps,
  merchantId: string,
  id: string,
  param?: string,
): Promise<PaymentMethodRecord> {
  return mine(await readPaymentMethod(deps.store, id), merchantId, 'payment method', id, param);
}

export async function listPaymentMethods(deps: BillingDeps, merchantId: string, customerId: string) {
  await getCustomer(deps, merchantId, customerId);
  return (await customerPaymentMethods(deps.store, customerId)).map(toPaymentMethod);
}

/**
 * Sandbox: changes how a saved card answers from now on (`insufficient_funds` to watch dunning,
 * `success` to watch it recover), as a real customer's bank would start or stop declining.
 */
export async function setTestBehaviour(
  deps: BillingDeps,
  merchantId: string,
  customerId: string,
  id: string,
  behaviour: string,
): Promise<PaymentMethodRecord> {
  const method = await getPaymentMethod(deps, merchantId, id);
  if (method.customer !== customerId) throw new AppError('not_found', `no payment method ${id}`);
  if (!method.card)
    throw new AppError('invalid_request', 'only a saved card has a test behaviour', {
      param: 'test_behaviour',
    });
  const updated = { ...method, card: { ...method.card, test_behaviour: behaviour } };
  await deps.store.transact([paymentMethodPut(updated, false)]);
  return updated;
}

/** A success card of each brand (Stripe's), so routing by card brand sees the saved card's brand. */
const successByBrand: Record<string, { number: string; cvc: string }> = {
  visa: { number: '4242424242424242', cvc: '123' },
  mastercard: { number: '5555555555554444', cvc: '123' },
  amex: { number: '378282246310005', cvc: '1234' },
  discover: { number: '6011111111111117', cvc: '123' },
};

/**
 * The hub payment method a saved one is charged as. A card is charged as the public test card of
 * its behaviour (the customer's own number was never kept); an ACH account is unsealed for the call.
 */
export async function chargeableMethod(
  deps: BillingDeps,
  method: PaymentMethodRecord,
): Promise<CreateIntent['payment_method']> {
  if (method.card) {
    const { card } = method;
    const success = successByBrand[card.brand] ?? successByBrand.visa!;
    const number =
      card.test_behaviour === 'success'
        ? success.number
        : (testCards.find((t) => t.outcome === card.test_behaviour)?.number ?? success.number);
    return {
      type: 'card',
      card: {
        number,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        cvc: number === success.number ? success.cvc : '123',
      },
    };
  }
  if (method.wallet) return { type: 'wallet', wallet: { user: method.wallet.user } };
  const account = await unsealBankAccount(deps, method.sealed_account!);
  return {
    type: 'bank_account',
    bank_account: {
      routing_number: method.ach_debit!.routing_number,
      account_number: account.account_number,
      account_holder_name: account.account_holder_name,
      account_type: method.ach_debit!.account_type as 'checking' | 'savings',
    },
  };
}

export async function getSettings(deps: BillingDeps, merchantId: string) {
  const settings = await readSettings(deps.store, merchantId);
  return {
    object: 'billing_settings' as const,
    retry_schedule_days: [...retryScheduleDays],
    on_retries_exhausted: settings?.on_retries_exhausted ?? ('cancel' as ExhaustedAction),
  };
}

export async function setSettings(deps: BillingDeps, merchantId: string, onExhausted: ExhaustedAction) {
  await deps.store.transact([settingsPut(merchantId, { on_retries_exhausted: onExhausted })]);
  return getSettings(deps, merchantId);
}

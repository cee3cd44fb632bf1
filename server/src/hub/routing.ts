import { AppError } from '../kernel/errors.ts';
import type { Provider, PaymentMethodType } from './connectors/connector.ts';
import { hubErrors } from './errors.ts';
import type { CardBrand, Routing, RoutingMatch } from './model.ts';

/** What routing looks at in a payment. */
export interface RoutedPayment {
  amount: number;
  currency: string;
  method: PaymentMethodType;
  card_brand: CardBrand | null;
}

/** The card's brand from its number (IIN ranges); never stores or returns the number. */
export function cardBrandOf(number: string): CardBrand {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(number)) return 'discover';
  return 'unknown';
}

export function matches(match: RoutingMatch, payment: RoutedPayment): boolean {
  return (
    (match.currency === undefined || match.currency === payment.currency) &&
    (match.amount_gte === undefined || payment.amount >= match.amount_gte) &&
    (match.amount_lt === undefined || payment.amount < match.amount_lt) &&
    (match.method === undefined || match.method === payment.method) &&
    (match.card_brand === undefined || match.card_brand === payment.card_brand)
  );
}

/** The providers for a payment: the first rule that matches it, else the default. */
export function route(routing: Routing, payment: RoutedPayment): readonly Provider[] {
  const rule = routing.rules.find((candidate) => matches(candidate.match, payment));
  const chosen = rule?.providers ?? routing.default;
  if (chosen.length === 0)
    throw hubErrors.error('no_route', 'no routing rule matches this payment and there is no default', {
      details: { amount: payment.amount, currency: payment.currency, method: payment.method },
    });
  return chosen;
}

/**
 * Refuses a table that could not work: a provider the merchant has no connector for, a provider
 * named twice in one list, a rule that can match no payment, a rule for a method none of its
 * providers takes. Each error names the field at fault.
 */
export function checkRouting(
  routing: Routing,
  connected: ReadonlyMap<Provider, readonly PaymentMethodType[]>,
): void {
  const checkList = (list: readonly Provider[], param: string, method?: PaymentMethodType) => {
    list.forEach((provider, index) => {
      // Paths in the dot notation of every other error (`rules.0.providers.1`).
      if (!connected.has(provider))
        throw hubErrors.error('unknown_connector', `you have no ${provider} connector`, {
          param: `${param}.${index}`,
        });
      if (list.indexOf(provider) !== index)
        throw new AppError('validation_failed', `${provider} is listed twice`, {
          param: `${param}.${index}`,
        });
    });
    if (method && !list.some((provider) => connected.get(provider)?.includes(method)))
      throw hubErrors.error('method_not_supported', `none of these providers takes ${method} payments`, {
        param,
      });
  };
  routing.rules.forEach((rule, index) => {
    const { match } = rule;
    const at = `rules.${index}.match`;
    if (
      match.amount_gte !== undefined &&
      match.amount_lt !== undefined &&
      match.amount_gte >= match.amount_lt
    )
      throw hubErrors.error('no_route', 'amount_gte must be below amount_lt: this rule matches nothing', {
        param: `${at}.amount_lt`,
      });
    if (match.card_brand !== undefined && match.method === 'wallet')
      throw hubErrors.error('no_route', 'a wallet payment has no card brand: this rule matches nothing', {
        param: `${at}.card_brand`,
      });
    checkList(
      rule.providers,
      `rules.${index}.providers`,
      match.method ?? (match.card_brand ? 'card' : undefined),
    );
  });
  checkList(routing.default, 'default');
}

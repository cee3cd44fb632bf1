import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { toast } from 'sonner';
import type { OrderEventData } from '../../../server/src/commerce/order-model.ts';
import type { PaymentEventData } from '../../../server/src/payments/model.ts';
import type { PayoutEventData } from '../../../server/src/payouts/payout-model.ts';
import type { WalletEventData } from '../../../server/src/wallet/model.ts';
import { formatAmount } from '../lib/money.ts';
import { activityKeys } from './activity.ts';
import { isTypeOf, orderEventTypes, paymentEventTypes, payoutEventTypes } from './event-types.ts';
import { developerRoot } from './merchants.ts';
import { paymentRequestKeys } from './payment-requests.ts';
import { applyRewardsMessage, type RewardsMessage } from './rewards.ts';
import { freshAccessToken, getSession, refreshSession, subscribeSession } from './session.ts';
import { transferKeys } from './transfers.ts';
import { walletKeys } from './wallet.ts';

/**
 * A message as it comes off the socket: `{ id, type, time, data }` for an event (the server's
 * `toRealtimeMessage`), `{ type, data }` for a control message (`ready`, `pong`).
 */
export interface RealtimeMessage {
  type: string;
  data: unknown;
  id?: string;
  time?: string;
}

/**
 * The events of one product as they come off the socket, typed by the product's own definition of
 * their data (`WalletEventData`, `PaymentEventData` …, imported type-only, so nothing of the server
 * is bundled): a renamed event type or field breaks `tsc -p web` here and in the tests' fixtures.
 */
export type EventMessage<Data> = {
  [K in keyof Data]: { type: K; data: Data[K]; id?: string; time?: string };
}[keyof Data];

export type WalletMessage = EventMessage<WalletEventData>;
/** The payments sandbox's events, which reach the merchant's owner. */
export type PaymentMessage = EventMessage<PaymentEventData>;
/** The payouts module's events, which reach the merchant's owner. */
export type PayoutMessage = EventMessage<PayoutEventData>;
/** The shop's order events, which reach the buyer. */
export type OrderMessage = EventMessage<OrderEventData>;

/*
 * Every event type of each product, once: a type the server adds, renames or drops fails to
 * compile here (the merchant-facing products' lists are in event-types.ts).
 */
const walletMessageTypes: Record<WalletMessage['type'], true> = {
  'wallet.transfer.created': true,
  'wallet.balance.changed': true,
  'payment_request.created': true,
  'payment_request.paid': true,
  'payment_request.declined': true,
  'payment_request.canceled': true,
};
const rewardsMessageTypes: Record<RewardsMessage['type'], true> = {
  'post.created': true,
  'post.deleted': true,
  'post.liked': true,
  'post.unliked': true,
  'post.commented': true,
  'coins.earned': true,
  'coins.redeemed': true,
};

function isMessageOf<M extends RealtimeMessage>(
  types: Record<M['type'], true>,
  message: RealtimeMessage,
): message is M {
  return isTypeOf(types, message.type);
}

/** What an event changes: the queries to refetch, and a toast for the signed-in user, if any. */
export function applyRealtimeMessage(
  queryClient: QueryClient,
  message: RealtimeMessage,
  userId: string,
): void {
  if (isMessageOf<WalletMessage>(walletMessageTypes, message))
    return applyWalletMessage(queryClient, message, userId);
  if (isMessageOf<RewardsMessage>(rewardsMessageTypes, message))
    return applyRewardsMessage(queryClient, message, userId);
  const invalidate = (queryKey: readonly unknown[]) => void queryClient.invalidateQueries({ queryKey });
  // Payments sandbox and payouts events reach their merchant's owner: refresh the developer pages.
  if (
    isMessageOf<PaymentMessage>(paymentEventTypes, message) ||
    isMessageOf<PayoutMessage>(payoutEventTypes, message)
  )
    invalidate(developerRoot);
  // Shop orders: the checkout saga's progress and every status change.
  if (isMessageOf<OrderMessage>(orderEventTypes, message)) invalidate(['commerce']);
}

function applyWalletMessage(queryClient: QueryClient, message: WalletMessage, userId: string): void {
  const invalidate = (queryKey: readonly unknown[]) => void queryClient.invalidateQueries({ queryKey });
  switch (message.type) {
    case 'wallet.transfer.created': {
      invalidate(walletKeys.all);
      invalidate(activityKeys.all);
      invalidate(transferKeys.all);
      // The socket's JSON is typed, not checked: a message without its data still refetches.
      const transfer = message.data?.transfer;
      if (transfer && transfer.to === userId && transfer.from !== userId) {
        const who = transfer.from_user?.name;
        const amount = formatAmount(transfer.amount, transfer.currency);
        toast.success(
          who ? `${who} sent you ${amount}` : `You received ${amount}`,
          transfer.note ? { description: transfer.note } : {},
        );
      }
      return;
    }
    case 'wallet.balance.changed':
      invalidate(walletKeys.all);
      invalidate(activityKeys.all);
      return;
    case 'payment_request.created':
    case 'payment_request.paid':
    case 'payment_request.declined':
    case 'payment_request.canceled': {
      invalidate(paymentRequestKeys.all);
      if (message.type === 'payment_request.paid') {
        invalidate(walletKeys.all);
        invalidate(activityKeys.all);
      }
      const request = message.data?.payment_request;
      if (!request) return;
      const amount = formatAmount(request.amount, request.currency);
      const payer = request.payer_user?.name;
      if (message.type === 'payment_request.created' && request.payer === userId)
        toast(
          `${request.requester_user?.name ?? 'Someone'} requested ${amount} from you`,
          request.note ? { description: request.note } : {},
        );
      if (message.type === 'payment_request.paid' && request.requester === userId)
        toast.success(
          payer ? `${payer} paid your request for ${amount}` : `Your request for ${amount} was paid`,
        );
      if (message.type === 'payment_request.declined' && request.requester === userId)
        toast(
          payer ? `${payer} declined your request for ${amount}` : `Your request for ${amount} was declined`,
        );
      return;
    }
    default:
      message satisfies never;
  }
}

const closeUnauthenticated = 4401;
const maxBackoffMs = 30_000;

/**
 * Keeps one WebSocket to `/v1/realtime` open while signed in: applies events to the query cache,
 * reconnects with jittered exponential backoff, reauthenticates the open socket when the access
 * token is refreshed, and refetches everything after a reconnect (events sent while it was down
 * are not replayed).
 */
export function useRealtime(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let socket: WebSocket | undefined;
    let stopped = false;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let connectedOnce = false;
    let lastToken: string | undefined;
    const seen: string[] = [];

    const scheduleReconnect = () => {
      if (stopped) return;
      const delay = Math.min(maxBackoffMs, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      retryTimer = setTimeout(() => void connect(), delay);
    };

    const connect = async () => {
      if (stopped || socket) return;
      let token: string | null;
      try {
        token = await freshAccessToken();
      } catch {
        scheduleReconnect();
        return;
      }
      if (!token || stopped) return;
      lastToken = token;
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const ws = new WebSocket(`${scheme}://${location.host}/v1/realtime?token=${encodeURIComponent(token)}`);
      socket = ws;
      ws.onmessage = (event) => {
        let message: RealtimeMessage;
        try {
          message = JSON.parse(String(event.data)) as RealtimeMessage;
        } catch {
          return;
        }
        if (message.type === 'ready') {
          attempt = 0;
          if (connectedOnce) void queryClient.invalidateQueries();
          connectedOnce = true;
          return;
        }
        if (message.id) {
          if (seen.includes(message.id)) return;
          seen.push(message.id);
          if (seen.length > 200) seen.shift();
        }
        const userId = getSession()?.user.id;
        if (userId) applyRealtimeMessage(queryClient, message, userId);
      };
      ws.onclose = (event) => {
        if (socket === ws) socket = undefined;
        if (stopped) return;
        if (event.code === closeUnauthenticated) {
          refreshSession().then(
            () => scheduleReconnect(),
            () => scheduleReconnect(),
          );
          return;
        }
        scheduleReconnect();
      };
    };

    // A refreshed token extends the open socket; signing out closes it.
    const unsubscribe = subscribeSession(() => {
      const session = getSession();
      if (!session) {
        stopped = true;
        socket?.close(1000, 'signed out');
        return;
      }
      if (socket?.readyState === WebSocket.OPEN && session.accessToken !== lastToken) {
        lastToken = session.accessToken;
        socket.send(JSON.stringify({ type: 'auth', token: session.accessToken }));
      }
    });

    void connect();
    return () => {
      stopped = true;
      unsubscribe();
      clearTimeout(retryTimer);
      socket?.close(1000, 'bye');
    };
  }, [queryClient]);
}

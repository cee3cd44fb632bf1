/**
 * The preset dictionary the SQLite store compresses item JSON with (format 1 of
 * `sqlite-codec.ts`): the attribute names and constant values Sluice's items repeat, most frequent
 * last, as deflate prefers. Taken once from the items `npm run bench:writes`'s workloads write
 * (transfers, card payments, checkouts, coin awards): tokens seen in at least five items, ranked
 * by frequency times length (2.3 KB). With it a ~1 KB item stores in ~37% of its JSON,
 * against ~57% without.
 *
 * NEVER CHANGE IT: every row written with format 1 needs these exact bytes to be read. A better
 * dictionary is a new constant and a new format byte, next to this one.
 */
export const dictionaryV1 =
  '"before":"before_ms":"written_at":"outbox_checkpoint","oldest_pending_ms":"account_shard","debit' +
  's_posted":"debits_pending":"credits_posted":"credits_pending":"from":"note":"text":"paid","queue' +
  '":"award","state":"email","author":"placed":"placed"}"post_id":,"body":{""sent_at":"to_user":"to' +
  '_name":"to":"lock_id":"channel":"to_email":"added_at":"notified":"reserved"}"captured"}"user_nam' +
  'e":"day":"daily_cap":"from_name":"post.liked","message_id":"visible_at":"from_email":,"to_user":' +
  '{""authorized"}"order.paid","occurred_at":"COIN","reward_like","rule":"transfer_id":"void"]"in_p' +
  'rogress","reservation":"coins.earned","earned_today":,"from_user":{""locked_until":"compensating' +
  '":"queue_message","receive_count":"sluice.wallet","email":"shop_merchant":"order.created","owner' +
  '":"rewards-awards","posted","refund","price_when_added":"shipping_address":"capture","hold_id":"' +
  'success","dispute"]"reservation_until":"idempotency_record","none","captured","acct_sys_rewards_' +
  'COIN","wallet.transfer.created","authorized","step":"pending","sluice.rewards","commerce_order",' +
  '"like","US"}"succeeded","sandbox_outcome":"payment.captured","timeout_at":"pending_id":"pay_"dis' +
  'pute":"ord_"payment.authorized","card":"visa","acct_shop_sales_USD","post_pending","tr_"acct_"br' +
  'and":"prod_"order","city":"pending_status":"settlement":"capturable":"review":"credit_shard":"co' +
  'de":"lines":"total":"name":"card_payment","payment","wallet","order.updated","evt_"exp_year":"co' +
  'mmerce","display_status":"debit_shard":,"metadata":{""country":"sluice.payments","exp_month":"me' +
  'r_"requires_capture","user":"processing","payment_id":"refundable_amount":"available_actions":"d' +
  'escription":"canceled_at":"transfer","quantity":"failure_code":"type":"time":"unit_price":"line_' +
  'total":"fingerprint":"postal_code":"metadata":"usr_"capture_before":"dispute_status":"failure_re' +
  'ason":"event","event":"product_id":"object":"amount_captured":"amount_refunded":"failure_message' +
  '":"acct_sys_card_network_USD","entity":"payment_method":"payment_status":"amount_capturable":"id' +
  '":"status":"needs_attention":"USD",,"data":{""cancellation_reason":,"shipping_address":{""subjec' +
  't":"audience":"source":"debit_account_id":"amount":"merchant":"kind":"credit_account_id":"update' +
  'd_at":"decline_code":"expires_at":"currency":"created_at":';

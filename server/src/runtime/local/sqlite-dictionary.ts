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

/**
 * The dictionary of format 2: format 1's, then templates of the items written most (a wallet
 * transfer's, a card payment's and their events, an idempotency record): one item of each as
 * `npm run bench:disk` wrote it on 2026-12-05, with its values emptied (ids down to their prefix;
 * names, emails, times, amounts and fingerprints removed), in the order the attributes are
 * written. Whole templates let deflate copy long runs of attribute names and constants: a
 * payment's event stores in ~55% of its format-1 size, a wallet transfer's event in ~80%.
 * Needs an 8 KB window (5.7 KB of dictionary).
 *
 * NEVER CHANGE IT either: a better one is format 3.
 */
export const dictionaryV2 =
  dictionaryV1 +
  '{"kind":"event","event":{"id":"evt_","type":"wallet.balance.changed","source":"sluice.wallet","t' +
  'ime":"","subject":"usr_","data":{"reason":"signup_bonus","transfer":{"id":"tr_bonus_usr_","from"' +
  ':"system","to":"usr_","from_user":null,"to_user":null,"amount":,"currency":"USD","note":"Welcome' +
  ' to Sluice","status":"succeeded","created_at":""}},"audience":["usr_"]}}{"entity":"payment","id"' +
  ':"pay_","object":"payment","merchant":"mer_","owner":"usr_","status":"succeeded","amount":,"amou' +
  'nt_capturable":,"amount_captured":,"amount_refunded":0,"currency":"USD","card":{"brand":"visa","' +
  'last4":"4242","exp_month":12,"exp_year":2029,"fingerprint":""},"capture_before":"","review":fals' +
  'e,"description":null,"metadata":{},"failure_code":null,"decline_code":null,"failure_message":nul' +
  'l,"canceled_at":null,"cancellation_reason":null,"created_at":"","updated_at":"","hold_id":"tr_",' +
  '"sandbox_outcome":"success","dispute_status":null}{"kind":"event","event":{"id":"evt_","type":"p' +
  'ayment.authorized","source":"sluice.payments","time":"","subject":"pay_","data":{"object":{"id":' +
  '"pay_","object":"payment","merchant":"mer_","status":"requires_capture","amount":,"amount_captur' +
  'able":,"amount_captured":,"amount_refunded":0,"currency":"USD","card":{"brand":"visa","last4":"4' +
  '242","exp_month":12,"exp_year":2029,"fingerprint":""},"capture_before":"","review":false,"descri' +
  'ption":null,"metadata":{},"failure_code":null,"decline_code":null,"failure_message":null,"cancel' +
  'ed_at":null,"cancellation_reason":null,"settlement":null,"dispute":null,"dispute_status":null,"d' +
  'isplay_status":"requires_capture","capturable":true,"refundable_amount":,"available_actions":["c' +
  'apture","void"],"created_at":"","updated_at":""}},"audience":["usr_"],"merchant":"mer_"}}{"kind"' +
  ':"event","event":{"id":"evt_","type":"payment.captured","source":"sluice.payments","time":"","su' +
  'bject":"pay_","data":{"object":{"id":"pay_","object":"payment","merchant":"mer_","status":"succe' +
  'eded","amount":,"amount_capturable":,"amount_captured":,"amount_refunded":0,"currency":"USD","ca' +
  'rd":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2029,"fingerprint":""},"capture_bef' +
  'ore":"","review":false,"description":null,"metadata":{},"failure_code":null,"decline_code":null,' +
  '"failure_message":null,"canceled_at":null,"cancellation_reason":null,"settlement":null,"dispute"' +
  ':null,"dispute_status":null,"display_status":"succeeded","capturable":false,"refundable_amount":' +
  ',"available_actions":["refund","dispute"],"created_at":"","updated_at":""}},"audience":["usr_"],' +
  '"merchant":"mer_"}}{"entity":"transfer","metadata":{},"created_at":"","kind":"post_pending","amo' +
  'unt":,"currency":"USD","code":"card_payment","pending_id":"tr_","debit_shard":46}{"entity":"tran' +
  'sfer","metadata":{"from_user":"usr_","to_user":"usr_","from_name":"","from_email":"@","to_name":' +
  '"","to_email":"@"},"created_at":"","kind":"posted","amount":,"currency":"USD","code":"p2p"}{"kin' +
  'd":"event","event":{"id":"evt_","type":"wallet.transfer.created","source":"sluice.wallet","time"' +
  ':"","subject":"usr_","data":{"transfer":{"id":"tr_","from":"usr_","to":"usr_","from_user":{"id":' +
  '"usr_","name":"","email":"@"},"to_user":{"id":"usr_","name":"","email":"@"},"amount":,"currency"' +
  ':"USD","note":null,"status":"succeeded","created_at":""}},"audience":["usr_","usr_"]}}{"fingerpr' +
  'int":"","state":"complete","response_status":201,"response_ref":{"event":"evt_","field":"transfe' +
  'r"}}';

/**
 * The dictionary of format 3, for the ledger's transfer items only: templates of the transfers
 * Sluice writes most (settlement and refund, a card hold's void, a wallet transfer, a card hold
 * and its post, most frequent last), values emptied as in format 2. Transfers are small (a post is
 * ~210 bytes of JSON) and a deflate call spends most of its time taking in its dictionary: this
 * one is 1.3 KB, a fifth of format 2's, so a transfer compresses in ~7 µs instead of ~20 µs, to
 * about a third of its JSON.
 *
 * NEVER CHANGE IT either: a better one is format 4.
 */
export const dictionaryV3 =
  '{"entity":"transfer","metadata":{"settlement":"stl_","merchant":"mer_"},"created_at":"","kind":"p' +
  'osted","amount":,"currency":"EUR","code":"settlement_fee","linked_id":"tr_","credit_shard":}{"ent' +
  'ity":"transfer","metadata":{"dispute":"dp_","payment":"pay_","merchant":"mer_"},"created_at":"",' +
  '"kind":"posted","amount":,"currency":"USD","code":"dispute_fee"}{"entity":"transfer","metadata":' +
  '{"payment":"pay_","refund":"re_","merchant":"mer_"},"created_at":"","kind":"posted","amount":,"cu' +
  'rrency":"USD","code":"card_refund"}{"entity":"transfer","metadata":{"payment":"pay_","reason":"ex' +
  'pired"},"created_at":"","kind":"void_pending","amount":,"currency":"USD","code":"card_payment","p' +
  'ending_id":"tr_","debit_shard":}{"entity":"transfer","metadata":{"from_user":"usr_","to_user":"u' +
  'sr_","from_name":"","from_email":"@","to_name":"","to_email":"@"},"created_at":"","kind":"posted' +
  '","amount":,"currency":"USD","code":"p2p"}{"entity":"transfer","metadata":{"payment":"pay_","mer' +
  'chant":"mer_"},"created_at":"","kind":"pending","amount":,"currency":"USD","code":"card_payment"' +
  ',"pending_status":"pending","timeout_at":0,"debit_shard":,"resolved_by":"tr_"}{"entity":"transfe' +
  'r","metadata":{},"created_at":"","kind":"post_pending","amount":,"currency":"USD","code":"card_p' +
  'ayment","pending_id":"tr_","debit_shard":}';

/**
 * The index keys an item has carried in its JSON since each index became a table of its own
 * (2026-12-06): how the ledger's transfers (a wallet's, a card payment's), a merchant's payments
 * and an event name their index partitions and sort keys, emptied of their ids. Formats 4 and 5
 * put them after dictionaries 3 and 2, and after them the row's own table key (see
 * `sqlite-codec.ts`).
 *
 * NEVER CHANGE IT either: a better one is a new format.
 */
export const indexKeyTemplates =
  '{"gsi1pk":"OUTBOX##","gsi1sk":"evt_","gsi2pk":"MER#mer_#EVENTS#S#","gsi2sk":"evt_","kind":"eve' +
  'nt","event":{"id":"evt_"}"gsi1pk":"MER#PAYS#mer_#","gsi1sk":"pay_","gsi2pk":"MER#UNSETTLED#mer_' +
  '#","gsi2sk":"#pay_""gsi2pk":"ACC#acct_w_usr__USD","gsi2sk":"T","gsi3pk":"ACC#acct_w_usr__USD","' +
  'gsi3sk":"T"}"gsi2pk":"ACC#acct_sys_card_network_USD#S#","gsi2sk":"T","gsi3pk":"ACC#acct_m_mer__' +
  'pending_USD","gsi3sk":"T"';

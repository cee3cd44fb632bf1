// Types of every path and schema of the Sluice API.
// GENERATED from the API's OpenAPI document by `npm run generate:api` (web/scripts/generate-api-types.ts).
// Do not edit: change the server's schemas and run the command again.

export interface paths {
    "/v1/auth/signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account */
        post: operations["postAuthSignup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with email and password
         * @description A user with two-factor sign-in on gets `{mfa_required: true, mfa_token}` instead of tokens: finish with `POST /v1/auth/login/mfa`.
         */
        post: operations["postAuthLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a refresh token for new tokens
         * @description Refresh tokens are single use. Presenting one a second time revokes its whole session.
         */
        post: operations["postAuthRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a session
         * @description Revokes every refresh token of the session. An unknown token is ignored (RFC 7009). Send the access token too (Authorization: Bearer) so it stops working at once everywhere; the local issuer ends it either way.
         */
        post: operations["postAuthLogout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public keys that sign access tokens */
        get: operations["getWellKnownJwksJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mail a password reset code
         * @description Answers 204 whether or not the email has an account. The code works once, for 15 minutes.
         */
        post: operations["postAuthPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with the mailed code
         * @description Ends every session of the account. A code allows 5 attempts; then ask for a new one.
         */
        post: operations["postAuthPasswordResetConfirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Finish a sign-in with an authenticator or recovery code */
        post: operations["postAuthLoginMfa"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/verify-email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Verify the email with the mailed code */
        post: operations["postAuthVerifyEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/verify-email/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mail a new verification code */
        post: operations["postAuthVerifyEmailResend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the password (ends every other session) */
        post: operations["postMePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/mfa/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start authenticator (TOTP) enrolment
         * @description Nothing changes at sign-in until a first code confirms it (`/v1/me/mfa/totp/confirm`).
         */
        post: operations["postMeMfaTotp"];
        /** Turn two-factor sign-in off, with a current or recovery code */
        delete: operations["deleteMeMfaTotp"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/mfa/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn two-factor sign-in on with a first code */
        post: operations["postMeMfaTotpConfirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your open sessions, newest first */
        get: operations["getMeSessions"];
        put?: never;
        post?: never;
        /** End every session, this one included */
        delete: operations["deleteMeSessions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** End one session: its refresh token stops working */
        delete: operations["deleteMeSessionsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everyone who has signed up, newest first */
        get: operations["getAdminUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ledger invariants per currency, checked now */
        get: operations["getAdminAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/ledger/accounts/{id}/shards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Spread an account's totals over more items
         * @description For an account that takes more transfers a second than one DynamoDB item allows: its totals are kept in `shards` items, read and audited as a sum. The count only grows; a smaller one leaves it as it is. Sides guarded by an overdraft flag stay on the account item.
         */
        post: operations["postAdminLedgerAccountsByIdShards"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/wallet": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your balances */
        get: operations["getWallet"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transfers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your transfers, newest first */
        get: operations["getTransfers"];
        put?: never;
        /** Send money to another user */
        post: operations["postTransfers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transfers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One transfer (its two parties only) */
        get: operations["getTransfersById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Incoming or outgoing payment requests */
        get: operations["getPaymentRequests"];
        put?: never;
        /** Request money from another user */
        post: operations["postPaymentRequests"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One payment request */
        get: operations["getPaymentRequestsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-requests/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pay a pending request (exactly once) */
        post: operations["postPaymentRequestsByIdAccept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-requests/{id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decline a request (payer) */
        post: operations["postPaymentRequestsByIdDecline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-requests/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel your request (requester) */
        post: operations["postPaymentRequestsByIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your ledger entries, newest first */
        get: operations["getActivity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/wallet/recipient-check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Who a transfer would reach, before you confirm it
         * @description Answers the name behind an email (or user id), so the sender can confirm the right person before any money moves. It moves nothing. Limited to 20 checks per 10 minutes per user, so it cannot be used to test a list of emails; a refusal is a 429 with `Retry-After`.
         */
        post: operations["postWalletRecipientCheck"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/merchants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your merchants and the teams you joined, oldest first */
        get: operations["getMerchants"];
        put?: never;
        /** Create a sandbox merchant you own */
        post: operations["postMerchants"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/merchants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your merchants */
        get: operations["getMerchantsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/merchants/{id}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The merchant's API keys (no secrets) */
        get: operations["getMerchantsByIdApiKeys"];
        put?: never;
        /**
         * Create an API key (the secret is shown only here)
         * @description The secret is returned once and stored hashed.
         *
         *     A replay of the same Idempotency-Key answers the same status and body with `secret: null` and the header `Idempotent-Redacted: secret`: the secret is never stored, so it is shown once.
         */
        post: operations["postMerchantsByIdApiKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/merchants/{id}/api-keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key, at once */
        delete: operations["deleteMerchantsByIdApiKeysByKeyId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your payments, newest first */
        get: operations["getPayments"];
        put?: never;
        /** Charge a card (authorize, and capture unless capture=false) */
        post: operations["postPayments"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One payment */
        get: operations["getPaymentsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payments/{id}/capture": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Capture an authorization (once; the rest is released) */
        post: operations["postPaymentsByIdCapture"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payments/{id}/void": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Void an authorization, releasing the hold */
        post: operations["postPaymentsByIdVoid"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Refund part or all of a captured payment */
        post: operations["postRefunds"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/refunds/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One refund */
        get: operations["getRefundsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/balance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your balance per currency */
        get: operations["getBalance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/test-helpers/advance-clock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move your sandbox clock forward, firing what falls due */
        post: operations["postTestHelpersAdvanceClock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/settlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your settlements, newest first */
        get: operations["getSettlements"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/settlements/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One settlement, with its payments */
        get: operations["getSettlementsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your disputes, newest first */
        get: operations["getDisputes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dispute */
        get: operations["getDisputesById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/evidence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Answer a dispute with evidence, before evidence_due_by */
        post: operations["postDisputesByIdEvidence"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept a dispute: it is lost at once */
        post: operations["postDisputesByIdAccept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/test-helpers/disputes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Open a dispute on one of your succeeded payments */
        post: operations["postTestHelpersDisputes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/balance/transactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every change of your available balance, newest first */
        get: operations["getBalanceTransactions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/merchants/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The merchant's team (any member) */
        get: operations["getMerchantsByIdMembers"];
        put?: never;
        /**
         * Invite a person to the team by email, with a role (owners and admins)
         * @description Roles: `owner` and `admin` (everything, including refunds, payouts, approval policies and the team; only an owner grants `owner`), `developer` (reads and API changes), `approver` (reads, and approves or rejects approval requests), `viewer` (reads). The invitee is mailed and joins when they first act for the merchant, signed in with that email verified. An API key acts with owner-like rights, except approving.
         */
        post: operations["postMerchantsByIdMembers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/merchants/{id}/members/{member_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member (never the last owner) */
        delete: operations["deleteMerchantsByIdMembersByMemberId"];
        options?: never;
        head?: never;
        /** Change a member's role (never the last owner's) */
        patch: operations["patchMerchantsByIdMembersByMemberId"];
        trace?: never;
    };
    "/v1/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your webhook endpoints */
        get: operations["getWebhookEndpoints"];
        put?: never;
        /**
         * Register a webhook endpoint (its secret is shown only here)
         * @description A replay of the same Idempotency-Key answers the same status and body with `secret: null` and the header `Idempotent-Redacted: secret`: idempotency records never hold a secret.
         */
        post: operations["postWebhookEndpoints"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook endpoint */
        get: operations["getWebhookEndpointsById"];
        put?: never;
        post?: never;
        /** Delete a webhook endpoint */
        delete: operations["deleteWebhookEndpointsById"];
        options?: never;
        head?: never;
        /** Change the URL, events, description or status */
        patch: operations["patchWebhookEndpointsById"];
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new signing secret; the previous one keeps signing until expires_in_seconds (both signatures are sent)
         * @description A replay of the same Idempotency-Key answers the same status and body with `secret: null` and the header `Idempotent-Redacted: secret`: idempotency records never hold a secret.
         */
        post: operations["postWebhookEndpointsByIdRotateSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a test.webhook event to this endpoint only */
        post: operations["postWebhookEndpointsByIdTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deliveries to this endpoint; status=dead lists the dead letters */
        get: operations["getWebhookEndpointsByIdDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your events, newest first
         * @description With `type`, each call reads through at most 1,000 of your events: a page can hold fewer than `limit` (even none) with `has_more: true`. Follow `next_cursor` until `has_more` is false. The `created[…]` bounds combine, and pages keep them: pass them again with `starting_after`.
         */
        get: operations["getEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One event */
        get: operations["getEventsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deliveries of one event, each with its attempt log */
        get: operations["getEventsByIdDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send an event again, to one endpoint or to all subscribed */
        post: operations["postEventsByIdRedeliver"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The feed, newest first */
        get: operations["getPosts"];
        put?: never;
        /** Post to the feed (earns 10 coins, once per distinct post) */
        post: operations["postPosts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Get a presigned URL to upload a post image (PNG, JPEG, GIF or WebP, up to 5 MB) */
        post: operations["postPostsImages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One post */
        get: operations["getPostsById"];
        put?: never;
        post?: never;
        /** Delete a post (its author, or an admin) */
        delete: operations["deletePostsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}/like": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Like a post, once (its author earns 2 coins, unless it's yours) */
        post: operations["postPostsByIdLike"];
        /** Take your like back (liking again pays nothing more) */
        delete: operations["deletePostsByIdLike"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}/comments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Comments on a post, oldest first */
        get: operations["getPostsByIdComments"];
        put?: never;
        /** Comment on a post (5 coins, on someone else's post) */
        post: operations["postPostsByIdComments"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/coins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your coins: balance, and earned today toward the daily cap */
        get: operations["getCoins"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/coins/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your coin entries, newest first */
        get: operations["getCoinsHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rewards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The rewards catalogue (admins also see withdrawn rewards) */
        get: operations["getRewards"];
        put?: never;
        /** Add a reward to the catalogue (admin) */
        post: operations["postRewards"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rewards/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One reward */
        get: operations["getRewardsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a reward: name, description, price, stock, on offer or not (admin) */
        patch: operations["patchRewardsById"];
        trace?: never;
    };
    "/v1/rewards/{id}/redeem": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Redeem a reward for its price in coins (402: too few coins; 409: out of stock) */
        post: operations["postRewardsByIdRedeem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/redemptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your redemptions, newest first */
        get: operations["getRedemptions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The scheduled jobs, with their last and next runs */
        get: operations["getAdminJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/jobs/{name}/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a job now (a second run for the same period does its work once) */
        post: operations["postAdminJobsByNameRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/rewards/dead-awards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Coin awards that kept failing, oldest first */
        get: operations["getAdminRewardsDeadAwards"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/rewards/dead-awards/{id}/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a dead award back to the award queue (it still pays at most once) */
        post: operations["postAdminRewardsDeadAwardsByIdRedrive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The catalog, oldest first; by category and search words */
        get: operations["getProducts"];
        put?: never;
        /** Add a product (admin) */
        post: operations["postProducts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One product */
        get: operations["getProductsById"];
        put?: never;
        post?: never;
        /** Take a product off the catalog (admin) */
        delete: operations["deleteProductsById"];
        options?: never;
        head?: never;
        /** Change a product (admin) */
        patch: operations["patchProductsById"];
        trace?: never;
    };
    "/v1/products/{id}/image-upload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A presigned upload for the product's image (admin) */
        post: operations["postProductsByIdImageUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your cart at current prices */
        get: operations["getCart"];
        put?: never;
        post?: never;
        /** Empty your cart */
        delete: operations["deleteCart"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cart/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a product to your cart */
        post: operations["postCartItems"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cart/items/{product_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a line from your cart */
        delete: operations["deleteCartItemsByProductId"];
        options?: never;
        head?: never;
        /** Set a line's quantity (and accept its current price) */
        patch: operations["patchCartItemsByProductId"];
        trace?: never;
    };
    "/v1/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check out your cart: 202 with the order processing; progress arrives as order events */
        post: operations["postCheckout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your orders, newest first */
        get: operations["getOrders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your orders */
        get: operations["getOrdersById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everyone's orders, newest first (admin) */
        get: operations["getAdminOrders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/orders/{id}/ship": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark an order shipped (admin) */
        post: operations["postAdminOrdersByIdShip"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/orders/{id}/deliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark an order delivered (admin) */
        post: operations["postAdminOrdersByIdDeliver"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a paid order: refunds it and restocks (admin) */
        post: operations["postAdminOrdersByIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/orders/{id}/refund": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Refund a shipped or delivered order (admin) */
        post: operations["postAdminOrdersByIdRefund"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/commerce/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Checkout compensations that kept failing (admin) */
        get: operations["getAdminCommerceDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/migrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stored-data migrations: those the code knows, those applied to this store, those pending */
        get: operations["getAdminMigrations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/backups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The last backup of the local database and the backup schedule (both null on AWS, where AWS Backup keeps them) */
        get: operations["getAdminBackups"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every queue of every module, with its first dead-lettered messages */
        get: operations["getAdminDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/{queue}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One queue's dead letters, oldest first (on SQS, a sample without a cursor) */
        get: operations["getAdminDeadLettersByQueue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/{queue}/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dead-lettered message */
        get: operations["getAdminDeadLettersByQueueById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/{queue}/{id}/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sends one dead letter back to its queue, with a fresh receive count */
        post: operations["postAdminDeadLettersByQueueByIdRedrive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/{queue}/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sends a queue's dead letters back to it (up to 1,000 a call; call again for more) */
        post: operations["postAdminDeadLettersByQueueRedrive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connectors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your connectors, with their circuit breakers and injected faults */
        get: operations["getConnectors"];
        put?: never;
        /** Connect a payment provider (credentials are sealed and never returned) */
        post: operations["postConnectors"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connectors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One connector */
        get: operations["getConnectorsById"];
        put?: never;
        post?: never;
        /**
         * Remove a connector (routing skips its provider from then on)
         * @description From then on the connector is 404 to you (a second DELETE too), listed and routed to nowhere, and its provider is free for a new connector. It is kept, its credentials sealed, for 30 days, so that the recovery job can still undo an attempt a crash cut off before the delete; then it is erased. An attempt the job reaches only after that ends `interrupted`: look for its id at the provider.
         */
        delete: operations["deleteConnectorsById"];
        options?: never;
        head?: never;
        /** Rename, disable or re-key a connector */
        patch: operations["patchConnectorsById"];
        trace?: never;
    };
    "/v1/routing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your routing rules */
        get: operations["getRouting"];
        /** Replace your routing rules: the first rule that matches a payment picks its ordered providers */
        put: operations["putRouting"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-intents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your payment intents, newest first */
        get: operations["getPaymentIntents"];
        put?: never;
        /**
         * Pay through your routing: fails over on technical failures, never after a decline
         * @description 402 `card_declined` when the provider declines; 503 `providers_unavailable` when every provider routed to failed technically. Both name the stored `payment_intent`, whose attempts tell what happened. A call that timed out is asked about by its key and undone at its provider before the next provider is tried; when the provider cannot be asked then, the attempt reads `unreconciled` until a job (every minute, from five minutes after the call) can, and `payment_intent.attempt_reconciled` tells what it found.
         */
        post: operations["postPaymentIntents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-intents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One payment intent with every attempt */
        get: operations["getPaymentIntentsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-intents/{id}/capture": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Capture an authorized intent at the provider that took it */
        post: operations["postPaymentIntentsByIdCapture"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-intents/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Void an authorized intent at the provider that took it, or withdraw one its payer has not answered */
        post: operations["postPaymentIntentsByIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-intents/{id}/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refund through the provider that took the payment
         * @description Refunds `amount` (by default what is left) at the provider that took the payment, once: the call carries a key fixed by the refund's place towards the provider. 409 `conflict` when a concurrent refund changed the intent first (retry); 409 `refund_in_progress` when the intent's next refund was begun for another amount (the error's `amount`), by a concurrent call or one cut off before its answer was stored: a refund of that amount completes it. 503 `provider_unavailable`: the provider did not answer; a retry is safe.
         */
        post: operations["postPaymentIntentsByIdRefunds"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/test-helpers/connectors/{id}/faults": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make a connector time out, fail or decline, at a rate or for N calls (sandbox) */
        post: operations["postTestHelpersConnectorsByIdFaults"];
        /** Clear a connector's injected fault */
        delete: operations["deleteTestHelpersConnectorsByIdFaults"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payer/payment-intents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A wallet payment asked of you */
        get: operations["getPayerPaymentIntentsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payer/payment-intents/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve a wallet payment asked of you: the amount is held on (or paid from) your wallet */
        post: operations["postPayerPaymentIntentsByIdApprove"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payer/payment-intents/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Refuse a wallet payment asked of you */
        post: operations["postPayerPaymentIntentsByIdReject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ach/files/{day}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your NACHA file of one business day (debits and refund credits) */
        get: operations["getAchFilesByDay"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/test-helpers/ach/returns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver a NACHA return file (R01, R02, R03 …): each returned entry reverses its debit (sandbox) */
        post: operations["postTestHelpersAchReturns"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/test-helpers/ach/settle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Settle the ACH debits due by your sandbox clock (T+2 business days) now */
        post: operations["postTestHelpersAchSettle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/hub/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A provider's webhook for one connector (Stripe-Signature or PayPal's transmission headers verified) */
        post: operations["postHubWebhooksById"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your vendors with their balances, newest first */
        get: operations["getVendors"];
        put?: never;
        /** Connect a vendor: an account with its own balance that payments can be split to */
        post: operations["postVendors"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One vendor with its pending and available balance */
        get: operations["getVendorsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendors/{id}/splits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The split payments a vendor has a share of, newest first, with what refunds took back */
        get: operations["getVendorsByIdSplits"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendors/{id}/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A vendor's payouts, newest first */
        get: operations["getVendorsByIdPayouts"];
        put?: never;
        /**
         * Pay out of a vendor's available balance, to a wallet or a bank account (ACH credit)
         * @description Owners and admins. Under your `payout` approval policy (an amount above its threshold) the answer is 202 with the approval request, and the payout is made once when the last approval lands. 402 `insufficient_funds` (param `amount`) when the available balance cannot cover it: a balance is never paid out twice, however many payouts race for it.
         */
        post: operations["postVendorsByIdPayouts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payment-intents/{id}/splits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where a payment intent's vendor shares stand: transferred, reversed by refunds, settled */
        get: operations["getPaymentIntentsByIdSplits"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/test-helpers/vendors/settle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Settle your vendors' shares due by your sandbox clock now (the hourly job does it too) */
        post: operations["postTestHelpersVendorsSettle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approval-policies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your approval policies */
        get: operations["getApprovalPolicies"];
        /**
         * Put an action (payout, refund, connector_change) above a threshold under N approvals
         * @description Actions under a policy answer 202 with an approval request instead of acting. Requests expire after 72 hours without a decision. Owners and admins only.
         */
        put: operations["putApprovalPolicies"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approval-policies/{action}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End the approval policy of an action
         * @description The action no longer waits for approval; requests already made under the policy stay, to be decided or to expire. Owners and admins only.
         */
        delete: operations["deleteApprovalPoliciesByAction"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Approval requests, newest first (the inbox) */
        get: operations["getApprovals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approvals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One approval request with its audit trail */
        get: operations["getApprovalsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approvals/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve a pending request (approvers only, never its requester); the last approval needed executes the action, once */
        post: operations["postApprovalsByIdApprove"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approvals/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject a pending request (approvers only, never its requester): it ends */
        post: operations["postApprovalsByIdReject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your payouts, newest first */
        get: operations["getPayouts"];
        put?: never;
        /**
         * Pay out from your available balance to the owner's wallet or bank (ACH credit)
         * @description Owners and admins. Under a `payout` approval policy (amount above its threshold) the answer is 202 with the approval request; the payout is made when the last approval lands. Above the available balance: 402 `insufficient_funds`, nothing written. To `ach` (US dollars, with your `ach` connector): a CCD credit to `bank_account` in your NACHA file of the business day (`GET /v1/ach/files/{day}`), `in_transit` until it settles two business days later (`paid`, `payout.paid`), or `returned` with the bank's return code and the amount back in your balance (`payout.returned`).
         */
        post: operations["postPayouts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payouts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One payout */
        get: operations["getPayoutsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your plans, newest first */
        get: operations["getPlans"];
        put?: never;
        /** Create a plan: a price per interval (day, week, month or year), with an optional trial */
        post: operations["postPlans"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/plans/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One plan */
        get: operations["getPlansById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your customers, newest first */
        get: operations["getCustomers"];
        put?: never;
        /** Create a customer to subscribe */
        post: operations["postCustomers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One customer, with its credit balance */
        get: operations["getCustomersById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{id}/payment-methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A customer's saved payment methods */
        get: operations["getCustomersByIdPaymentMethods"];
        put?: never;
        /** Save a payment method: a card (kept as its brand, last four and sandbox behaviour, never its number), a wallet, or an ACH debit mandate */
        post: operations["postCustomersByIdPaymentMethods"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/customers/{id}/payment-methods/{method}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Sandbox: change how a saved card answers charges from now on (e.g. `insufficient_funds`, then `success`) */
        patch: operations["patchCustomersByIdPaymentMethodsByMethod"];
        trace?: never;
    };
    "/v1/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your subscriptions, newest first */
        get: operations["getSubscriptions"];
        put?: never;
        /**
         * Subscribe a customer to a plan: the first invoice is charged now through your routing (or after the trial)
         * @description A declined first charge still creates the subscription: it is `past_due` and retried on the published schedule (after 1, 3, 5 and 7 days).
         */
        post: operations["postSubscriptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One subscription, with its status history */
        get: operations["getSubscriptionsById"];
        put?: never;
        /**
         * Change plan (prorated to the second), payment method or what happens after the last retry
         * @description A plan change while the current period is not paid up (the subscription `past_due` or `unpaid`, or its latest invoice still open while its charge is pending) is refused 409 `invalid_state_transition` with `param: plan`, naming the open invoice, and nothing is changed: pay the invoice (`POST /v1/invoices/{id}/pay`), then change the plan, or cancel instead. A change of payment method alone goes through.
         */
        post: operations["postSubscriptionsById"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel now (unused time credited to the customer) or at the period end */
        post: operations["postSubscriptionsByIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A subscription's invoices, oldest first, with every payment attempt */
        get: operations["getSubscriptionsByIdInvoices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your invoices, newest first */
        get: operations["getInvoices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invoices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One invoice */
        get: operations["getInvoicesById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invoices/{id}/pay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Charge an open invoice now with its subscription’s payment method
         * @description A wallet ask of this invoice that the payer has not answered is withdrawn first (its payment intent `canceled`, its attempt `failed` with `error_code: canceled`), so the customer is asked once. While a charge of it is under way (an ACH debit `processing`, or an outcome not yet recorded), the pay is refused 409 `invalid_state_transition` naming the `payment_intent` and its `status`, and nothing is charged: its outcome settles the invoice.
         */
        post: operations["postInvoicesByIdPay"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invoices/{id}/pdf": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The invoice as a PDF: a download URL valid for five minutes */
        get: operations["getInvoicesByIdPdf"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The published retry schedule and what happens after the last retry */
        get: operations["getBillingSettings"];
        /** Choose what new subscriptions do after the last retry: cancel, or go unpaid */
        put: operations["putBillingSettings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/test-helpers/billing/advance-clock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move your sandbox clock ahead, running every renewal and retry that falls due, each at its own time
         * @description As `POST /v1/test-helpers/advance-clock` (expiries, settlement and disputes fire too), stepping through each billing action due on the way: a year runs twelve monthly cycles. Answers 202 at once with the test clock `advancing` (and emits `test_clock.advancing`); the cycles run in the background in bounded batches, and the clock turns `ready` (`test_clock.ready`): poll `GET /v1/test-helpers/billing/clock`. 409 while an advance is still under way.
         */
        post: operations["postTestHelpersBillingAdvanceClock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/test-helpers/billing/clock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your test clock: advancing (with how far it got) or ready */
        get: operations["getTestHelpersBillingClock"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and store reachability */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The last minute of API traffic: per second and per route (by template, `GET /v1/payments/{id}`), with p50/p95/p99 latency and 4xx/5xx rates, of this merchant's requests only
         * @description Authenticated as the merchant: an API key, or the owner's access token with `Sluice-Merchant`. Counts the requests made as this merchant, never another's.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The last minute of API traffic: per second and per route (by template, `GET /v1/payments/{id}`), with p50/p95/p99 latency and 4xx/5xx rates, of the whole installation (admins only) */
        get: operations["getAdminMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AuthResponse: {
            user: components["schemas"]["AuthUser"];
            /** @description A JWT (ES256 from the local issuer, RS256 from Cognito on AWS); send it as `Authorization: Bearer <token>`. */
            access_token: string;
            /** @description Single use: each refresh returns a new one. */
            refresh_token: string;
            /**
             * @description Seconds until the access token expires.
             * @example 900
             */
            expires_in: number;
        };
        AuthUser: {
            /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @example ann@example.com */
            email: string;
            /** @example Ann Lee */
            name: string;
            /** @example [] */
            groups: string[];
        };
        Error: {
            error: {
                /** @example invalid_request_error */
                type: string;
                /** @example validation_failed */
                code: string;
                /** @example Amount must be a positive whole number. */
                message: string;
                /** @example amount */
                param?: string;
                /**
                 * @description A card decline (`card_declined`): why the issuer refused, as at Stripe.
                 * @example generic_decline
                 */
                decline_code?: string;
                /**
                 * @description A card decline: the failed payment, stored with `status: failed`.
                 * @example pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V
                 */
                payment_id?: string;
                /** @example req_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
                request_id?: string;
            };
        };
        SignUpRequest: {
            /**
             * Format: email
             * @example ann@example.com
             */
            email: string;
            /** @example correct horse battery staple */
            password: string;
            /** @example Ann Lee */
            name: string;
        };
        MfaChallenge: {
            /** @enum {boolean} */
            mfa_required: true;
            /** @description Send it with a code to `POST /v1/auth/login/mfa` within 5 minutes. */
            mfa_token: string;
        };
        LogInRequest: {
            /**
             * Format: email
             * @example ann@example.com
             */
            email: string;
            /** @example correct horse battery staple */
            password: string;
        };
        RefreshRequest: {
            /** @example rt_3q2-Bt1o… */
            refresh_token: string;
        };
        LogOutRequest: {
            /** @example rt_3q2-Bt1o… */
            refresh_token: string;
        };
        User: components["schemas"]["AuthUser"] & {
            /** @example 2026-01-01T00:00:00.000Z */
            created_at: string;
            /**
             * @description False until the code mailed at sign-up is entered: until then no money goes out.
             * @example true
             */
            email_verified: boolean;
            /**
             * @description Whether sign-in asks for an authenticator code.
             * @example false
             */
            mfa_enabled: boolean;
        };
        Jwks: {
            keys: components["schemas"]["Jwk"][];
        };
        Jwk: {
            kty: string;
            crv?: string;
            x?: string;
            y?: string;
            n?: string;
            e?: string;
            kid?: string;
            alg?: string;
            use?: string;
        };
        PasswordResetRequest: {
            /**
             * Format: email
             * @example ann@example.com
             */
            email: string;
        };
        PasswordResetConfirmRequest: {
            /**
             * Format: email
             * @example ann@example.com
             */
            email: string;
            /** @example 123456 */
            code: string;
            /** @example correct horse battery staple */
            new_password: string;
        };
        MfaLogInRequest: {
            mfa_token: string;
            /**
             * @description A code from the authenticator app, or an unused recovery code.
             * @example 123456
             */
            code: string;
        };
        VerifyEmailRequest: {
            /** @example 123456 */
            code: string;
        };
        ChangePasswordRequest: {
            /** @example correct horse battery staple */
            current_password: string;
            /** @example correct horse battery staple */
            new_password: string;
        };
        TotpEnrolment: {
            /**
             * @description Base32; shown this once.
             * @example JBSWY3DPEHPK3PXP
             */
            secret: string;
            /** @description The same secret as an `otpauth://` URI, for a QR code. */
            otpauth_url: string;
        };
        RecoveryCodes: {
            /** @description Each signs in once in place of an authenticator code. Shown this once; stored hashed. */
            recovery_codes: string[];
        };
        TotpCodeRequest: {
            /** @example 123456 */
            code: string;
        };
        SessionList: {
            data: components["schemas"]["Session"][];
        };
        Session: {
            /** @example ses_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @description The User-Agent it signed in with. */
            device: string | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            /** @example 2026-12-04T15:30:00.000Z */
            last_used_at: string;
            /** @description The session of the access token that asked. */
            current: boolean;
        };
        AuditReport: {
            balanced: boolean;
            currencies: {
                /** @example usd */
                currency: string;
                accounts: number;
                debits_posted: number;
                credits_posted: number;
                debits_pending: number;
                credits_pending: number;
                balanced: boolean;
                overdrawn_accounts: string[];
                system_accounts: {
                    id: string;
                    code: string;
                    debits_posted: number;
                    credits_posted: number;
                }[];
            }[];
            checked_at: string;
        };
        Balance: {
            /** @example usd */
            currency: string;
            /** @example 8280 */
            available: number;
            /** @example 2500 */
            pending: number;
            posted: number;
        };
        WalletTransfer: {
            /** @example tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @description The sender's user id (`system` for the sign-up bonus). */
            from: string;
            /** @description The recipient's user id. */
            to: string;
            from_user: components["schemas"]["WalletParty"];
            to_user: components["schemas"]["WalletParty"] & unknown;
            /** @example 2500 */
            amount: number;
            /** @example usd */
            currency: string;
            note: string | null;
            /** @enum {string} */
            status: "succeeded";
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        /** @description The user behind `from`; null for Sluice itself (the sign-up bonus) or a user who no longer exists. */
        WalletParty: {
            /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @example Bob Lee */
            name: string;
            /** @example bob@example.com */
            email: string;
        } | null;
        SendMoney: {
            /** @example bob@example.com */
            to: string;
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 1250
             */
            amount: number;
            /** @example USD */
            currency: string;
            /** @example Dinner 🍜 */
            note?: string;
        };
        PaymentRequest: {
            /** @example preq_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @description The user id of who asks for the money. */
            requester: string;
            /** @description The user id of who is asked to pay. */
            payer: string;
            requester_user: components["schemas"]["WalletParty"] & unknown;
            payer_user: components["schemas"]["WalletParty"] & unknown;
            /** @example 2500 */
            amount: number;
            /** @example usd */
            currency: string;
            note: string | null;
            /** @enum {string} */
            status: "pending" | "paid" | "declined" | "canceled";
            transfer_id: string | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            /** @example 2026-12-04T15:31:00.000Z */
            updated_at: string;
        };
        CreatePaymentRequest: {
            /** @example alice@example.com */
            from: string;
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 1250
             */
            amount: number;
            /** @example USD */
            currency: string;
            /** @example Dinner 🍜 */
            note?: string;
        };
        ActivityEntry: {
            id: string;
            /** @example tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            transfer_id: string;
            /** @description p2p, payment_request, signup_bonus … */
            type: string;
            /** @enum {string} */
            direction: "debit" | "credit";
            /** @example 2500 */
            amount: number;
            /** @example usd */
            currency: string;
            /** @description The other user's id; null for Sluice itself (the sign-up bonus). */
            counterparty: string | null;
            counterparty_user: components["schemas"]["WalletParty"] & unknown;
            note: string | null;
            /**
             * @description `pending`: money on hold (a shop order being paid, say); once taken it shows as a `completed` entry of its own, and the hold no longer shows; a hold released takes nothing and shows no more.
             * @enum {string}
             */
            status: "pending" | "completed";
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        /** @description Who a transfer to `to` would reach: their name and email, nothing else. */
        Recipient: {
            /** @example Bob Lee */
            name: string;
            /** @example bob@example.com */
            email: string;
        };
        RecipientCheck: {
            /** @example bob@example.com */
            to: string;
        };
        Merchant: {
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @example Ann Lee */
            name: string;
            owner: string;
            /**
             * @description The merchant's test clock: real time plus the offset moved by advance-clock.
             * @example 2026-12-04T15:30:00.000Z
             */
            sandbox_time: string;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        CreateMerchant: {
            /** @example Acme Coffee */
            name: string;
        };
        CreatedApiKey: components["schemas"]["ApiKey"] & {
            /**
             * @description Shown only in this response; stored hashed. null on an idempotent replay (Idempotent-Redacted: secret).
             * @example sk_test_…
             */
            secret: string | null;
        };
        ApiKey: {
            /** @example key_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            name: string | null;
            /**
             * @description The last four characters of the secret, to tell keys apart.
             * @example 4242
             */
            last4: string;
            rate_limit_per_minute: number;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            revoked_at: string | null;
        };
        CreateApiKey: {
            /** @example checkout server */
            name?: string;
            /** @example 100 */
            rate_limit_per_minute?: number;
        };
        Payment: {
            /** @example pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "payment";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @enum {string} */
            status: "requires_capture" | "succeeded" | "canceled" | "failed";
            /** @example 2500 */
            amount: number;
            amount_capturable: number;
            /** @example 2500 */
            amount_captured: number;
            /** @example 0 */
            amount_refunded: number;
            /** @example usd */
            currency: string;
            card: components["schemas"]["Card"];
            /** @description Sandbox time after which an uncaptured authorization expires. */
            capture_before: string | null;
            /** @description Flagged for manual review: never captured automatically. */
            review: boolean;
            description: string | null;
            metadata: {
                [key: string]: string;
            };
            failure_code: string | null;
            decline_code: string | null;
            failure_message: string | null;
            canceled_at: string | null;
            /** @enum {string|null} */
            cancellation_reason: "expired" | "requested_by_merchant" | null;
            /** @description The settlement that paid it out (`stl_…`); null until then. */
            settlement: string | null;
            /** @description Its dispute (`dp_…`), once one is opened; a disputed payment can no longer be refunded. */
            dispute: string | null;
            /**
             * @description Its dispute's status (`won`/`lost` once closed); null when undisputed.
             * @enum {string|null}
             */
            dispute_status: "needs_response" | "under_review" | "won" | "lost" | null;
            /**
             * @description What happened to it, for people: `status` refined by refunds (`partially_refunded`, `refunded`), a dispute (`disputed`, `dispute_won`, `dispute_lost`) and expiry (`expired`).
             * @example partially_refunded
             * @enum {string}
             */
            display_status: "requires_capture" | "succeeded" | "partially_refunded" | "refunded" | "disputed" | "dispute_won" | "dispute_lost" | "canceled" | "expired" | "failed";
            /** @description Whether a capture would be accepted now (an open authorization). */
            capturable: boolean;
            /** @description The most a refund may take now: captured − refunded, or 0 when it cannot be refunded (not succeeded, or disputed). */
            refundable_amount: number;
            /**
             * @description The actions the API accepts on it now (`dispute` through the test helper).
             * @example [
             *       "refund",
             *       "dispute"
             *     ]
             */
            available_actions: ("capture" | "void" | "refund" | "dispute")[];
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            /** @example 2026-12-04T15:31:00.000Z */
            updated_at: string;
        };
        Card: {
            /** @enum {string} */
            brand: "visa" | "mastercard" | "amex" | "discover" | "diners" | "jcb" | "unionpay";
            /** @example 4242 */
            last4: string;
            /** @example 12 */
            exp_month: number;
            /** @example 2030 */
            exp_year: number;
            /** @description Same card number, same fingerprint, within this installation. */
            fingerprint: string;
        };
        CreatePayment: {
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 1250
             */
            amount: number;
            currency: components["schemas"]["Currency"];
            card: components["schemas"]["CardInput"];
            /**
             * @default true
             * @example true
             */
            capture?: boolean;
            /** @example Order #6735 */
            description?: string;
            /**
             * @example {
             *       "order_id": "6735"
             *     }
             */
            metadata?: {
                [key: string]: string;
            };
        };
        /**
         * @example USD
         * @enum {string}
         */
        Currency: "AED" | "ARS" | "AUD" | "BDT" | "BGN" | "BHD" | "BRL" | "CAD" | "CHF" | "CLP" | "CNY" | "COP" | "CZK" | "DKK" | "EGP" | "EUR" | "GBP" | "HKD" | "HUF" | "IDR" | "ILS" | "INR" | "ISK" | "JOD" | "JPY" | "KES" | "KRW" | "KWD" | "MAD" | "MXN" | "MYR" | "NGN" | "NOK" | "NZD" | "OMR" | "PEN" | "PHP" | "PKR" | "PLN" | "QAR" | "RON" | "SAR" | "SEK" | "SGD" | "THB" | "TND" | "TRY" | "TWD" | "UAH" | "UGX" | "USD" | "VND" | "XAF" | "XOF" | "ZAR";
        CardInput: {
            /** @example 4242424242424242 */
            number: string;
            /** @example 12 */
            exp_month: number;
            /** @example 2030 */
            exp_year: number;
            cvc: string;
        };
        CapturePayment: {
            /**
             * @description At most amount_capturable; the rest of the hold is released.
             * @example 1250
             */
            amount?: number;
        };
        Refund: {
            /** @example re_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "refund";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @example pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            payment: string;
            /** @example 2500 */
            amount: number;
            /** @example usd */
            currency: string;
            reason: string | null;
            /** @enum {string} */
            status: "succeeded";
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        ApprovalRequest: {
            /** @example apr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "approval_request";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @enum {string} */
            action: "payout" | "refund" | "connector_change";
            /** @enum {string} */
            status: "pending" | "approved" | "executed" | "failed" | "rejected" | "expired";
            amount: number | null;
            currency: string | null;
            params: {
                [key: string]: unknown;
            };
            summary: string;
            approvals_required: number;
            approvals: number;
            requested_by: {
                /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
                user: string | null;
                /**
                 * @default null
                 * @example bea@example.com
                 */
                email?: string | null;
                api_key: string | null;
                /** @enum {string} */
                role: "owner" | "admin" | "developer" | "approver" | "viewer";
            };
            result: {
                [key: string]: unknown;
            } | null;
            /** @example 2026-12-11T15:30:00.000Z */
            expires_at: string;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            steps: components["schemas"]["ApprovalStep"][];
        };
        ApprovalStep: {
            /** @enum {string} */
            type: "requested" | "approved" | "rejected" | "expired" | "executed" | "failed";
            actor: {
                /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
                user: string | null;
                /**
                 * @default null
                 * @example bea@example.com
                 */
                email?: string | null;
                api_key: string | null;
                /** @enum {string} */
                role: "owner" | "admin" | "developer" | "approver" | "viewer";
            } | null;
            at: string;
            note: string | null;
        };
        CreateRefund: {
            /** @example pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            payment: string;
            /**
             * @description Defaults to everything captured and not yet refunded.
             * @example 1250
             */
            amount?: number;
            /** @enum {string} */
            reason?: "duplicate" | "fraudulent" | "requested_by_customer";
        };
        MerchantBalance: {
            balances: {
                /** @example usd */
                currency: string;
                /**
                 * @description Settled funds; negative (down to −negative_balance_limit) when refunds or disputes took more than it held, recovered from later settlements.
                 * @example 8280
                 */
                available: number;
                /**
                 * @description Captured funds, less refunds, not yet settled.
                 * @example 2500
                 */
                pending: number;
                /**
                 * @description How far below zero refunds and dispute debits may take `available`, in minor units.
                 * @example 10000
                 */
                negative_balance_limit: number;
            }[];
        };
        AdvanceClockResult: {
            /** @example 2026-12-04T15:30:00.000Z */
            sandbox_time: string;
            expired_payments: string[];
            /** @description Settlements the move fired (captures of sandbox days that ended). */
            settlements: string[];
            /** @description Disputes whose evidence deadline passed: won with evidence, lost without. */
            closed_disputes: string[];
        };
        AdvanceClock: {
            /** @example 604800 */
            seconds: number;
        };
        Settlement: {
            /** @example stl_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "settlement";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @example usd */
            currency: string;
            /**
             * @description The sandbox UTC day (YYYY-MM-DD) whose captures it settles.
             * @example 2026-01-01
             */
            settlement_date: string;
            /** @description Captured less refunded, of its payments. */
            gross: number;
            /** @description Processing fees of its payments (2.9% + 30 per payment). */
            fees: number;
            /** @description Dispute fees charged since an earlier payout and recovered from this one. */
            dispute_fees: number;
            /** @description gross − fees − dispute_fees: moved from pending to available. */
            net: number;
            /** @description What its payments captured. */
            captured: number;
            /** @description What its payments refunded before it. */
            refunded: number;
            /** @description What disputes opened before it withdrew (held in the disputes, not paid out). */
            disputed: number;
            /** @description Every amount that makes up the payout, signed (money to the merchant positive): they sum to `net`; charges less refunds and dispute holds sum to `gross`. */
            lines: components["schemas"]["SettlementLine"][];
            payments: string[];
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        SettlementLine: {
            /**
             * @description `charge` (+ captured), `refund` (− refunded before settlement), `dispute_hold` (− withdrawn by a dispute), `processing_fee` (− 2.9% + 30), `dispute_fee_recovery` (− dispute fees owed, withheld from this payout).
             * @enum {string}
             */
            type: "charge" | "refund" | "dispute_hold" | "processing_fee" | "dispute_fee_recovery";
            payment: string | null;
            dispute: string | null;
            /**
             * @description Signed: positive adds to the payout, negative takes from it.
             * @example 2500
             */
            amount: number;
        };
        Dispute: {
            /** @example dp_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "dispute";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @example pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            payment: string;
            /**
             * @description Withdrawn from the merchant while the dispute is open.
             * @example 2500
             */
            amount: number;
            /** @description The dispute fee, charged when opened and kept whatever the outcome. */
            fee: number;
            /** @example usd */
            currency: string;
            /** @example fraudulent */
            reason: string;
            /** @enum {string} */
            status: "needs_response" | "under_review" | "won" | "lost";
            evidence: {
                text: string;
                submitted_at: string;
            } | null;
            evidence_due_by: string;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            closed_at: string | null;
        };
        DisputeEvidence: {
            text: string;
        };
        OpenDispute: {
            /** @example pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            payment: string;
            /** @enum {string} */
            reason?: "fraudulent" | "product_not_received" | "duplicate" | "general";
        };
        BalanceTransaction: {
            /**
             * @description The ledger transfer that made the change.
             * @example tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V
             */
            id: string;
            /** @enum {string} */
            object: "balance_transaction";
            /**
             * @description `settlement` (a payout of captured funds), `refund` (of a settled payment), `dispute` (withdrawn from a settled payment), `dispute_won` (returned), `payout` (paid out to a wallet or bank), `adjustment` (anything else, named by `code`).
             * @enum {string}
             */
            type: "settlement" | "refund" | "dispute" | "dispute_won" | "payout" | "adjustment";
            /** @description The ledger transfer's code (`settlement`, `card_refund` …). */
            code: string;
            /** @example usd */
            currency: string;
            /**
             * @description Gross, signed: what the source added or took before fees.
             * @example 2500
             */
            amount: number;
            /** @description Fees taken from it (processing and dispute fees withheld). */
            fee: number;
            /** @description amount − fee: what the available balance changed by. */
            net: number;
            /** @description The available balance right after it. */
            balance_after: number;
            /** @description The object that caused it (`stl_…`, `re_…`, `dp_…`, a payout `po_…`, a bank debit's `pi_…`); null for a change no object names. */
            source: string | null;
            payment: string | null;
            /**
             * @description Sandbox time (the merchant's test clock) when `sandbox_time` is true, else real time.
             * @example 2026-12-04T15:30:00.000Z
             */
            created_at: string;
            sandbox_time: boolean;
        };
        Member: {
            /** @example mem_Xh3kQ9v2LmT8rW1pZs4aYb6c */
            id: string;
            /** @enum {string} */
            object: "member";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @example bea@example.com */
            email: string;
            /**
             * @example approver
             * @enum {string}
             */
            role: "owner" | "admin" | "developer" | "approver" | "viewer";
            /** @enum {string} */
            status: "active" | "invited";
            /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            user: string | null;
            /** @example 2026-01-15T12:00:00.000Z */
            created_at: string;
        };
        InviteMember: {
            /**
             * Format: email
             * @example bea@example.com
             */
            email: string;
            /**
             * @example approver
             * @enum {string}
             */
            role: "owner" | "admin" | "developer" | "approver" | "viewer";
        };
        UpdateMember: {
            /**
             * @example admin
             * @enum {string}
             */
            role: "owner" | "admin" | "developer" | "approver" | "viewer";
        };
        WebhookEndpoint: {
            /** @example we_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "webhook_endpoint";
            /** @example https://example.com/webhooks/sluice */
            url: string;
            events: string[];
            description: string | null;
            /** @enum {string} */
            status: "enabled" | "disabled";
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            /** @description In the list and the retrieve answers: how deliveries to it go lately. */
            health?: {
                /**
                 * @description The last attempt answered 2xx.
                 * @example 2026-12-04T15:30:00.000Z
                 */
                last_success_at: string | null;
                /**
                 * @description Failed attempts / attempts, over the newest 50 deliveries; null before any attempt.
                 * @example 0.04
                 */
                failure_rate: number | null;
                /** @example 25 */
                attempts: number;
                /**
                 * @description Deliveries waiting for an attempt or a retry.
                 * @example 1
                 */
                pending: number;
                /**
                 * @description Deliveries that gave up.
                 * @example 0
                 */
                dead: number;
            };
            /**
             * @description Shown only on creation and rotation; null on an idempotent replay (Idempotent-Redacted: secret).
             * @example whsec_…
             */
            secret?: string | null;
        };
        CreateWebhookEndpoint: {
            /** @example https://example.com/webhooks/sluice */
            url: string;
            /**
             * @example [
             *       "payment.captured",
             *       "refund.succeeded"
             *     ]
             */
            events: (("payment.authorized" | "payment.captured" | "payment.voided" | "payment.failed" | "payment.expired" | "refund.succeeded" | "payout.settled" | "dispute.created" | "dispute.closed" | "order.created" | "order.updated" | "order.paid" | "order.failed" | "order.shipped" | "order.delivered" | "order.canceled" | "order.refunded" | "payment_intent.succeeded" | "payment_intent.requires_capture" | "payment_intent.requires_action" | "payment_intent.processing" | "payment_intent.payment_failed" | "payment_intent.canceled" | "payment_intent.refunded" | "payment_intent.disputed" | "payment_intent.attempt_failed" | "payment_intent.attempt_reconciled" | "connector.circuit_opened" | "connector.circuit_closed" | "vendor.created" | "vendor.split_transferred" | "vendor.split_reversed" | "vendor.split_settled" | "vendor.payout.paid" | "approval.requested" | "approval.approved" | "approval.rejected" | "approval.expired" | "approval.executed" | "approval.failed" | "payout.created" | "payout.paid" | "payout.failed" | "payout.returned" | "invoice.created" | "invoice.finalized" | "invoice.paid" | "invoice.payment_failed" | "invoice.marked_uncollectible" | "subscription.created" | "subscription.updated" | "subscription.canceled" | "test_clock.advancing" | "test_clock.ready") | "*")[];
            /** @example Order #6735 */
            description?: string;
        };
        UpdateWebhookEndpoint: {
            /** @example https://example.com/webhooks/sluice */
            url?: string;
            /**
             * @example [
             *       "payment.captured",
             *       "refund.succeeded"
             *     ]
             */
            events?: (("payment.authorized" | "payment.captured" | "payment.voided" | "payment.failed" | "payment.expired" | "refund.succeeded" | "payout.settled" | "dispute.created" | "dispute.closed" | "order.created" | "order.updated" | "order.paid" | "order.failed" | "order.shipped" | "order.delivered" | "order.canceled" | "order.refunded" | "payment_intent.succeeded" | "payment_intent.requires_capture" | "payment_intent.requires_action" | "payment_intent.processing" | "payment_intent.payment_failed" | "payment_intent.canceled" | "payment_intent.refunded" | "payment_intent.disputed" | "payment_intent.attempt_failed" | "payment_intent.attempt_reconciled" | "connector.circuit_opened" | "connector.circuit_closed" | "vendor.created" | "vendor.split_transferred" | "vendor.split_reversed" | "vendor.split_settled" | "vendor.payout.paid" | "approval.requested" | "approval.approved" | "approval.rejected" | "approval.expired" | "approval.executed" | "approval.failed" | "payout.created" | "payout.paid" | "payout.failed" | "payout.returned" | "invoice.created" | "invoice.finalized" | "invoice.paid" | "invoice.payment_failed" | "invoice.marked_uncollectible" | "subscription.created" | "subscription.updated" | "subscription.canceled" | "test_clock.advancing" | "test_clock.ready") | "*")[];
            /** @example Order #6735 */
            description?: string;
            /** @enum {string} */
            status?: "enabled" | "disabled";
        };
        RotateWebhookSecret: {
            /**
             * @description How long the previous secret keeps signing (both signatures are sent meanwhile). 0 retires it now.
             * @default 86400
             */
            expires_in_seconds?: number;
        };
        Event: {
            /** @example evt_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "event";
            /** @example payment.captured */
            type: string;
            /** @description Unix seconds */
            created: number;
            /** @enum {boolean} */
            livemode: false;
            /** @description `{ object: … }`: the object as it was after the change */
            data: {
                [key: string]: unknown;
            };
        };
        WebhookDelivery: {
            /** @example del_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "webhook_delivery";
            event: string;
            /**
             * @description The event's type; null on deliveries recorded before it was kept
             * @example payment.captured
             */
            event_type: string | null;
            /** @example we_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            endpoint: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "dead";
            attempt_count: number;
            next_attempt_at: string | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            attempts: components["schemas"]["WebhookDeliveryAttempt"][];
        };
        WebhookDeliveryAttempt: {
            attempt: number;
            at: string;
            /** @example https://example.com/webhooks/sluice */
            url: string;
            response_status: number | null;
            latency_ms: number;
            /** @description The first 500 bytes of the response */
            response_body: string | null;
            error: string | null;
        };
        RedeliverEvent: {
            /**
             * @description One endpoint; all subscribed, enabled endpoints when omitted.
             * @example we_01JD3S8Q4X9Z2K7M5N6P8R0T1V
             */
            endpoint?: string;
        };
        Post: {
            /** @example post_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            author: string;
            author_name: string;
            content: string;
            image_url: string | null;
            like_count: number;
            comment_count: number;
            liked_by_me: boolean;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        CreatePost: {
            content: string;
            /**
             * Format: uri
             * @example https://example.com/cat.jpg
             */
            image_url?: string;
            /** @description The `image_key` of an upload from `POST /v1/posts/images` (instead of `image_url`). */
            image_key?: string;
        };
        /** @description PUT the image to upload_url with upload_headers, then post with image_key. */
        ImageUpload: {
            image_key: string;
            upload_url: string;
            upload_headers: {
                [key: string]: string;
            };
            max_bytes: number;
            /** @example 2026-12-11T15:30:00.000Z */
            expires_at: string;
        };
        CreateImageUpload: {
            /** @enum {string} */
            content_type: "image/png" | "image/jpeg" | "image/gif" | "image/webp";
        };
        Comment: {
            id: string;
            post_id: string;
            author: string;
            author_name: string;
            content: string;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        CreateComment: {
            content: string;
        };
        CoinsSummary: {
            balance: number;
            /** @enum {string} */
            currency: "COIN";
            earned_today: number;
            daily_cap: number;
            resets_at: string;
        };
        CoinEntry: {
            /** @example tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            transfer_id: string;
            /** @enum {string} */
            direction: "credit" | "debit";
            /** @example 2500 */
            amount: number;
            /** @enum {string} */
            currency: "COIN";
            rule: string | null;
            /** @example Order #6735 */
            description: string;
            /**
             * @description `pending`: coins on hold for a shop order; once taken they show as a `completed` entry.
             * @enum {string}
             */
            status: "pending" | "completed";
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        Reward: {
            id: string;
            /** @example Ann Lee */
            name: string;
            /** @example Order #6735 */
            description: string;
            /**
             * @description In coins.
             * @example 1999
             */
            price: number;
            /** @example 25 */
            stock: number;
            /** @enum {string} */
            kind: "voucher" | "wallet_credit";
            /** @example true */
            active: boolean;
            /** @description For `wallet_credit`: what the redemption credits to the wallet. */
            credit: {
                /** @example 2500 */
                amount: number;
                /** @example usd */
                currency: string;
            } | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        CreateReward: {
            /** @example Ann Lee */
            name: string;
            /**
             * @default
             * @example Order #6735
             */
            description?: string;
            /** @example 1999 */
            price: number;
            /** @example 25 */
            stock: number;
            /** @enum {string} */
            kind: "voucher" | "wallet_credit";
        };
        UpdateReward: {
            /** @example Ann Lee */
            name?: string;
            /** @example Order #6735 */
            description?: string;
            /** @example 1999 */
            price?: number;
            /** @example 25 */
            stock?: number;
            /** @example true */
            active?: boolean;
        };
        Redemption: {
            id: string;
            /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            user: string;
            reward_id: string;
            reward_name: string;
            /** @enum {string} */
            kind: "voucher" | "wallet_credit";
            /** @example 1999 */
            price: number;
            voucher_code: string | null;
            credit: {
                /** @example 2500 */
                amount: number;
                /** @example usd */
                currency: string;
            } | null;
            /** @example tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            transfer_id: string;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        RewardsJob: {
            /** @enum {string} */
            name: "daily-digest" | "cleanup" | "weekly-bonus";
            /** @example 0 20 * * * */
            schedule: string;
            /** @example Order #6735 */
            description: string;
            last_run_at: string | null;
            next_run_at: string;
        };
        DeadAward: {
            id: string;
            body?: unknown;
            error: string;
            receive_count: number;
            dead_at: string;
        };
        Product: {
            id: string;
            /** @enum {string} */
            object: "product";
            /** @example Ann Lee */
            name: string;
            /** @example Order #6735 */
            description: string;
            /** @example 1999 */
            price: number;
            /** @example usd */
            currency: string;
            /** @example 25 */
            stock: number;
            category: string;
            image_url: string | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            /** @example 2026-12-04T15:31:00.000Z */
            updated_at: string;
        };
        CreateProduct: {
            /** @example Ann Lee */
            name: string;
            /**
             * @default
             * @example Order #6735
             */
            description?: string;
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 1250
             */
            price: number;
            currency: string | "COIN";
            /** @example 25 */
            stock: number;
            /** @default general */
            category?: string;
        };
        UpdateProduct: {
            /** @example Ann Lee */
            name?: string;
            /** @example Order #6735 */
            description?: string;
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 1250
             */
            price?: number;
            /** @example 25 */
            stock?: number;
            category?: string;
        };
        ProductImageUploadUrl: {
            upload_url: string;
            upload_headers: {
                [key: string]: string;
            };
            image_url: string;
            /** @example 2026-12-11T15:30:00.000Z */
            expires_at: string;
        };
        ProductImageUpload: {
            /**
             * @default image/png
             * @enum {string}
             */
            content_type?: "image/png" | "image/jpeg" | "image/webp" | "image/gif";
        };
        Cart: {
            /** @enum {string} */
            object: "cart";
            lines: components["schemas"]["CartLine"][];
            currency: string | null;
            /** @example 3998 */
            total: number;
            item_count: number;
            has_changes: boolean;
        };
        CartLine: {
            product_id: string;
            /** @example Ann Lee */
            name: string;
            /** @example 2 */
            quantity: number;
            /** @example 1999 */
            unit_price: number;
            price_when_added: number;
            /** @example usd */
            currency: string;
            /** @example 3998 */
            line_total: number;
            /** @example 25 */
            stock: number;
            image_url: string | null;
            /** @enum {string} */
            status: "ok" | "price_changed" | "insufficient_stock" | "unavailable";
        };
        AddCartItem: {
            product_id: string;
            /** @example 2 */
            quantity: number;
        };
        SetCartQuantity: {
            /** @example 2 */
            quantity: number;
        };
        Order: {
            id: string;
            /** @enum {string} */
            object: "order";
            /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            user: string;
            /** @enum {string} */
            status: "processing" | "paid" | "failed" | "shipped" | "delivered" | "canceled" | "refunded";
            failure_reason: string | null;
            decline_code: string | null;
            lines: components["schemas"]["OrderLine"][];
            /** @example usd */
            currency: string;
            /** @example 3998 */
            total: number;
            /** @enum {string} */
            payment_method: "wallet" | "card" | "coins";
            /** @enum {string} */
            payment_status: "none" | "authorized" | "captured" | "voided" | "refunded" | "declined";
            payment_id: string | null;
            shipping_address: components["schemas"]["ShippingAddress"];
            needs_attention: boolean;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            /** @example 2026-12-04T15:31:00.000Z */
            updated_at: string;
        };
        OrderLine: {
            product_id: string;
            /** @example Ann Lee */
            name: string;
            /** @example 1999 */
            unit_price: number;
            /** @example 2 */
            quantity: number;
            /** @example 3998 */
            line_total: number;
        };
        ShippingAddress: {
            /** @example Ann Lee */
            name: string;
            line1: string;
            line2?: string;
            city: string;
            state?: string;
            postal_code: string;
            country: string;
        };
        Checkout: {
            shipping_address: components["schemas"]["ShippingAddress"];
            payment_method: {
                /** @enum {string} */
                type: "wallet";
            } | {
                /** @enum {string} */
                type: "card";
                card: components["schemas"]["CardInput"];
            } | {
                /** @enum {string} */
                type: "coins";
            };
            expected_total?: number;
        };
        CommerceDeadLetter: {
            order_id: string;
            /** @enum {string} */
            status: "open" | "resolved";
            error: string;
            failed_at: string;
            resolved_at: string | null;
        };
        MigrationStatus: {
            code: {
                module: string;
                version: number;
                /** @example Order #6735 */
                description: string;
            }[];
            applied: {
                module: string;
                version: number;
                /** @example Order #6735 */
                description: string;
                /** @description When it was applied (ISO 8601) */
                applied_at: string;
                /** @description Items it changed */
                changed: number;
            }[];
            pending: {
                module: string;
                version: number;
                /** @example Order #6735 */
                description: string;
            }[];
        };
        BackupStatus: {
            last: components["schemas"]["Backup"];
            scheduled: {
                dir: string;
                every_seconds: number;
                keep: number;
            } | null;
        };
        Backup: {
            /** @description The backup file, on the server machine */
            file: string;
            size_bytes: number;
            sha256: string;
            /** @description When its snapshot was taken (ISO 8601) */
            taken_at: string;
        } | null;
        DeadLetterQueues: {
            data: {
                module: string;
                queue: string;
                messages: components["schemas"]["DeadLetter"][];
                /** @example false */
                has_more: boolean;
            }[];
        };
        DeadLetter: {
            id: string;
            queue: string;
            module: string;
            /** @description The message as it was sent */
            body?: unknown;
            receive_count: number;
            /** @description When it was first sent (ISO 8601) */
            sent_at: string;
            /** @description When it was dead-lettered; null where the runtime cannot tell (SQS) */
            dead_at: string | null;
            /** @description The last failure its consumer reported; null on SQS */
            last_error: string | null;
        };
        DeadLetterPage: {
            data: components["schemas"]["DeadLetter"][];
            /** @example false */
            has_more: boolean;
            next_cursor: string | null;
        };
        Redriven: {
            redriven: number;
        };
        Connector: {
            /** @example mca_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "connector";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @enum {string} */
            provider: "sandbox_card" | "wallet" | "stripe" | "paypal" | "ach";
            /** @example Ann Lee */
            name: string;
            /** @example false */
            disabled: boolean;
            has_credentials: boolean;
            breaker: {
                /** @enum {string} */
                state: "closed" | "open" | "half_open";
                opened_at: string | null;
                window: {
                    calls: number;
                    failures: number;
                };
            };
            fault: {
                /** @enum {string} */
                mode: "timeout" | "error" | "decline";
                rate: number;
                remaining: number | null;
            } | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            /** @example 2026-12-04T15:31:00.000Z */
            updated_at: string;
        };
        CreateConnector: {
            /** @enum {string} */
            provider: "sandbox_card" | "wallet" | "stripe" | "paypal" | "ach";
            /** @example Ann Lee */
            name?: string;
            /** @description What the provider needs (stripe: `secret_key` sk_test_… or sk_live_…, `webhook_secret` whsec_…; paypal: `client_id`, `client_secret` and `webhook_id` of your PayPal REST app, `environment` sandbox or live). Stored sealed; never returned. */
            credentials?: {
                [key: string]: unknown;
            };
        };
        UpdateConnector: {
            /** @example Ann Lee */
            name?: string;
            credentials?: {
                [key: string]: unknown;
            };
            /** @example false */
            disabled?: boolean;
        };
        Routing: {
            rules: {
                match: {
                    /** @example USD */
                    currency?: string;
                    amount_gte?: number;
                    amount_lt?: number;
                    /** @enum {string} */
                    method?: "card" | "wallet" | "bank_account";
                    /** @enum {string} */
                    card_brand?: "visa" | "mastercard" | "amex" | "discover" | "unknown";
                };
                providers: ("sandbox_card" | "wallet" | "stripe" | "paypal" | "ach")[];
            }[];
            /** @default [] */
            default?: ("sandbox_card" | "wallet" | "stripe" | "paypal" | "ach")[];
        };
        PaymentIntent: {
            /** @example pi_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "payment_intent";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @example 2500 */
            amount: number;
            /** @example usd */
            currency: string;
            /** @example true */
            capture: boolean;
            /** @enum {string} */
            status: "processing" | "requires_action" | "requires_capture" | "succeeded" | "failed" | "canceled";
            payment_method: {
                /** @enum {string} */
                type: "card" | "wallet" | "bank_account";
                card: {
                    /** @enum {string} */
                    brand: "visa" | "mastercard" | "amex" | "discover" | "unknown";
                    /** @example 4242 */
                    last4: string;
                } | null;
                wallet: {
                    /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
                    user: string;
                } | null;
                /** @default null */
                bank_account?: {
                    routing_number: string;
                    /** @example 4242 */
                    last4: string;
                } | null;
            };
            routed_to: ("sandbox_card" | "wallet" | "stripe" | "paypal" | "ach")[];
            connector: string | null;
            /** @enum {string|null} */
            provider: "sandbox_card" | "wallet" | "stripe" | "paypal" | "ach" | null;
            provider_reference: string | null;
            /** @example 2500 */
            amount_captured: number;
            /** @example 0 */
            amount_refunded: number;
            last_error: {
                /** @enum {string} */
                code: "provider_timeout" | "provider_error" | "provider_unreachable" | "circuit_open" | "card_declined" | "bank_returned" | "interrupted";
                /** @enum {string|null} */
                decline_code: "generic_decline" | "insufficient_funds" | "lost_card" | "stolen_card" | "expired_card" | "incorrect_cvc" | "processing_error" | "fraudulent" | "invalid_payment_method" | null;
                /** @default null */
                return_code?: string | null;
            } | null;
            attempts: {
                id: string;
                connector: string;
                /** @enum {string} */
                provider: "sandbox_card" | "wallet" | "stripe" | "paypal" | "ach";
                /** @enum {string} */
                status: "authorized" | "captured" | "pending" | "declined" | "failed" | "skipped" | "reconciled" | "unreconciled" | "interrupted";
                /** @enum {string|null} */
                error_code: "provider_timeout" | "provider_error" | "provider_unreachable" | "circuit_open" | "card_declined" | "bank_returned" | "interrupted" | null;
                /** @enum {string|null} */
                decline_code: "generic_decline" | "insufficient_funds" | "lost_card" | "stolen_card" | "expired_card" | "incorrect_cvc" | "processing_error" | "fraudulent" | "invalid_payment_method" | null;
                provider_reference: string | null;
                started_at: string;
                finished_at: string;
            }[];
            refunds: {
                id: string;
                /** @example 2500 */
                amount: number;
                provider_reference: string;
                /** @example 2026-12-04T15:30:00.000Z */
                created_at: string;
            }[];
            dispute: {
                id: string;
                provider_reference: string;
                /** @example 2500 */
                amount: number;
                /** @example fraudulent */
                reason: string;
                status: string;
                /** @example 2026-12-04T15:30:00.000Z */
                created_at: string;
            } | null;
            /** @default [] */
            splits?: {
                vendor: string;
                /** @example 2500 */
                amount: number;
            }[];
            description: string | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            /** @example 2026-12-04T15:31:00.000Z */
            updated_at: string;
        };
        CreatePaymentIntent: {
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 1250
             */
            amount: number;
            /** @example USD */
            currency: string;
            payment_method: components["schemas"]["HubPaymentMethod"];
            /**
             * @default true
             * @example true
             */
            capture?: boolean;
            /** @example Order #6735 */
            description?: string;
            /** @description Shares of the payment for your vendors (at most 10, adding up to at most the amount): moved to them in one linked ledger transfer when the payment succeeds; the rest is your platform fee. */
            splits?: components["schemas"]["Split"][];
        };
        HubPaymentMethod: {
            /** @enum {string} */
            type: "card";
            card: components["schemas"]["CardInput"];
        } | {
            /** @enum {string} */
            type: "wallet";
            wallet: {
                /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
                user: string;
            };
        } | {
            /** @enum {string} */
            type: "bank_account";
            bank_account: {
                routing_number: string;
                account_number: string;
                account_holder_name: string;
                /**
                 * @default checking
                 * @enum {string}
                 */
                account_type?: "checking" | "savings";
            };
        };
        Split: {
            /** @example ven_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            vendor: string;
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 1250
             */
            amount: number;
        };
        ConnectorFault: {
            /**
             * @description `timeout`: the call reaches the provider but its answer is lost (the hub reconciles it); `error`: the provider answers 5xx; `decline`: the provider declines.
             * @enum {string}
             */
            mode: "timeout" | "error" | "decline";
            /**
             * @description The share of calls that fail, 0 to 1.
             * @default 1
             */
            rate?: number;
            /** @description Fail only this many calls, then stop. */
            count?: number;
        };
        Vendor: {
            /** @example ven_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "vendor";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @example Ann Lee */
            name: string;
            email: string | null;
            /** @example usd */
            currency: string;
            balances: {
                /** @example usd */
                currency: string;
                /** @example 2500 */
                pending: number;
                /** @example 8280 */
                available: number;
            }[];
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        CreateVendor: {
            /** @example Blue Bottle Roasters */
            name: string;
            /**
             * Format: email
             * @example payouts@bluebottle.example
             */
            email?: string;
            /**
             * @description The currency its balance is kept in: splits of payments in other currencies are refused.
             * @default USD
             * @example USD
             */
            currency?: string;
        };
        SplitGroup: {
            /** @enum {string} */
            object: "split_group";
            payment_intent: string;
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @example usd */
            currency: string;
            /** @enum {string} */
            status: "awaiting_payment" | "transferred" | "settled";
            lines: {
                vendor: string;
                /** @example 2500 */
                amount: number;
                reversed: number;
                shortfall: number;
            }[];
            platform_fee: number;
            platform_refunded: number;
            transferred_at: string | null;
            settled_at: string | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        VendorPayout: {
            /** @example vpo_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "vendor_payout";
            vendor: string;
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @example 2500 */
            amount: number;
            /** @example usd */
            currency: string;
            /** @enum {string} */
            status: "paid";
            destination: {
                /** @enum {string} */
                type: "wallet" | "bank_account";
                wallet: {
                    /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
                    user: string;
                } | null;
                bank_account: {
                    routing_number: string;
                    /** @example 4242 */
                    last4: string;
                    trace_number: string;
                } | null;
            };
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        CreateVendorPayout: {
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 1250
             */
            amount: number;
            /** @example USD */
            currency: string;
            destination: components["schemas"]["VendorPayoutDestination"];
        };
        VendorPayoutDestination: {
            /** @enum {string} */
            type: "wallet";
            wallet: {
                /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
                user: string;
            };
        } | {
            /** @enum {string} */
            type: "bank_account";
            bank_account: {
                routing_number: string;
                account_number: string;
                account_holder_name: string;
                /**
                 * @default checking
                 * @enum {string}
                 */
                account_type?: "checking" | "savings";
            };
        };
        ApprovalPolicy: {
            /** @enum {string} */
            object: "approval_policy";
            /** @enum {string} */
            action: "payout" | "refund" | "connector_change";
            threshold: number | null;
            approvals: number;
            /** @example 2026-12-04T15:31:00.000Z */
            updated_at: string;
        };
        ApprovalPolicyInput: {
            /** @enum {string} */
            action: "payout" | "refund" | "connector_change";
            /** @example 50000 */
            threshold?: number | null;
            /** @example 2 */
            approvals: number;
        };
        DeletedApprovalPolicy: {
            /** @enum {string} */
            object: "approval_policy";
            /** @enum {string} */
            action: "payout" | "refund" | "connector_change";
            /** @enum {boolean} */
            deleted: true;
        };
        ApprovalDecision: {
            /** @example Checked the invoice */
            note?: string;
        };
        Payout: {
            /** @example po_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "payout";
            /** @example mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            merchant: string;
            /** @example 2500 */
            amount: number;
            /** @example usd */
            currency: string;
            /** @enum {string} */
            destination: "wallet" | "ach";
            /** @default null */
            bank_account?: {
                routing_number: string;
                /** @example 4242 */
                last4: string;
                account_holder_name: string;
                trace_number: string;
            } | null;
            description: string | null;
            /** @enum {string} */
            status: "in_transit" | "paid" | "returned";
            /** @default null */
            arrival_date?: string | null;
            /** @default null */
            return_code?: string | null;
            approval: string | null;
            transfer: string;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        CreatePayout: {
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 5000
             */
            amount: number;
            /** @example USD */
            currency: string;
            /**
             * @example wallet
             * @enum {string}
             */
            destination: "wallet" | "ach";
            /**
             * @example {
             *       "routing_number": "231380104",
             *       "account_number": "000123456789",
             *       "account_holder_name": "Acme Coffee LLC",
             *       "account_type": "checking"
             *     }
             */
            bank_account?: {
                routing_number: string;
                account_number: string;
                account_holder_name: string;
                /**
                 * @default checking
                 * @enum {string}
                 */
                account_type?: "checking" | "savings";
            };
            /** @example Weekly payout */
            description?: string;
        };
        Plan: {
            /** @example plan_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "plan";
            /** @example Ann Lee */
            name: string;
            /** @example 2500 */
            amount: number;
            /** @example usd */
            currency: string;
            /** @enum {string} */
            interval: "day" | "week" | "month" | "year";
            interval_count: number;
            trial_period_days: number | null;
            metadata: {
                [key: string]: string;
            };
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        /**
         * @example {
         *       "name": "Pro",
         *       "amount": 2900,
         *       "currency": "USD",
         *       "interval": "month",
         *       "interval_count": 1
         *     }
         */
        CreatePlan: {
            /** @example Ann Lee */
            name: string;
            /**
             * @description Integer amount in the currency's minor units (1250 = $12.50).
             * @example 1250
             */
            amount: number;
            /** @example USD */
            currency: string;
            /** @enum {string} */
            interval: "day" | "week" | "month" | "year";
            /** @default 1 */
            interval_count?: number;
            trial_period_days?: number;
            metadata?: {
                [key: string]: string;
            };
        };
        Customer: {
            /** @example cus_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "customer";
            name: string | null;
            email: string | null;
            credit_balance: {
                [key: string]: number;
            };
            metadata: {
                [key: string]: string;
            };
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        /**
         * @example {
         *       "name": "Jane Doe",
         *       "email": "jane@example.com"
         *     }
         */
        CreateCustomer: {
            /** @example Ann Lee */
            name?: string;
            /**
             * Format: email
             * @example ann@example.com
             */
            email?: string;
            metadata?: {
                [key: string]: string;
            };
        };
        BillingPaymentMethod: {
            /** @example pm_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "payment_method";
            customer: string;
            /** @enum {string} */
            type: "card" | "wallet" | "ach_debit";
            card: {
                brand: string;
                /** @example 4242 */
                last4: string;
                /** @example 12 */
                exp_month: number;
                /** @example 2030 */
                exp_year: number;
                /**
                 * @description Sandbox only: how charges of this saved card answer (`success`, or a decline such as `insufficient_funds`). Set from the test card it was saved from; change it to see dunning happen.
                 * @enum {string}
                 */
                test_behaviour: "success" | "generic_decline" | "insufficient_funds" | "lost_card" | "stolen_card" | "expired_card" | "incorrect_cvc" | "processing_error" | "fraudulent" | "dispute" | "review";
            } | null;
            wallet: {
                /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
                user: string;
            } | null;
            ach_debit: {
                routing_number: string;
                /** @example 4242 */
                last4: string;
                account_type: string;
                mandate: {
                    accepted_at: string;
                    ip_address: string | null;
                };
            } | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        /**
         * @example {
         *       "type": "card",
         *       "card": {
         *         "number": "4242424242424242",
         *         "exp_month": 12,
         *         "exp_year": 2030,
         *         "cvc": "123"
         *       }
         *     }
         */
        CreateBillingPaymentMethod: {
            /** @enum {string} */
            type: "card";
            card: components["schemas"]["CardInput"];
        } | {
            /** @enum {string} */
            type: "wallet";
            wallet: {
                /** @example usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
                user: string;
            };
        } | {
            /** @enum {string} */
            type: "ach_debit";
            ach_debit: {
                routing_number: string;
                account_number: string;
                account_holder_name: string;
                /**
                 * @default checking
                 * @enum {string}
                 */
                account_type?: "checking" | "savings";
            };
            /** @description The debit authorization the customer gave (NACHA requires one for recurring debits). */
            mandate: {
                /** Format: date-time */
                accepted_at: string;
                ip_address?: string;
            };
        };
        /**
         * @example {
         *       "test_behaviour": "insufficient_funds"
         *     }
         */
        UpdateBillingPaymentMethod: {
            /**
             * @description Sandbox only: how charges of this saved card answer (`success`, or a decline such as `insufficient_funds`). Set from the test card it was saved from; change it to see dunning happen.
             * @enum {string}
             */
            test_behaviour: "success" | "generic_decline" | "insufficient_funds" | "lost_card" | "stolen_card" | "expired_card" | "incorrect_cvc" | "processing_error" | "fraudulent" | "dispute" | "review";
        };
        Subscription: {
            /** @example sub_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "subscription";
            customer: string;
            plan: string;
            payment_method: string;
            /** @enum {string} */
            status: "trialing" | "active" | "past_due" | "unpaid" | "canceled";
            /** @example usd */
            currency: string;
            current_period_start: string;
            current_period_end: string;
            trial_end: string | null;
            cancel_at_period_end: boolean;
            canceled_at: string | null;
            ended_at: string | null;
            /** @enum {string} */
            on_retries_exhausted: "cancel" | "unpaid";
            latest_invoice: string | null;
            next_action_at: string | null;
            status_history: {
                /** @enum {string} */
                status: "trialing" | "active" | "past_due" | "unpaid" | "canceled";
                at: string;
                /** @example fraudulent */
                reason: string;
            }[];
            metadata: {
                [key: string]: string;
            };
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
        };
        /**
         * @example {
         *       "customer": "cus_01JD3S8Q4X9Z2K7M5N6P8R0T1V",
         *       "plan": "plan_01JD3S8Q4X9Z2K7M5N6P8R0T1V",
         *       "payment_method": "pm_01JD3S8Q4X9Z2K7M5N6P8R0T1V"
         *     }
         */
        CreateSubscription: {
            customer: string;
            plan: string;
            payment_method: string;
            trial_days?: number;
            /**
             * @description After the last retry of a failed charge: `cancel` the subscription (default) or mark it `unpaid` (billing goes on; a later paid invoice makes it active again).
             * @enum {string}
             */
            on_retries_exhausted?: "cancel" | "unpaid";
            metadata?: {
                [key: string]: string;
            };
        };
        /**
         * @example {
         *       "plan": "plan_01JD3S8Q4X9Z2K7M5N6P8R0T1V"
         *     }
         */
        UpdateSubscription: {
            /** @description Change plan now: the unused time of the current plan is credited and the new plan charged for the rest of the period, to the second. Refused (409 `invalid_state_transition`) while the current period is not paid up: an invoice still open, in dunning, `unpaid` or its charge pending. Pay it first, or cancel. */
            plan?: string;
            payment_method?: string;
            /** @enum {string} */
            on_retries_exhausted?: "cancel" | "unpaid";
        };
        /**
         * @example {
         *       "at_period_end": true
         *     }
         */
        CancelSubscription: {
            /**
             * @description `true`: keep it to the end of the period already paid; `false`: end it now, crediting the unused time.
             * @default false
             */
            at_period_end?: boolean;
        };
        Invoice: {
            /** @example in_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            object: "invoice";
            customer: string;
            subscription: string;
            /** @enum {string} */
            status: "open" | "paid" | "uncollectible" | "void";
            /** @enum {string} */
            billing_reason: "subscription_create" | "subscription_cycle" | "subscription_update";
            /** @example usd */
            currency: string;
            lines: {
                /** @example Order #6735 */
                description: string;
                /**
                 * @description Negative for a credit.
                 * @example 2500
                 */
                amount: number;
                plan: string | null;
                proration: boolean;
                period: {
                    start: string;
                    end: string;
                };
            }[];
            subtotal: number;
            credit_applied: number;
            amount_due: number;
            amount_paid: number;
            period_start: string;
            period_end: string;
            attempt_count: number;
            attempts: {
                attempt: number;
                at: string;
                payment_intent: string | null;
                /** @enum {string} */
                status: "succeeded" | "failed" | "pending";
                error_code: string | null;
                decline_code: string | null;
            }[];
            next_payment_attempt: string | null;
            /** @example 2026-12-04T15:30:00.000Z */
            created_at: string;
            finalized_at: string;
            paid_at: string | null;
        };
        InvoicePdf: {
            /**
             * @description A short-lived download URL of the PDF.
             * @example https://example.com/webhooks/sluice
             */
            url: string;
            /** @example 2026-12-11T15:30:00.000Z */
            expires_at: string;
            bytes: number;
        };
        BillingSettings: {
            /** @enum {string} */
            object: "billing_settings";
            retry_schedule_days: number[];
            /** @enum {string} */
            on_retries_exhausted: "cancel" | "unpaid";
        };
        /**
         * @example {
         *       "on_retries_exhausted": "unpaid"
         *     }
         */
        UpdateBillingSettings: {
            /** @enum {string} */
            on_retries_exhausted: "cancel" | "unpaid";
        };
        TestClock: {
            /** @enum {string} */
            object: "test_clock";
            /** @example clk_01JD3S8Q4X9Z2K7M5N6P8R0T1V */
            id: string;
            /** @enum {string} */
            status: "advancing" | "ready";
            /** @description The sandbox time reached. */
            frozen_time: string;
            /** @description Where the latest advance goes (or went). */
            target_time: string;
            invoices_finalized: number;
            charges_succeeded: number;
            charges_failed: number;
            subscriptions_canceled: number;
            batches: number;
            started_at: string | null;
            completed_at: string | null;
        };
        /**
         * @example {
         *       "seconds": 31536000
         *     }
         */
        AdvanceBillingClock: {
            seconds: number;
        };
        LiveMetrics: {
            window_seconds: number;
            series: {
                /** @example 2026-12-04T15:30:00.000Z */
                time: string;
                /** @example 42 */
                requests: number;
                client_errors: number;
                server_errors: number;
                p50_ms: number | null;
                p95_ms: number | null;
                p99_ms: number | null;
            }[];
            routes: {
                route: string;
                /** @example 42 */
                requests: number;
                requests_per_second: number;
                rate_4xx: number;
                rate_5xx: number;
                p50_ms: number | null;
                p95_ms: number | null;
                p99_ms: number | null;
            }[];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    postAuthSignup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignUpRequest"];
            };
        };
        responses: {
            /** @description The new user, signed in */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResponse"];
                };
            };
            /** @description Invalid input (`validation_failed`, `weak_password`, `invalid_code`…) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `email_taken`: an account with this email exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `rate_limited`: too many sign-ups from this address */
            429: {
                headers: {
                    /** @description Seconds until the next attempt is allowed. */
                    "Retry-After": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAuthLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LogInRequest"];
            };
        };
        responses: {
            /** @description Signed in, or a second factor is needed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResponse"] | components["schemas"]["MfaChallenge"];
                };
            };
            /** @description Invalid input (`validation_failed`, `weak_password`, `invalid_code`…) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `invalid_credentials`: unknown email or wrong password (indistinguishable) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `rate_limited`: too many attempts for this email or address */
            429: {
                headers: {
                    /** @description Seconds until the next attempt is allowed. */
                    "Retry-After": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAuthRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description New access and refresh tokens */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResponse"];
                };
            };
            /** @description Invalid input (`validation_failed`, `weak_password`, `invalid_code`…) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `invalid_token`: unknown, expired, used or revoked refresh token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAuthLogout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LogOutRequest"];
            };
        };
        responses: {
            /** @description Signed out */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (`validation_failed`, `weak_password`, `invalid_code`…) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description `unauthenticated`, `invalid_token` or `token_expired` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The user no longer exists */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWellKnownJwksJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A JSON Web Key Set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jwks"];
                };
            };
        };
    };
    postAuthPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetRequest"];
            };
        };
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAuthPasswordResetConfirm: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetConfirmRequest"];
            };
        };
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAuthLoginMfa: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MfaLogInRequest"];
            };
        };
        responses: {
            /** @description Signed in */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResponse"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAuthVerifyEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyEmailRequest"];
            };
        };
        responses: {
            /** @description The user, verified */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAuthVerifyEmailResend: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postMePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordRequest"];
            };
        };
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postMeMfaTotp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The secret, shown this once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TotpEnrolment"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteMeMfaTotp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TotpCodeRequest"];
            };
        };
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postMeMfaTotpConfirm: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TotpCodeRequest"];
            };
        };
        responses: {
            /** @description Recovery codes, shown this once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodes"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMeSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Open sessions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionList"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteMeSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteMeSessionsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminUsers: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of users */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["User"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminAudit: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The audit */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditReport"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminLedgerAccountsByIdShards: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    shards: number;
                };
            };
        };
        responses: {
            /** @description The count now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account_id: string;
                        shards: number;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWallet: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Balances per currency */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        balances: components["schemas"]["Balance"][];
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTransfers: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of transfers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["WalletTransfer"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postTransfers: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendMoney"];
            };
        };
        responses: {
            /** @description The transfer */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WalletTransfer"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTransfersById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The transfer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WalletTransfer"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaymentRequests: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
                role?: "incoming" | "outgoing";
                status?: "pending" | "paid" | "declined" | "canceled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of payment requests */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["PaymentRequest"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentRequests: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePaymentRequest"];
            };
        };
        responses: {
            /** @description The payment request */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentRequest"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaymentRequestsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment request */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentRequest"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentRequestsByIdAccept: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment request */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentRequest"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentRequestsByIdDecline: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment request */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentRequest"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentRequestsByIdCancel: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment request */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentRequest"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getActivity: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of activity */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ActivityEntry"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postWalletRecipientCheck: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecipientCheck"];
            };
        };
        responses: {
            /** @description The recipient */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Recipient"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMerchants: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of your merchants */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Merchant"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postMerchants: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateMerchant"];
            };
        };
        responses: {
            /** @description The merchant */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Merchant"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMerchantsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The merchant */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Merchant"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMerchantsByIdApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ApiKey"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postMerchantsByIdApiKeys: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CreateApiKey"];
            };
        };
        responses: {
            /** @description The key with its secret */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteMerchantsByIdApiKeysByKeyId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revoked key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPayments: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
                status?: "requires_capture" | "succeeded" | "canceled" | "failed";
                display_status?: "requires_capture" | "succeeded" | "partially_refunded" | "refunded" | "disputed" | "dispute_won" | "dispute_lost" | "canceled" | "expired" | "failed";
                /** @description Search: part of the id or the description (any case), or an amount in major units (`25`, `25.00`). */
                q?: string;
                /** @description Created at or after this sandbox time. */
                created_gte?: string;
                /** @description Created before this sandbox time. */
                created_lt?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of payments */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Payment"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPayments: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePayment"];
            };
        };
        responses: {
            /** @description The payment */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Payment"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaymentsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Payment"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentsByIdCapture: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CapturePayment"];
            };
        };
        responses: {
            /** @description The captured payment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Payment"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentsByIdVoid: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The canceled payment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Payment"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postRefunds: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRefund"];
            };
        };
        responses: {
            /** @description The refund */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Refund"];
                };
            };
            /** @description The approval request the action waits on (an approval policy applies) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getRefundsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The refund */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Refund"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getBalance: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Balances */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MerchantBalance"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postTestHelpersAdvanceClock: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AdvanceClock"];
            };
        };
        responses: {
            /** @description The new sandbox time and what expired */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdvanceClockResult"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSettlements: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of settlements */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Settlement"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSettlementsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The settlement */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settlement"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getDisputes: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of disputes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Dispute"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getDisputesById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The dispute */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postDisputesByIdEvidence: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DisputeEvidence"];
            };
        };
        responses: {
            /** @description The dispute, under review */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postDisputesByIdAccept: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lost dispute */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postTestHelpersDisputes: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OpenDispute"];
            };
        };
        responses: {
            /** @description The dispute */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getBalanceTransactions: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
                /** @description The balance to explain (one per currency). */
                currency?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as (its owner only). */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of balance transactions, each with the balance after it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["BalanceTransaction"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMerchantsByIdMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The members */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Member"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postMerchantsByIdMembers: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InviteMember"];
            };
        };
        responses: {
            /** @description The invited member */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteMerchantsByIdMembersByMemberId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                member_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The removed member */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchMerchantsByIdMembersByMemberId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                member_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateMember"];
            };
        };
        responses: {
            /** @description The member */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWebhookEndpoints: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of endpoints */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["WebhookEndpoint"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postWebhookEndpoints: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookEndpoint"];
            };
        };
        responses: {
            /** @description The endpoint, with its signing secret */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWebhookEndpointsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoint */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteWebhookEndpointsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        object: "webhook_endpoint";
                        /** @enum {boolean} */
                        deleted: true;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchWebhookEndpointsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookEndpoint"];
            };
        };
        responses: {
            /** @description The endpoint */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postWebhookEndpointsByIdRotateSecret: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RotateWebhookSecret"];
            };
        };
        responses: {
            /** @description The endpoint, with its new secret */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postWebhookEndpointsByIdTest: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        event: components["schemas"]["Event"];
                        delivery: components["schemas"]["WebhookDelivery"];
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWebhookEndpointsByIdDeliveries: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
                status?: "pending" | "succeeded" | "dead";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of deliveries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["WebhookDelivery"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getEvents: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
                type?: "payment.authorized" | "payment.captured" | "payment.voided" | "payment.failed" | "payment.expired" | "refund.succeeded" | "payout.settled" | "dispute.created" | "dispute.closed" | "order.created" | "order.updated" | "order.paid" | "order.failed" | "order.shipped" | "order.delivered" | "order.canceled" | "order.refunded" | "payment_intent.succeeded" | "payment_intent.requires_capture" | "payment_intent.requires_action" | "payment_intent.processing" | "payment_intent.payment_failed" | "payment_intent.canceled" | "payment_intent.refunded" | "payment_intent.disputed" | "payment_intent.attempt_failed" | "payment_intent.attempt_reconciled" | "connector.circuit_opened" | "connector.circuit_closed" | "vendor.created" | "vendor.split_transferred" | "vendor.split_reversed" | "vendor.split_settled" | "vendor.payout.paid" | "approval.requested" | "approval.approved" | "approval.rejected" | "approval.expired" | "approval.executed" | "approval.failed" | "payout.created" | "payout.paid" | "payout.failed" | "payout.returned" | "invoice.created" | "invoice.finalized" | "invoice.paid" | "invoice.payment_failed" | "invoice.marked_uncollectible" | "subscription.created" | "subscription.updated" | "subscription.canceled" | "test_clock.advancing" | "test_clock.ready" | "test.webhook";
                /** @description Only events created at or after this Unix time (seconds). */
                "created[gte]"?: number | null;
                /** @description Only events created after this Unix time. */
                "created[gt]"?: number | null;
                /** @description Only events created at or before this Unix time. */
                "created[lte]"?: number | null;
                /** @description Only events created before this Unix time. */
                "created[lt]"?: number | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Event"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getEventsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getEventsByIdDeliveries: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of deliveries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["WebhookDelivery"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postEventsByIdRedeliver: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RedeliverEvent"];
            };
        };
        responses: {
            /** @description The new deliveries */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["WebhookDelivery"][];
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPosts: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of posts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Post"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPosts: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePost"];
            };
        };
        responses: {
            /** @description The post */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Post"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPostsImages: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateImageUpload"];
            };
        };
        responses: {
            /** @description Where to upload */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageUpload"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPostsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The post */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Post"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deletePostsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {boolean} */
                        deleted: true;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPostsByIdLike: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The post */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Post"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deletePostsByIdLike: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The post */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Post"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPostsByIdComments: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of comments */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Comment"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPostsByIdComments: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateComment"];
            };
        };
        responses: {
            /** @description The comment */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Comment"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getCoins: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your coins */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CoinsSummary"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getCoinsHistory: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of entries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CoinEntry"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getRewards: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of rewards */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Reward"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postRewards: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateReward"];
            };
        };
        responses: {
            /** @description The reward */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reward"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getRewardsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reward */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reward"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchRewardsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateReward"];
            };
        };
        responses: {
            /** @description The reward */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reward"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postRewardsByIdRedeem: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The redemption */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Redemption"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getRedemptions: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of redemptions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Redemption"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The jobs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["RewardsJob"][];
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminJobsByNameRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: "daily-digest" | "cleanup" | "weekly-bonus";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What the run did */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        name: "daily-digest" | "cleanup" | "weekly-bonus";
                        result: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminRewardsDeadAwards: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of dead awards */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["DeadAward"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminRewardsDeadAwardsByIdRedrive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Requeued */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        message_id: string;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getProducts: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
                category?: string;
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of products */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Product"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postProducts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProduct"];
            };
        };
        responses: {
            /** @description The product */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getProductsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteProductsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {boolean} */
                        deleted: true;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchProductsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProduct"];
            };
        };
        responses: {
            /** @description The product */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postProductsByIdImageUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProductImageUpload"];
            };
        };
        responses: {
            /** @description PUT the image to upload_url with upload_headers */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductImageUploadUrl"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getCart: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteCart: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postCartItems: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddCartItem"];
            };
        };
        responses: {
            /** @description The cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteCartItemsByProductId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                product_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchCartItemsByProductId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                product_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetCartQuantity"];
            };
        };
        responses: {
            /** @description The cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postCheckout: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Checkout"];
            };
        };
        responses: {
            /** @description The order, processing */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOrders: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of orders */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Order"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOrdersById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminOrders: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of orders */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Order"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminOrdersByIdShip: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminOrdersByIdDeliver: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminOrdersByIdCancel: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminOrdersByIdRefund: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminCommerceDeadLetters: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CommerceDeadLetter"][];
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminMigrations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The migrations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MigrationStatus"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminBackups: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The backups */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BackupStatus"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminDeadLetters: {
        parameters: {
            query?: {
                /** @description Per queue; default 20 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The queues and their dead letters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterQueues"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminDeadLettersByQueue: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `next_cursor` of the page before */
                starting_after?: string;
            };
            header?: never;
            path: {
                queue: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of dead letters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterPage"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminDeadLettersByQueueById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                queue: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The dead letter */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetter"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminDeadLettersByQueueByIdRedrive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                queue: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Redriven */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Redriven"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminDeadLettersByQueueRedrive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                queue: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Redriven */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Redriven"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getConnectors: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The connectors */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Connector"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postConnectors: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateConnector"];
            };
        };
        responses: {
            /** @description The connector */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connector"];
                };
            };
            /** @description The approval request the action waits on (an approval policy applies) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getConnectorsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The connector */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connector"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteConnectorsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The removed connector */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connector"];
                };
            };
            /** @description The approval request the action waits on (an approval policy applies) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchConnectorsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateConnector"];
            };
        };
        responses: {
            /** @description The connector */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connector"];
                };
            };
            /** @description The approval request the action waits on (an approval policy applies) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getRouting: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The routing table */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Routing"] & {
                        /** @enum {string} */
                        object: "routing";
                        updated_at: string | null;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putRouting: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Routing"];
            };
        };
        responses: {
            /** @description The routing table */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Routing"] & {
                        /** @enum {string} */
                        object: "routing";
                        updated_at: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaymentIntents: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of payment intents */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["PaymentIntent"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentIntents: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePaymentIntent"];
            };
        };
        responses: {
            /** @description The payment intent with its attempts */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentIntent"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A provider behind the request did not answer (a timeout, a 5xx, no connection); retrying is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaymentIntentsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment intent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentIntent"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentIntentsByIdCapture: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * @description Integer amount in the currency's minor units (1250 = $12.50).
                     * @example 1250
                     */
                    amount?: number;
                };
            };
        };
        responses: {
            /** @description The payment intent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentIntent"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A provider behind the request did not answer (a timeout, a 5xx, no connection); retrying is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentIntentsByIdCancel: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment intent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentIntent"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A provider behind the request did not answer (a timeout, a 5xx, no connection); retrying is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaymentIntentsByIdRefunds: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * @description Integer amount in the currency's minor units (1250 = $12.50).
                     * @example 1250
                     */
                    amount?: number;
                };
            };
        };
        responses: {
            /** @description The payment intent with the refund */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentIntent"];
                };
            };
            /** @description The approval request the action waits on (an approval policy applies) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A provider behind the request did not answer (a timeout, a 5xx, no connection); retrying is safe */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postTestHelpersConnectorsByIdFaults: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectorFault"];
            };
        };
        responses: {
            /** @description The connector with its fault */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connector"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteTestHelpersConnectorsByIdFaults: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The connector */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connector"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPayerPaymentIntentsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment intent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentIntent"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPayerPaymentIntentsByIdApprove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment intent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentIntent"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPayerPaymentIntentsByIdReject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment intent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentIntent"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAchFilesByDay: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                day: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The NACHA file (94-character records) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postTestHelpersAchReturns: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    file: string;
                };
            };
        };
        responses: {
            /** @description What the file reversed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        returned: {
                            trace_number: string;
                            return_code: string;
                            reference: string;
                            payment_intent: string | null;
                        }[];
                        ignored: string[];
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postTestHelpersAchSettle: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How many settled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        settled: number;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHubWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Received */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        received: true;
                        applied: boolean;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getVendors: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of vendors */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Vendor"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postVendors: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateVendor"];
            };
        };
        responses: {
            /** @description The vendor */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Vendor"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getVendorsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The vendor */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Vendor"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getVendorsByIdSplits: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of split groups */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SplitGroup"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getVendorsByIdPayouts: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of payouts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["VendorPayout"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postVendorsByIdPayouts: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateVendorPayout"];
            };
        };
        responses: {
            /** @description The payout */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VendorPayout"];
                };
            };
            /** @description The approval request the payout waits on */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaymentIntentsByIdSplits: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The split group */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SplitGroup"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postTestHelpersVendorsSettle: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How many split groups settled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        settled: number;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getApprovalPolicies: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The policies */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ApprovalPolicy"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putApprovalPolicies: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApprovalPolicyInput"];
            };
        };
        responses: {
            /** @description The policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalPolicy"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteApprovalPoliciesByAction: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                action: "payout" | "refund" | "connector_change";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The policy ended */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletedApprovalPolicy"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getApprovals: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of requests */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ApprovalRequest"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getApprovalsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The request */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postApprovalsByIdApprove: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ApprovalDecision"];
            };
        };
        responses: {
            /** @description The request with this step in its trail */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postApprovalsByIdReject: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ApprovalDecision"];
            };
        };
        responses: {
            /** @description The request with this step in its trail */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPayouts: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of payouts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Payout"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPayouts: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                /** @description Makes the POST safe to retry: a replay returns the stored response. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePayout"];
            };
        };
        responses: {
            /** @description The payout */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Payout"];
                };
            };
            /** @description The approval request the payout waits on */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalRequest"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPayoutsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payout */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Payout"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPlans: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your plans, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Plan"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPlans: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePlan"];
            };
        };
        responses: {
            /** @description Create a plan: a price per interval (day, week, month or year), with an optional trial */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPlansById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One plan */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getCustomers: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your customers, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Customer"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postCustomers: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCustomer"];
            };
        };
        responses: {
            /** @description Create a customer to subscribe */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customer"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getCustomersById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One customer, with its credit balance */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customer"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getCustomersByIdPaymentMethods: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A customer's saved payment methods */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["BillingPaymentMethod"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postCustomersByIdPaymentMethods: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateBillingPaymentMethod"];
            };
        };
        responses: {
            /** @description Save a payment method: a card (kept as its brand, last four and sandbox behaviour, never its number), a wallet, or an ACH debit mandate */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingPaymentMethod"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchCustomersByIdPaymentMethodsByMethod: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path: {
                id: string;
                method: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateBillingPaymentMethod"];
            };
        };
        responses: {
            /** @description Sandbox: change how a saved card answers charges from now on (e.g. `insufficient_funds`, then `success`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingPaymentMethod"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSubscriptions: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your subscriptions, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Subscription"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postSubscriptions: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSubscription"];
            };
        };
        responses: {
            /** @description Subscribe a customer to a plan: the first invoice is charged now through your routing (or after the trial) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSubscriptionsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One subscription, with its status history */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postSubscriptionsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateSubscription"];
            };
        };
        responses: {
            /** @description Change plan (prorated to the second), payment method or what happens after the last retry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency key reused with another request, or unprocessable input */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postSubscriptionsByIdCancel: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CancelSubscription"];
            };
        };
        responses: {
            /** @description Cancel now (unused time credited to the customer) or at the period end */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSubscriptionsByIdInvoices: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A subscription's invoices, oldest first, with every payment attempt */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Invoice"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getInvoices: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The next_cursor of the previous page. */
                starting_after?: string;
            };
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your invoices, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Invoice"][];
                        /** @example false */
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getInvoicesById: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One invoice */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invoice"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postInvoicesByIdPay: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Charge an open invoice now with its subscription’s payment method */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invoice"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getInvoicesByIdPdf: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The invoice as a PDF: a download URL valid for five minutes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvoicePdf"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getBillingSettings: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The published retry schedule and what happens after the last retry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingSettings"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putBillingSettings: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateBillingSettings"];
            };
        };
        responses: {
            /** @description Choose what new subscriptions do after the last retry: cancel, or go unpaid */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingSettings"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postTestHelpersBillingAdvanceClock: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AdvanceBillingClock"];
            };
        };
        responses: {
            /** @description The test clock, advancing */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TestClock"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the object's current state, or the idempotency key is in use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTestHelpersBillingClock: {
        parameters: {
            query?: never;
            header?: {
                /** @description With a user access token: the merchant to act as. */
                "sluice-merchant"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your test clock: advancing (with how far it got) or ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TestClock"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Rate limited; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                        /** @example 2026-12-04T15:30:00.000Z */
                        time: string;
                    };
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The merchant's live metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LiveMetrics"];
                };
            };
            /** @description Invalid request: the field at fault is named in `param` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Live metrics of every caller */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LiveMetrics"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed for this caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}

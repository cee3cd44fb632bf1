import { approvalsModule } from '../approvals/index.ts';
import { hubModule } from '../hub/index.ts';
import { billingModule } from '../billing/index.ts';
import { commerceModule } from '../commerce/index.ts';
import { identityModule } from '../identity/index.ts';
import { ledgerModule } from '../ledger/index.ts';
import { operationsModule } from '../operations/index.ts';
import { paymentsModule } from '../payments/index.ts';
import { payoutsModule } from '../payouts/index.ts';
import { realtimeModule } from '../platform/realtime.ts';
import type { SluiceModule } from '../platform/module.ts';
import { rewardsModule } from '../rewards/index.ts';
import { walletModule } from '../wallet/index.ts';
import { webhooksModule } from '../webhooks/index.ts';

/**
 * The modules of the app, in the order their routes are mounted. The HTTP app, both runtimes, the
 * Lambda function list and the CDK app all loop over this list: a product is its folder and one
 * line here.
 */
export const modules: readonly SluiceModule[] = [
  identityModule,
  ledgerModule,
  walletModule,
  paymentsModule,
  webhooksModule,
  rewardsModule,
  commerceModule,
  realtimeModule,
  operationsModule,
  hubModule,
  approvalsModule,
  payoutsModule,
  billingModule,
];

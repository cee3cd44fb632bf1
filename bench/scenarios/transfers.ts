/**
 * Wallet transfers: `POST /v1/transfers` of 1–100 cents, each request as a random user.
 *
 * - random pairs: between two different random users;
 * - one hot account: from a random user to the same user every time (the first one signed up),
 *   the busiest single balance a wallet can have.
 */
import type { ApiUser } from '../../test/server-process.ts';
import {
  runLoad,
  runServerLoad,
  type AutocannonRequest,
  type LoadTarget,
  type ScenarioResult,
} from '../load.ts';
import { settings } from '../support.ts';

/** The account every transfer of the hot-account scenario pays into. */
export const hotAccount = (users: ApiUser[]): ApiUser => users[0]!;

/** The warm-up (unmeasured), then random pairs and the hot account. */
export async function runTransferScenarios(
  server: LoadTarget,
  users: ApiUser[],
): Promise<{ random: ScenarioResult; hot: ScenarioResult }> {
  const randomUser = () => users[Math.floor(Math.random() * users.length)]!;
  const randomPair = (): [ApiUser, ApiUser] => {
    const from = randomUser();
    let to = randomUser();
    while (to === from) to = randomUser();
    return [from, to];
  };
  const hot = hotAccount(users);
  const intoHot = (): [ApiUser, ApiUser] => {
    let from = randomUser();
    while (from === hot) from = randomUser();
    return [from, hot];
  };
  if (settings.warmup > 0)
    await runLoad(server, 'transfers warm-up', settings.warmup, transferRequest(randomPair));
  const random = await runServerLoad(server, 'transfers: random pairs', transferRequest(randomPair));
  const hotResult = await runServerLoad(server, 'transfers: into one hot account', transferRequest(intoHot));
  return { random, hot: hotResult };
}

/** A transfer from the first user of each `pick()` to the second, as the first. */
function transferRequest(pick: () => [ApiUser, ApiUser]): AutocannonRequest {
  return {
    method: 'POST',
    path: '/v1/transfers',
    setupRequest: (request) => {
      const [from, to] = pick();
      return {
        ...request,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${from.token}` },
        body: JSON.stringify({ to: to.id, amount: 1 + Math.floor(Math.random() * 100), currency: 'USD' }),
      };
    },
  };
}

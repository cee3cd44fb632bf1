import type { OpenAPI3 } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { currencyExponents } from '../server/src/kernel/money.ts';
import { testCards } from '../server/src/payments/test-cards.ts';
import {
  buildOpenApiDocument,
  catalogConstants,
  generateCommand,
  staleApiFiles,
} from '../web/scripts/generate-api-types.ts';

describe("the dashboard's generated API files", () => {
  it("match what the server's OpenAPI document generates now", async () => {
    const problems = await staleApiFiles();
    if (problems.length > 0)
      expect.fail(
        `${problems.join('\n')}\n(the dashboard's API types and constants come from /openapi.json: run ${generateCommand} and commit the result)`,
      );
  });

  it("read the server's own test cards and currency table from the document", async () => {
    const catalog = Object.fromEntries(
      catalogConstants(await buildOpenApiDocument()).map((constant) => [constant.name, constant.value]),
    );
    expect(catalog.testCards).toEqual(
      testCards.map((card) => ({
        number: card.number,
        outcome: card.outcome,
        decline_code: card.declineCode ?? null,
        description: card.description,
      })),
    );
    const { COIN: _coin, ...apiCurrencies } = currencyExponents;
    expect(catalog.currencyExponents).toEqual(apiCurrencies);
  });

  it('names the part of the document a run-time value is missing from', () => {
    const document: OpenAPI3 = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      components: { schemas: { CreateWebhookEndpoint: { type: 'object', properties: {} } } },
    };
    expect(() => catalogConstants(document)).toThrow(
      'the OpenAPI document has no schema at components.schemas.CreateWebhookEndpoint.properties.events',
    );
  });
});

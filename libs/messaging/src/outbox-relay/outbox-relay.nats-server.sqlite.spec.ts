import { tempSqlite, type TempSqlite } from '@offramp/testing';
import { runRelayScenario } from '../__fixtures__/relay-scenario.js';

describe('outbox relay on SQLite with rows written by the Laravel app', () => {
  let database: TempSqlite;
  beforeAll(() => (database = tempSqlite('shop.sqlite')));
  afterAll(() => database.remove());

  it('publishes each row once, in order per aggregate, through a nats-server kill -9 and with two relays', async () => {
    const result = await runRelayScenario(database.url, { orders: 250, priceChanges: 50 });
    expect(result.rows).toBe(250 * 2 + 50);
    expect(result.killedAtMessages).toBeLessThan(result.rows);
    expect(result.messages).toBe(result.rows);
    expect(result.msgIdMismatches).toBe(0);
    expect(result.outOfOrder).toEqual([]);
    // One lease holder at a time on SQLite; between them they published everything.
    expect(result.publishedByEach.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(result.rows);
  }, 120_000);
});

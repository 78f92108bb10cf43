import { createScratchDatabase, MARIADB_ADMIN_URL, type ScratchDatabase } from '../__fixtures__/scratch-database.js';
import { runRelayScenario } from '../__fixtures__/relay-scenario.js';

describe('outbox relay on MariaDB with rows written by the Laravel app', () => {
  let database: ScratchDatabase;
  beforeAll(async () => (database = await createScratchDatabase(MARIADB_ADMIN_URL)));
  afterAll(async () => database?.drop());

  it('publishes each row once, in order per aggregate, through a nats-server kill -9, two relays sharing the rows (SKIP LOCKED)', async () => {
    const result = await runRelayScenario(database.url, { orders: 250, priceChanges: 50 });
    expect(result.rows).toBe(250 * 2 + 50);
    expect(result.killedAtMessages).toBeLessThan(result.rows);
    expect(result.messages).toBe(result.rows);
    expect(result.msgIdMismatches).toBe(0);
    expect(result.outOfOrder).toEqual([]);
    expect(result.publishedByEach.every((count) => count > 0)).toBe(true);
  }, 120_000);
});

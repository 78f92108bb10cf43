import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startNatsServer, startService, tempSqlite, waitUntil, type NatsServerHandle, type ServiceProcess, type TempSqlite } from '@offramp/testing';
import { main, type CliIo } from './main.js';

const TOKEN = 'cli-partners-admin-token-0123456789';

// `offramp partners …` against a real integrations process (and the nats-server it consumes from).
describe('offramp partners …', () => {
  let nats: NatsServerHandle;
  let database: TempSqlite;
  let slice: ServiceProcess;
  let receiver: Server;
  let receiverUrl: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    nats = await startNatsServer();
    database = tempSqlite('cli-partners.sqlite');
    receiver = createServer((_request, response) => response.writeHead(204).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    slice = await startService({
      app: 'integrations',
      env: { DATABASE_URL: database.url, NATS_URL: nats.url, LOG_LEVEL: 'warn', INTEGRATIONS_ADMIN_TOKEN: TOKEN, PARTNER_ALLOWED_CIDRS: '127.0.0.0/8' },
    });
    env = { OFFRAMP_INTEGRATIONS_URL: slice.url, OFFRAMP_INTEGRATIONS_TOKEN: TOKEN };
  }, 60_000);

  afterAll(async () => {
    await slice?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    await nats?.stop();
    database?.remove();
  });

  async function run(args: string[], runEnv = env) {
    let out = '';
    let err = '';
    const io: CliIo = { out: (text) => (out += text), err: (text) => (err += text), env: runEnv, readStdin: () => '' };
    const code = await main(args, io);
    let json: unknown;
    try {
      json = JSON.parse(out);
    } catch {
      json = undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test picks fields out of the answers
    return { code, out, err, json: json as any };
  }

  it('adds a partner (secret shown once), lists, disables and enables it', async () => {
    const added = await run(['partners', 'add', 'acme', receiverUrl, '--events', 'shop.orders.*', '--ordered']);
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toMatch(
      /^[0-9a-f-]{36} {2}acme {2}http:\/\/127\.0\.0\.1:\d+\/hooks {2}shop\.orders\.\* {2}enabled {2}ordered\nsecret \(shown once\): whsec_/,
    );
    const id = added.out.split(' ')[0];
    const listed = await run(['partners', 'list', '--json']);
    expect(listed.json).toEqual([expect.objectContaining({ id, name: 'acme', enabled: true, ordered: true, signingSecrets: 1 })]);
    expect((await run(['partners', 'disable', id])).out).toContain('  disabled');
    expect((await run(['partners', 'enable', id, '--json'])).json.enabled).toBe(true);
    expect((await run(['partners', 'deliveries', id])).out).toBe('no deliveries\n');
    // a replay is recorded: without --reason the CLI refuses it before asking the slice
    expect((await run(['partners', 'replay-failures', id, '--since', '2000-01-01T00:00:00Z'])).code).toBe(2);
    const replay = ['partners', 'replay-failures', id, '--since', '2000-01-01T00:00:00Z', '--reason', 'after the outage', '--by', 'jane@ops'];
    await waitUntil(async () => (await run(replay)).out === '0 delivery(ies) queued again\n', { timeoutMs: 5_000, description: 'replay of no failures' });
  });

  it("says what is wrong in the slice's words, and how to use it", async () => {
    const refused = await run(['partners', 'add', 'evil', 'http://169.254.169.254/latest', '--events', 'shop.orders.*']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^offramp: url: 169\.254\.169\.254 resolves to 169\.254\.169\.254, a private or loopback address/);
    const short = await run(['partners', 'add', 'x', receiverUrl, '--events', 'shop.orders.*', '--secret', 'whsec_c2hvcnQ=']);
    expect(short.err).toBe('offramp: secret: too short: 5 bytes, at least 24\n');
    expect((await run(['partners', 'add', 'x'])).code).toBe(2);
    expect((await run(['partners', 'list'], { OFFRAMP_INTEGRATIONS_URL: slice.url, OFFRAMP_INTEGRATIONS_TOKEN: 'wrong-token-0123456789' })).code).toBe(1);
    expect((await run(['partners', 'replay', 'no-such-delivery', '--reason', 'x'])).err).toMatch(/^offramp: no delivery/);
    expect((await run(['partners', '--help'])).out).toContain('usage: offramp partners');
  });
});

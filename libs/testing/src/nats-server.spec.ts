import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { answersInfo } from '@offramp/processes';
import { startNatsServer } from './nats-server.js';

describe('startNatsServer (real nats-server)', () => {
  it('keeps JetStream data across kill -9 and a restart on the same port and store', async () => {
    const server = await startNatsServer();
    try {
      const nc = await connect({ servers: server.url });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'PROBE', subjects: ['probe.>'] });
      await jetstream(nc).publish('probe.one', 'kept');
      await nc.close();

      const pidBefore = server.pid;
      await server.kill9();
      expect(await answersInfo(server.port)).toBe(false);

      await server.restart();
      expect(server.pid).not.toBe(pidBefore);
      const again = await connect({ servers: server.url });
      const info = await (await jetstreamManager(again)).streams.info('PROBE');
      expect(info.state.messages).toBe(1);
      await again.close();
    } finally {
      await server.stop();
    }
  });

  it('stops the server by its pid and frees the port', async () => {
    const server = await startNatsServer();
    await server.stop();
    expect(await answersInfo(server.port)).toBe(false);
  });
});

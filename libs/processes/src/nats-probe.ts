import { connect as tcpConnect } from 'node:net';

/** True once the server greets a TCP client with its INFO line. */
export function answersInfo(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}

import { createServer } from 'node:http';
import { startSmtpServer } from './smtp-server.js';

/**
 * The loopback mail server as a process, for `npm start` (tools/stack): the mail provider is a
 * third party, so locally this stands in. SMTP on MAIL_SMTP_PORT (1025, the monolith's and
 * pipelines' default MAIL_PORT); on PORT (1080) `GET /health` and `GET /` (the mails received, JSON).
 */
const smtpPort = Number(process.env.MAIL_SMTP_PORT ?? 1025);
const httpPort = Number(process.env.PORT ?? 1080);
for (const [name, value] of [
  ['MAIL_SMTP_PORT', smtpPort],
  ['PORT', httpPort],
] as const) {
  if (!Number.isInteger(value) || value < 1 || value > 65_535) throw new Error(`${name}: expected a port, got ${process.env[name]}`);
}

const smtp = await startSmtpServer({
  port: smtpPort,
  onMail: (mail) => process.stderr.write(`mail: ${mail.messageId ?? '(no Message-ID)'} to ${mail.to.join(', ')}: ${mail.subject ?? ''}\n`),
});
const http = createServer((request, response) => {
  if (request.url === '/health') return response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  if (request.url === '/' || request.url === '/mails') {
    const mails = smtp.mails.map(({ raw: _raw, ...mail }) => mail);
    return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(mails.slice(-200)));
  }
  response.writeHead(404).end();
});
await new Promise<void>((resolve) => http.listen(httpPort, '127.0.0.1', resolve));
process.stderr.write(`mail server: SMTP on 127.0.0.1:${smtpPort}, received mails on http://127.0.0.1:${httpPort}/\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    http.close();
    void smtp.stop().then(() => process.exit(0));
  });

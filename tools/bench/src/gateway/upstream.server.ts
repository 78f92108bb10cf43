// The fast upstream every target proxies to: a bare node:http server answering a small JSON body.
import { createServer } from 'node:http';

const body = Buffer.from(JSON.stringify({ id: 42, name: 'bench', price: '9.99', tags: ['a', 'b'], ok: true }));
createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
}).listen(Number(process.env['PORT']), '127.0.0.1', () => process.stderr.write('upstream ready\n')).keepAliveTimeout = 60_000;

#!/usr/bin/env node
// Makes one NATS user nkey per Offramp service, once, for docker/nats/offramp.conf:
//
//   node docker/nats/make-credentials.mjs <folder>
//
// writes <folder>/<service>.nk (the seed: the service's secret, mode 600; mount it and point
// NATS_NKEY_SEED_FILE at it) and <folder>/nkeys.env (the public keys: the NATS server's
// environment, OFFRAMP_NKEY_<SERVICE>=U…). A seed that exists is kept, so running it again only
// fills what is missing; delete a seed and run it again to rotate that service's key.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createUser, fromSeed } from '@nats-io/nkeys';

const SERVICES = ['gateway', 'api', 'integrations', 'pipelines'];

const folder = process.argv[2];
if (!folder) {
  process.stderr.write('usage: node docker/nats/make-credentials.mjs <folder>\n');
  process.exit(64);
}
mkdirSync(folder, { recursive: true, mode: 0o700 });

const lines = [];
for (const service of SERVICES) {
  const seedFile = join(folder, `${service}.nk`);
  let user;
  if (existsSync(seedFile)) {
    user = fromSeed(new TextEncoder().encode(readFileSync(seedFile, 'utf8').trim()));
  } else {
    user = createUser();
    writeFileSync(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 });
  }
  chmodSync(seedFile, 0o600);
  lines.push(`OFFRAMP_NKEY_${service.toUpperCase()}=${user.getPublicKey()}`);
}
writeFileSync(join(folder, 'nkeys.env'), `${lines.join('\n')}\n`);
process.stdout.write(`NATS credentials in ${resolve(folder)}: ${SERVICES.map((service) => `${service}.nk`).join(', ')} (secret) and nkeys.env (public)\n`);

#!/usr/bin/env node
// Makes the per-service secrets of a deployment, once:
//
//   node docker/make-credentials.mjs <folder>
//
// NATS (docker/nats/offramp.conf): <service>.nk, one user nkey seed per service (secret, mode 600:
// mount it and point NATS_NKEY_SEED_FILE at it), and nkeys.env, the public keys the NATS server
// reads from its environment (OFFRAMP_NKEY_<SERVICE>=U…).
// Identity tokens (EdDSA): identity-private.env (IDENTITY_TOKEN_PRIVATE_KEY, for the gateway only)
// and identity-public.env (IDENTITY_TOKEN_PUBLIC_KEY, for the slices), PEM with \n escaped.
//
// What exists is kept, so running it again only fills what is missing; delete a file and run it
// again to rotate that key (an identity key pair is rotated as a pair).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createUser, fromSeed } from '@nats-io/nkeys';

const SERVICES = ['gateway', 'api', 'integrations', 'pipelines'];

const folder = process.argv[2];
if (!folder) {
  process.stderr.write('usage: node docker/make-credentials.mjs <folder>\n');
  process.exit(64);
}
mkdirSync(folder, { recursive: true, mode: 0o700 });
const secret = (name, content) => {
  writeFileSync(join(folder, name), content, { mode: 0o600 });
  chmodSync(join(folder, name), 0o600);
};

const nkeys = [];
for (const service of SERVICES) {
  const seedFile = join(folder, `${service}.nk`);
  let user;
  if (existsSync(seedFile)) {
    user = fromSeed(new TextEncoder().encode(readFileSync(seedFile, 'utf8').trim()));
  } else {
    user = createUser();
    secret(`${service}.nk`, `${new TextDecoder().decode(user.getSeed())}\n`);
  }
  nkeys.push(`OFFRAMP_NKEY_${service.toUpperCase()}=${user.getPublicKey()}`);
}
writeFileSync(join(folder, 'nkeys.env'), `${nkeys.join('\n')}\n`);

const oneLine = (pem) => pem.trim().replace(/\n/g, '\\n');
if (!existsSync(join(folder, 'identity-private.env')) || !existsSync(join(folder, 'identity-public.env'))) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  secret('identity-private.env', `IDENTITY_TOKEN_PRIVATE_KEY=${oneLine(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())}\n`);
  writeFileSync(join(folder, 'identity-public.env'), `IDENTITY_TOKEN_PUBLIC_KEY=${oneLine(publicKey.export({ type: 'spki', format: 'pem' }).toString())}\n`);
}

process.stdout.write(
  `credentials in ${resolve(folder)}: ${SERVICES.map((service) => `${service}.nk`).join(', ')} and identity-private.env (secret); nkeys.env and identity-public.env (public)\n`,
);

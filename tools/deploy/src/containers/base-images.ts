import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CommandFailedError, runCommand, type Podman } from './podman.js';

/** The images the Dockerfiles and the compose file start from, as a machine that can pull gets them. */
export const OFFICIAL = {
  debian: 'docker.io/library/debian:bookworm-slim',
  node: 'docker.io/library/node:24-bookworm-slim',
  nats: 'docker.io/library/nats:2.10',
  mariadb: 'docker.io/library/mariadb:10.11',
} as const;

/** What is made here instead when the pull fails. */
const LOCAL = {
  debian: 'localhost/offramp/debian:bookworm-slim',
  node: 'localhost/offramp/node:24-bookworm-slim',
  nats: 'localhost/offramp/nats:debian-bookworm',
  mariadb: 'localhost/offramp/mariadb:debian-bookworm',
} as const;

export type BaseImages = { -readonly [name in keyof typeof OFFICIAL]: string };

export interface BaseImageSettings {
  root: string;
  /** Scratch space for the Debian root filesystem and the Node base's build context. */
  workFolder: string;
  /** The Node binary and headers to put in a local Node base: the node@24 npm package's. */
  nodePackage: string;
  /** The npm package to put beside it. */
  npmPackage: string;
  say: (line: string) => void;
}

/**
 * Each base image pulled where a registry answers, else made here: Debian bookworm by debootstrap
 * (minbase, trimmed like the slim image, the host's extra CA certificates in, so npm and apt work
 * behind a TLS-inspecting proxy) and `podman import`; Node from the node@24 npm package on it;
 * NATS and MariaDB from Debian's nats-server and mariadb-server packages. An image already in the
 * store is used as it is.
 */
export async function ensureBaseImages(podman: Podman, settings: BaseImageSettings): Promise<BaseImages> {
  const chosen = {} as BaseImages;
  for (const name of Object.keys(OFFICIAL) as (keyof typeof OFFICIAL)[]) {
    if (await podman.imageExists(OFFICIAL[name])) chosen[name] = OFFICIAL[name];
    else if (await podman.imageExists(LOCAL[name])) chosen[name] = LOCAL[name];
    else if (name === 'debian' || name === 'node' || !(await podman.imageExists(LOCAL.debian))) {
      settings.say(`pulling ${OFFICIAL[name]}`);
      chosen[name] = (await podman.tryPull(OFFICIAL[name])) ? OFFICIAL[name] : await makeLocally(podman, name, chosen, settings);
    } else {
      // The Debian base was made here: this machine cannot pull, do not wait for another timeout.
      chosen[name] = await makeLocally(podman, name, chosen, settings);
    }
    settings.say(`base image ${name}: ${chosen[name]}`);
  }
  return chosen;
}

async function makeLocally(podman: Podman, name: keyof typeof OFFICIAL, chosen: Partial<BaseImages>, settings: BaseImageSettings): Promise<string> {
  settings.say(`no registry answered: making ${LOCAL[name]} here`);
  const debian = chosen.debian ?? LOCAL.debian;
  switch (name) {
    case 'debian':
      await debootstrapImage(podman, settings);
      break;
    case 'node': {
      const context = join(settings.workFolder, 'node-context');
      rmSync(context, { recursive: true, force: true });
      mkdirSync(context, { recursive: true });
      cpSync(settings.nodePackage, join(context, 'node'), { recursive: true, filter: (source) => !source.includes('/share/') });
      cpSync(settings.npmPackage, join(context, 'npm'), { recursive: true });
      // The release binary carries its symbol table (13 MB); a service never needs it.
      await runCommand('strip', [join(context, 'node/bin/node')]);
      await build(podman, LOCAL.node, 'node.Dockerfile', context, debian, settings);
      break;
    }
    case 'nats':
    case 'mariadb':
      await build(podman, LOCAL[name], `${name}.Dockerfile`, join(settings.root, 'docker/base'), debian, settings);
      break;
  }
  return LOCAL[name];
}

function build(podman: Podman, tag: string, dockerfile: string, context: string, debian: string, settings: BaseImageSettings) {
  return podman.run(
    ['build', '--pull=never', '--build-arg', `DEBIAN_IMAGE=${debian}`, '-f', join(settings.root, 'docker/base', dockerfile), '-t', tag, context],
    {
      echo: true,
      timeoutMs: 900_000,
    },
  );
}

async function debootstrapImage(podman: Podman, settings: BaseImageSettings): Promise<void> {
  const rootfs = join(settings.workFolder, 'debian-rootfs');
  rmSync(rootfs, { recursive: true, force: true });
  settings.say('debootstrap of Debian bookworm (minbase), about 2 minutes');
  const strap = await runCommand('debootstrap', ['--variant=minbase', 'bookworm', rootfs, 'http://deb.debian.org/debian'], { timeoutMs: 900_000 });
  if (strap.code !== 0) throw new CommandFailedError('debootstrap', strap);
  // As the slim image: no docs, man pages, locales or package lists.
  for (const folder of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/lib/apt/lists', 'var/cache/apt', 'var/cache/debconf']) {
    const path = join(rootfs, folder);
    if (!existsSync(path)) continue;
    for (const entry of readdirSync(path)) rmSync(join(path, entry), { recursive: true, force: true });
  }
  // The host's extra certificate authorities (a TLS-inspecting proxy's) become the image's too.
  const extra = '/usr/local/share/ca-certificates';
  if (existsSync(extra)) cpSync(extra, join(rootfs, extra), { recursive: true });
  if (existsSync('/etc/ssl/certs/ca-certificates.crt')) {
    mkdirSync(join(rootfs, 'etc/ssl/certs'), { recursive: true });
    cpSync('/etc/ssl/certs/ca-certificates.crt', join(rootfs, 'etc/ssl/certs/ca-certificates.crt'));
  }
  const tar = await runCommand('sh', ['-c', `tar -C '${rootfs}' -c . | podman import --change 'CMD ["bash"]' - ${LOCAL.debian}`], {
    env: podman.env,
    timeoutMs: 300_000,
  });
  if (tar.code !== 0) throw new CommandFailedError('podman import', tar);
  rmSync(rootfs, { recursive: true, force: true });
}

import type { Podman } from './podman.js';

/** A service image runs with other Node options than its package.json declares (offramp.nodeArgs). */
export class ImageNodeOptionsMismatchError extends Error {
  readonly code = 'IMAGE_NODE_OPTIONS_MISMATCH';
  constructor(
    readonly image: string,
    readonly found: string,
    readonly declared: string,
  ) {
    super(
      `${image} has NODE_OPTIONS "${found}" but its package.json declares offramp.nodeArgs "${declared}": check docker/node-service.Dockerfile's NODE_ARGS`,
    );
    this.name = 'ImageNodeOptionsMismatchError';
  }
}

/** What the built image will run with, read back from it: a Dockerfile that drops the build argument fails here, not in production. */
export async function expectImageNodeOptions(podman: Podman, image: string, nodeArgs: string[]): Promise<void> {
  const env = JSON.parse(await podman.run(['image', 'inspect', '--format', '{{json .Config.Env}}', image])) as string[];
  const found = env.find((entry) => entry.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '';
  if (found !== nodeArgs.join(' ')) throw new ImageNodeOptionsMismatchError(image, found, nodeArgs.join(' '));
}

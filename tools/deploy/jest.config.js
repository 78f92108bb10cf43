import preset from '../../jest.preset.js';

// The 3-node NATS failover run (about 95 s, kill -9 of the stream leader twice) is its own command,
// `npm run soak:nats-cluster`, not part of `npm test`: it is a soak under load, and its last step
// (the gateway seeing a route added after the second election) does not yet hold every time.
const soak = process.env.OFFRAMP_SOAK === '1';

export default {
  ...preset,
  displayName: 'deploy',
  rootDir: import.meta.dirname,
  testPathIgnorePatterns: ['/node_modules/', ...(soak ? [] : ['/src/nats-cluster/'])],
};

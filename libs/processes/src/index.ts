export { waitUntil, httpStatus, type WaitOptions } from './wait-until.js';
export { answersInfo } from './nats-probe.js';
export { workspaceRoot } from './workspace.js';
export { serviceNodeArgs, ServiceNodeArgsError } from './service-node-args.js';

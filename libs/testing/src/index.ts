export { startProcess, type ManagedProcess } from './child-process.js';
export { freePort } from './free-port.js';
export { startNatsServer, answersInfo, type NatsServerHandle, type NatsServerOptions } from './nats-server.js';
export { startService, type ServiceProcess, type StartServiceOptions } from './service-process.js';
export { tempDir, tempSqlite, type TempDir, type TempSqlite } from './temp-dir.js';
export { waitUntil, httpStatus, type WaitOptions } from './wait-until.js';
export { workspaceRoot } from './workspace.js';
export { describeServiceFoundation } from './service-foundation.suite.js';
export { startLegacyApp, legacyLogin, type LegacyApp, type StartLegacyAppOptions } from './legacy-app.js';

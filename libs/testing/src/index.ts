export { startProcess, type ManagedProcess } from './child-process.js';
export { freeConsecutivePorts, freePort } from './free-port.js';
export { alive, childrenOf } from './process-tree.js';
export { startNatsServer, type NatsServerHandle, type NatsServerOptions } from './nats-server.js';
export { startNatsCluster, type ClusterNode, type NatsCluster } from './nats-cluster.js';
export { startService, type ServiceProcess, type StartServiceOptions } from './service-process.js';
export { tempDir, tempSqlite, type TempDir, type TempSqlite } from './temp-dir.js';
export { describeServiceFoundation } from './service-foundation.suite.js';
export { startLegacyApp, legacyLogin, type LegacyApp, type StartLegacyAppOptions } from './legacy-app.js';
export { startSymfonyApp, symfonyLogin, CookieJar, type SymfonyApp, type StartSymfonyAppOptions } from './symfony-app.js';
export { scratchDatabase, MARIADB_ADMIN_URL, POSTGRES_ADMIN_URL, type ScratchDatabase, type ScratchDatabaseKind } from './scratch-database.js';
export { seededRandom, type SeededRandom } from './seeded-random.js';
export { nginxBinary, nginxProxyConfig, startNginxProcess, startNginxProxy, type NginxProxy } from './nginx.js';
// The probes and the workspace root are shared with the local stack runner (tools/stack).
export { answersInfo, httpStatus, serviceNodeArgs, waitUntil, workspaceRoot, type WaitOptions } from '@offramp/processes';
export { artisan, TEST_APP_KEY } from './artisan.js';
export { startFakeCarrier, carrierRates, type FakeCarrier, type FakeCarrierSettings, type CarrierFailure } from './fake-carrier.js';
export { startSmtpServer, type SmtpServerHandle, type ReceivedMail } from './smtp-server.js';
export { startOtlpReceiver, decodeTraces, SPAN_KIND, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
export { startPartnerEndpoint, type PartnerEndpoint } from './partner-endpoint.js';
export {
  E2E_ADMIN_TOKEN,
  E2E_IDENTITY_SECRET,
  gatewayAdmin,
  startGateway,
  throughGateway,
  writeRoutesFile,
  type GatewayOptions,
  type ProxiedAnswer,
} from './gateway-process.js';
export { CHROMIUM_LAUNCH_OPTIONS } from './chromium.js';
export { openEventStream, type EventStream } from './event-stream.js';

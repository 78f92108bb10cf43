import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by main.ts, before any other module is evaluated: V8 must not allocate the proxy
 * path's per-request objects (undici requests and bodies, headers, IncomingMessage...) straight
 * into the old generation.
 *
 * V8 "pretenures" an allocation site once its objects survived young-generation GCs; in a process
 * as large as a Nest app it takes that decision for the sites the proxy path shares with startup
 * and load bursts, and keeps it. Every request then lands in old space: in the `legacy` bench
 * about 4 KB promoted per request (0.5 GB in 15 s), scavenges of ~10 ms and a mark-compact every
 * couple of seconds — GC was a tenth of the gateway's CPU per request. Without pretenuring these
 * objects die young, as a proxy's do (measured: GC time ÷4.5, promoted bytes ÷8).
 */
setFlagsFromString('--no-allocation-site-pretenuring');

/**
 * What still reaches the old generation under load is garbage: requests in flight when a scavenge
 * runs. After a full GC the gateway's old space holds ~45 MB, but V8 lets it grow to about twice
 * its live size before the next one, so at 64 connections it held ~94 MB, half of it dead, and
 * RSS kept the peak. Collecting at 1.2× live instead (with package.json's 16 MB young generation)
 * took bench:gateway's peak RSS from 219–234 MB to 187–193 MB with the same req/s and CPU per
 * request. The price is more frequent full GCs under heavy load; at 1,000 req/s none ran in 21 s.
 * Set here because Node refuses this flag in NODE_OPTIONS, which the image uses (package.json's
 * `offramp.nodeArgs` holds the ones it takes); V8 reads it at every heap-limit computation.
 */
setFlagsFromString('--heap-growing-percent=20');

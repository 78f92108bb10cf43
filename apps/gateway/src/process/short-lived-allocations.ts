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

/**
 * The integrations slice's contract version (semver). Bump the major for a breaking change: the
 * breaking-change check (libs/contracts) refuses one against main's document otherwise.
 */
export const INTEGRATIONS_VERSION = '2.0.0';

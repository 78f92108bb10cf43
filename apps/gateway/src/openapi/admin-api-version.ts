/**
 * The gateway admin API's contract version (semver). Bump the major for a breaking change: the
 * breaking-change check (libs/contracts) refuses one against main's document otherwise.
 */
export const ADMIN_API_VERSION = '3.1.0';

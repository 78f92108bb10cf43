/** NATS KV keys and subject tokens allow [A-Za-z0-9_-=.]: a route id (`GET /a/:id`) is base64url-encoded. */
export function routeKey(routeId: string): string {
  return Buffer.from(routeId, 'utf8').toString('base64url');
}

export function routeIdFromKey(key: string): string {
  return Buffer.from(key, 'base64url').toString('utf8');
}

# One image recipe for every Node service, built from that service's own context, which holds only
# what it needs (tools/deploy/src/containers/image-context.ts stages it in .offramp/images/<app>:
# Nx's pruned package.json and lockfile, the service's build output and its libraries'):
#
#   npm run stack:containers                      # stages, builds and runs every image here
#   podman build -f docker/node-service.Dockerfile --build-arg APP=api -t offramp/api:1.4.2 .offramp/images/api
#
# NODE_IMAGE and DEBIAN_IMAGE are the official node:24-bookworm-slim and debian:bookworm-slim;
# stack:containers passes locally made ones when no registry answers. The service runs on the
# Debian base with the Node binary alone: no npm, no headers (only the build stage needs npm).
ARG NODE_IMAGE=node:24-bookworm-slim
ARG DEBIAN_IMAGE=debian:bookworm-slim

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /srv
COPY package.json package-lock.json ./
# No install scripts: the images carry no native addon (SQLite is for local runs). The npm cache
# is shared by the builds of all four services. TypeScript sources and declarations, source maps,
# Markdown and TypeORM's browser build are never loaded by a service; nor are better-sqlite3's C
# sources and its addons for other platforms (it loads prebuilds/<platform>-<arch>.node), rxjs's
# browser bundles and ES5 build, or the Swagger UI (no service serves it: @nestjs/swagger loads
# swagger-ui-dist only in SwaggerModule.setup, and the OpenAPI documents are JSON).
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
 && rm -rf node_modules/typeorm/browser node_modules/rxjs/dist/bundles node_modules/rxjs/dist/esm5 node_modules/swagger-ui-dist \
 && if [ -d node_modules/better-sqlite3 ]; then \
      rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
      && find node_modules/better-sqlite3/prebuilds -type f ! -name "$(node -p 'process.platform + "-" + process.arch').node" -delete; \
    fi \
 && find node_modules -type f \( -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.map' -o -name '*.md' \) -delete

FROM ${NODE_IMAGE} AS node

FROM ${DEBIAN_IMAGE}
COPY --from=node /usr/local/bin/node /usr/local/bin/node
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --no-create-home --shell /usr/sbin/nologin node
ARG APP
ARG VERSION=0.1.0
# The service's Node options (apps/<app>/package.json offramp.nodeArgs, passed by stack:containers): heap
# sizes only take effect when set as the process starts.
ARG NODE_ARGS=""
LABEL org.opencontainers.image.title="offramp-${APP}" \
      org.opencontainers.image.description="Offramp ${APP} service" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/offramp/offramp" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production HOST=0.0.0.0 LOG_PRETTY=false NODE_OPTIONS="${NODE_ARGS}"
WORKDIR /srv
COPY --from=dependencies /srv/node_modules ./node_modules
COPY libs/ ./node_modules/@offramp/
COPY app/ ./app/
COPY beside/ ./
WORKDIR /srv/app
USER node
# Liveness on the port health answers on: the gateway's admin listener, else PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.GATEWAY_ADMIN_PORT || process.env.PORT}/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is PID 1: the service handles SIGTERM and SIGINT (a bounded graceful shutdown,
# libs/platform bootstrap) and starts no child processes, so there is nothing to reap.
CMD ["node", "dist/main.js"]

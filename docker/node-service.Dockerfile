# One image recipe for every Node service: docker build -f docker/node-service.Dockerfile --build-arg APP=api .
FROM node:24-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /repo
COPY package.json package-lock.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
COPY nx.json tsconfig.base.json .swcrc jest.preset.js eslint.config.js ./
ARG APP
RUN npm ci --no-audit --no-fund && NX_DAEMON=false npx nx run ${APP}:build && npm prune --omit=dev

FROM node:24-bookworm-slim
ARG APP
ENV NODE_ENV=production HOST=0.0.0.0 LOG_PRETTY=false APP_ENTRY=apps/${APP}/dist/main.js
WORKDIR /repo
COPY --from=build /repo/package.json ./
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/libs ./libs
COPY --from=build /repo/apps/${APP} ./apps/${APP}
USER node
# exec form through sh only to expand APP_ENTRY; `exec` keeps node as PID 1's child-free target of SIGTERM.
CMD ["sh", "-c", "exec node \"$APP_ENTRY\""]

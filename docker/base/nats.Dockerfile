# A NATS server image from Debian's nats-server package, for machines that cannot pull the official
# `nats` image (npm run stack:containers builds it then). Same command line as the official image.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends nats-server && rm -rf /var/lib/apt/lists/*
EXPOSE 4222 8222 6222
ENTRYPOINT ["nats-server"]

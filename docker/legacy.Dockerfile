# The sample monolith as production runs it: php-fpm + nginx from Debian, Laravel from Debian's package.
# Its build context is apps/legacy and docker/legacy (npm run stack:containers stages them).
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="offramp-legacy" \
      org.opencontainers.image.description="The sample Laravel 8 monolith (php-fpm + nginx)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
RUN apt-get update && apt-get install -y --no-install-recommends \
      php-fpm php-cli php-laravel-framework php-sqlite3 php-mysql php-pgsql php-redis php-mbstring php-xml php-curl \
      nginx ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/legacy
COPY apps/legacy ./
COPY docker/legacy/nginx.conf /etc/nginx/sites-enabled/default
COPY docker/legacy/start.sh /usr/local/bin/start-legacy
RUN chown -R www-data:www-data storage bootstrap/cache && chmod +x /usr/local/bin/start-legacy
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s CMD ["php", "-r", "exit(@file_get_contents('http://127.0.0.1:8000/products') === false ? 1 : 0);"]
CMD ["start-legacy"]

# The sample monolith as production runs it: php-fpm + nginx from Debian, Laravel from Debian's package.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      php-fpm php-cli php-laravel-framework php-sqlite3 php-mysql php-pgsql php-redis php-mbstring php-xml php-curl \
      nginx ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/legacy
COPY apps/legacy ./
COPY docker/legacy/nginx.conf /etc/nginx/sites-enabled/default
COPY docker/legacy/start.sh /usr/local/bin/start-legacy
RUN chown -R www-data:www-data storage bootstrap/cache && chmod +x /usr/local/bin/start-legacy
EXPOSE 8000
CMD ["start-legacy"]

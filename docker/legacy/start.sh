#!/bin/sh
# Migrate (waiting for the database, which may still be starting beside it), optionally seed demo
# data, cache config and routes, then run php-fpm in the background and nginx in the foreground.
set -e
cd /srv/legacy
tries=0
until php artisan migrate --force --no-interaction; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "start-legacy: the database did not accept the migrations after 60 tries" >&2; exit 1; fi
  sleep 2
done
if [ "${SEED_DEMO_DATA:-false}" = true ]; then
  php artisan shop:seed --no-interaction --products=200 --users=20 --orders=0
fi
php artisan config:cache && php artisan route:cache
php-fpm8.2 --daemonize
exec nginx -g 'daemon off;'

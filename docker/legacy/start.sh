#!/bin/sh
# Migrate, cache config and routes, then run php-fpm in the background and nginx in the foreground.
set -e
cd /srv/legacy
php artisan migrate --force --no-interaction
php artisan config:cache && php artisan route:cache
php-fpm8.2 --daemonize
exec nginx -g 'daemon off;'

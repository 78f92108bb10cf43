#!/bin/sh
# First start: make the data directory, the database and its user (as the official image does from
# MARIADB_DATABASE, MARIADB_USER, MARIADB_PASSWORD); then run the server in the foreground.
set -eu
# (Debian's package made the system tables already: the marker says our own setup ran.)
if [ ! -f /var/lib/mysql/.offramp-initialised ]; then
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db > /dev/null
  mariadbd --user=mysql --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  i=0
  until mariadb --socket=/run/mysqld/init.sock -e 'SELECT 1' > /dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 60 ] || { echo 'mariadb did not start' >&2; exit 1; }; sleep 0.5
  done
  mariadb --socket=/run/mysqld/init.sock <<SQL
CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE}\`;
CREATE USER IF NOT EXISTS '${MARIADB_USER}'@'%' IDENTIFIED BY '${MARIADB_PASSWORD}';
GRANT ALL ON \`${MARIADB_DATABASE}\`.* TO '${MARIADB_USER}'@'%';
SQL
  kill "$pid"
  wait "$pid" || true
  touch /var/lib/mysql/.offramp-initialised
fi
exec mariadbd --user=mysql --bind-address=0.0.0.0

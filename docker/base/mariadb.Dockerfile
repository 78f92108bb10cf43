# A MariaDB 10.11 image from Debian's mariadb-server package, for machines that cannot pull the
# official `mariadb` image (npm run stack:containers builds it then). It reads the official image's
# MARIADB_DATABASE, MARIADB_USER and MARIADB_PASSWORD on the first start (mariadb-entrypoint.sh).
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends mariadb-server && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
COPY mariadb-entrypoint.sh /usr/local/bin/mariadb-entrypoint
EXPOSE 3306
ENTRYPOINT ["mariadb-entrypoint"]

# The daily backup job (docker-compose service "backup"): the ops CLI (`platform backup --all`, see
# deploy/backup-daily.sh) on the origins' Node, with the PostgreSQL client tools of the production server's
# major version. pg_dump refuses a server newer than itself, so PG_MAJOR follows the databases' image in
# docker-compose.yml (postgres:16-bookworm): bump both together.
#
# Why this image and not another:
# - not the origin image: it has no PostgreSQL client, and a dump tool does not belong in every web-facing
#   container;
# - not postgres:16 plus a copied Node binary: Node would run on a system it was not built or tested for,
#   while here it is the official Node image the origins already run on. The client comes from the PGDG apt
#   repository, the same packages the postgres:16 image installs, set up with the repository's own script and
#   the signing key Debian's postgresql-common ships (no key fetched over the network).
FROM node:24-bookworm-slim
ARG PG_MAJOR=16
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates postgresql-common \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PG_DUMP=/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump \
    PG_RESTORE=/usr/lib/postgresql/${PG_MAJOR}/bin/pg_restore
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# The CLI imports the origin's migration code (migrate) and the shared schemas.
COPY shared ./shared
COPY origin ./origin
COPY scripts ./scripts
COPY deploy/backup-daily.sh ./deploy/backup-daily.sh
USER node
CMD ["deploy/backup-daily.sh"]

#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d).
# The API connects as `englog`: not a superuser, but the owner of its database, so it can
# run its own migrations and nothing else on the server.
set -eu
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
     -v app_password="$ENGLOG_DB_PASSWORD" -v app_role="${ENGLOG_DB_ROLE:-englog}" \
     -v app_db="${ENGLOG_DB_NAME:-englog}" <<'SQL'
CREATE ROLE :"app_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_role";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
SQL

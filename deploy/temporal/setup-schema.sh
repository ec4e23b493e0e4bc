#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas to the version this
# admin-tools image carries, then exits. Run again on every `docker compose up`, it is
# safe: create-database accepts a database that exists, setup-schema -v 0.0 only adds its
# version tables if missing and leaves a newer version alone, and update-schema applies
# only the versions not yet applied. Any other failure stops the script (set -e), and
# compose runs it again (restart: on-failure), up to a bound.
set -eu

: "${SQL_PLUGIN:?set SQL_PLUGIN}" "${SQL_HOST:?set SQL_HOST}" "${SQL_USER:?set SQL_USER}"
SCHEMAS=/etc/temporal/schema/postgresql/v12

prepare() {  # prepare DATABASE SCHEMA_FOLDER
    temporal-sql-tool --db "$1" create-database
    temporal-sql-tool --db "$1" setup-schema -v 0.0
    temporal-sql-tool --db "$1" update-schema -d "$SCHEMAS/$2/versioned"
    echo "database $1: schema up to date"
}

prepare temporal temporal
prepare temporal_visibility visibility

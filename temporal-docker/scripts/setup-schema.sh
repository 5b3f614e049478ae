#!/bin/sh
# Init container (temporalio/admin-tools): creates Temporal's two databases and applies the
# persistence and SQL visibility schemas with temporal-sql-tool, from the schemas embedded in
# that tool (the same as schema/postgresql/v12/ of go.temporal.io/server). The same steps as
# `npm run cluster` (scripts/cluster/schema.ts); test/deploy/compose.test.ts keeps them equal.
# Idempotent: an existing database is kept and migrated to the tool's schema version.
set -eu

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" --port "${DB_PORT:-5432}" \
    --user "$POSTGRES_USER" --password "$POSTGRES_PWD" "$@"
}

# database:schema-name pairs
SCHEMAS="
temporal:postgresql/v12/temporal
temporal_visibility:postgresql/v12/visibility
"

for pair in $SCHEMAS; do
  db="${pair%%:*}"
  schema="${pair#*:}"
  if ! out="$(sql --db "$db" create-database 2>&1)"; then
    case "$out" in
      *"already exists"*) echo "schema: database $db exists" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema --schema-name "$schema"
  echo "schema: $db is at the schema of temporal-sql-tool ($schema)"
done

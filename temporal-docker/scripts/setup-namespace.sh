#!/bin/sh
# One-shot setup, run by the temporal-admin-tools container after the Temporal server is
# healthy. Idempotent: safe to run again (`docker compose run --rm temporal-admin-tools`).
#
#   1. wait for the frontend, create the namespace if it is missing
#   2. set the namespace retention (default 30 days)
#   3. register the engine's custom search attributes
#   4. verify they are all listed
#
# Uses the `temporal` CLI shipped in temporalio/admin-tools.
set -eu

TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${NAMESPACE:-default}"
NAMESPACE_RETENTION="${NAMESPACE_RETENTION:-720h}"
MAX_ATTEMPTS="${SETUP_MAX_ATTEMPTS:-90}"
SLEEP_SECONDS="${SETUP_SLEEP_SECONDS:-2}"

# name:type pairs, the same as SA in workflows/definitions.ts (test/deploy/compose.test.ts checks).
# (SQL visibility has 10 Keyword, 3 Int, 3 Datetime, 3 Bool and 3 KeywordList slots per namespace.)
SEARCH_ATTRIBUTES="
ComplaintStatus:Keyword
EscalationLevel:Int
OrderId:Keyword
CustomerId:Keyword
Category:Keyword
Tier:Keyword
Owner:Keyword
NextDeadline:Datetime
Breached:Bool
Warned:Bool
Outcome:Keyword
CaseRef:Keyword
IntakeKeys:KeywordList
NeedsOps:Bool
PhoneHash:Keyword
PendingApprovalLevel:Int
"

t() {
  temporal "$@" --address "$TEMPORAL_ADDRESS"
}

# retry DESCRIPTION COMMAND...: run COMMAND until it succeeds or MAX_ATTEMPTS is reached.
retry() {
  desc="$1"
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      echo "setup: FAILED: $desc (after $attempt attempts)" >&2
      exit 1
    fi
    echo "setup: waiting for: $desc (attempt $attempt/$MAX_ATTEMPTS)"
    attempt=$((attempt + 1))
    sleep "$SLEEP_SECONDS"
  done
}

namespace_exists() {
  t operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1
}

echo "setup: Temporal at $TEMPORAL_ADDRESS, namespace '$NAMESPACE'"

# 1. Frontend up, then namespace registered.
retry "Temporal frontend to serve" t operator cluster health

# A real cluster starts with no namespace: create it (a concurrent "already exists" is harmless),
# then wait until the frontend serves it.
if ! namespace_exists; then
  echo "setup: creating namespace '$NAMESPACE'"
  t operator namespace create --namespace "$NAMESPACE" --retention "$NAMESPACE_RETENTION" \
    --description "Complaint engine namespace" || true
fi
retry "namespace '$NAMESPACE' to be served" namespace_exists
echo "setup: namespace '$NAMESPACE' exists"

# 2. Retention: how long closed complaint workflows (and their histories) are kept.
retry "retention update" t operator namespace update --namespace "$NAMESPACE" --retention "$NAMESPACE_RETENTION"
echo "setup: retention set to $NAMESPACE_RETENTION"

# 3. Custom search attributes, in one call. The server skips attributes that already exist
#    with the same type, and the CLI refuses (non-zero exit) if one exists with another type.
set --
for pair in $SEARCH_ATTRIBUTES; do
  set -- "$@" --name "${pair%%:*}" --type "${pair#*:}"
done
retry "search attribute registration" t operator search-attribute create --namespace "$NAMESPACE" "$@"

# 4. Verify.
verify() {
  listing="$(t operator search-attribute list --namespace "$NAMESPACE" --output json)" || return 1
  for pair in $SEARCH_ATTRIBUTES; do
    name="${pair%%:*}"
    if ! printf '%s' "$listing" | grep -q "\"$name\""; then
      echo "setup: search attribute $name not listed yet"
      return 1
    fi
  done
}
retry "search attributes to be listed" verify

echo "setup: search attributes registered:"
t operator search-attribute list --namespace "$NAMESPACE"
echo "setup: done"

#!/bin/sh
# Waits for the Temporal server, then creates Throughline's namespace unless it exists,
# and exits. Every wait is bounded: past ATTEMPTS tries the script fails, and compose runs
# it again (restart: on-failure) up to its own bound, so a server that never answers shows
# as a failed service instead of a stack that hangs.
set -eu

: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}" "${NAMESPACE:?set NAMESPACE}"
RETENTION=${RETENTION:-3650d}
ATTEMPTS=${ATTEMPTS:-30}
PAUSE_SECONDS=${PAUSE_SECONDS:-5}

retry() {  # retry WHAT COMMAND...: run COMMAND until it succeeds, at most ATTEMPTS times
    what=$1
    shift
    tried=1
    until "$@"; do
        if [ "$tried" -ge "$ATTEMPTS" ]; then
            echo "gave up waiting for $what after $ATTEMPTS attempts" >&2
            return 1
        fi
        echo "waiting for $what (attempt $tried of $ATTEMPTS)" >&2
        tried=$((tried + 1))
        sleep "$PAUSE_SECONDS"
    done
}

namespace_exists_or_created() {
    temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1 ||
        temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
}

retry "the Temporal server at $TEMPORAL_ADDRESS" temporal operator cluster health
retry "namespace $NAMESPACE" namespace_exists_or_created
echo "namespace $NAMESPACE is ready (retention $RETENTION when created)"

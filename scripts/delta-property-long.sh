#!/usr/bin/env sh
# The calendars/delta property test with many more runs than CI's default (200).
# Usage: scripts/delta-property-long.sh [runs]   (default 10000; about 8 minutes)
# Replay a failure with DELTA_PROPERTY_SEED=<seed printed by fast-check>.
set -eu
cd "$(dirname "$0")/.."
DELTA_PROPERTY_RUNS="${1:-${DELTA_PROPERTY_RUNS:-10000}}" exec npx vitest run test/api/delta-property.test.ts

#!/usr/bin/env sh
# The calendarView/delta model test with many more runs than npm test's default (200 on SQLite).
# Usage: scripts/event-delta-property-long.sh [runs]   (default 10000, on SQLite; prefix
# GRAPHCAL_TEST_ENGINE=postgres for PostgreSQL, about six times slower per run)
# Replay a failure with EVENT_DELTA_PROPERTY_SEED=<seed> EVENT_DELTA_PROPERTY_PATH=<path> (both printed by fast-check).
set -eu
cd "$(dirname "$0")/.."
EVENT_DELTA_PROPERTY_RUNS="${1:-${EVENT_DELTA_PROPERTY_RUNS:-10000}}" exec npx vitest run test/api/events/event-delta-model.test.ts

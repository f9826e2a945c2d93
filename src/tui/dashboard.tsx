/** `hotdesk` alone on a terminal: the live desk table with a selected phone and actions on it. */
import { useMemo, useRef } from 'react';
import { Box, Text } from 'ink';
import type { Catalogue } from '../core/catalogue.js';
import type { Outcome, Reason } from '../core/reasons.js';
import type { Change, ChangeResult } from '../store/changes.js';
import { statusRows, statusWarnings } from '../store/queries.js';
import { AddPhoneWizard } from './add-phone-wizard.js';
import { buildKeyPreview } from './build-key-preview.js';
import type { DashboardState } from './dashboard-state.js';
import { deskData } from './desk-data-state.js';
import type { DeskSource } from './desk-source.js';
import { DeskBanner, deskBannerHeight } from './desk-banner.js';
import { DeskSummary } from './desk-summary.js';
import { DeskTable } from './desk-table.js';
import { KeyPreviewView } from './key-preview-view.js';
import { useDashboard } from './use-dashboard.js';
import { useDeskData } from './use-desk-data.js';
import { useEmergencyAlerts } from './use-emergency-alerts.js';
import { useTerminalSize } from './use-terminal-size.js';
import { wrappedHeight } from './wrapped-height.js';

export interface DashboardProps {
  source: DeskSource;
  catalogue: Catalogue;
  /** Sends a change to the one writer (the daemon, or the file under the lock). */
  submit: (change: Change) => Promise<Outcome<ChangeResult>>;
  /** A fresh random password for a new phone's idle SIP account; secrets come from the edge. */
  newIdlePassword: () => string;
  /** A refusal in words (the CLI's reason table). */
  describeReason: (reason: Reason) => string;
}

/** A line left free: a frame as tall as the terminal would scroll its first line away. */
const SPARE = 1;

const HELP = '↑↓ select · a add phone · l log out · k keys · / filter · q quits · PgUp/PgDn Home/End';

function Footer({ state }: { state: DashboardState }) {
  const { view } = state;
  switch (view.kind) {
    case 'filter':
      return (
        <Text wrap="truncate-end">
          <Text bold>/</Text>
          {state.filter}
          <Text inverse> </Text>
          <Text dimColor> filter: Enter keeps it, Esc clears it</Text>
        </Text>
      );
    case 'confirm-logout':
      return (
        <Text color="yellow" wrap="truncate-end">
          Log out {view.who} from {view.phone}? <Text bold>y/n</Text>
        </Text>
      );
    case 'busy':
      return (
        <Text dimColor wrap="truncate-end">
          {view.doing}…
        </Text>
      );
    case 'add-phone':
    case 'keys':
    case 'table':
      return (
        <Text dimColor wrap="truncate-end">
          {state.filter === '' ? HELP : `filter "${state.filter}" (Esc clears) · ${HELP}`}
        </Text>
      );
  }
}

export function Dashboard({ source, catalogue, submit, newIdlePassword, describeReason }: DashboardProps) {
  const { state: loaded, reload } = useDeskData(source);
  const data = deskData(loaded);
  const rows = useMemo(() => (data ? statusRows(data, catalogue) : []), [data, catalogue]);
  const warnings = useMemo(() => (data ? statusWarnings(data) : []), [data]);
  const alerts = useEmergencyAlerts(data);
  const taken = useMemo(() => new Map((data?.phones ?? []).map((phone) => [phone.mac, phone.name])), [data]);
  const size = useTerminalSize();
  // PgUp/PgDn move by the rows on screen, known only once this render has laid them out.
  const page = useRef(1);
  const { state, visible, selected, onWizardDone } = useDashboard({
    rows,
    submit,
    newIdlePassword,
    describeReason,
    reload,
    page,
  });
  const problem = loaded.kind === 'stale' || loaded.kind === 'failed' ? loaded.problem : undefined;
  const { view } = state;
  // The title, the banner, the message and the footer each keep their lines; the table gets the rest.
  const messageHeight = state.message ? wrappedHeight(state.message.text, size.columns) : 0;
  const tableHeight = size.rows - 1 - deskBannerHeight({ warnings, problem, alerts }) - messageHeight - 1 - SPARE;
  page.current = Math.max(1, tableHeight - 2);

  let body;
  if (view.kind === 'add-phone') body = <AddPhoneWizard catalogue={catalogue} onDone={onWizardDone} taken={taken} />;
  else if (view.kind === 'keys' && data)
    body = <KeyPreviewView preview={buildKeyPreview(data, catalogue, view.phone)} />;
  else if (loaded.kind === 'loading') body = <Text dimColor>reading the store…</Text>;
  else if (data) {
    const empty = rows.length === 0 ? 'no hot-desk phones yet (a adds one)' : `no phone matches "${state.filter}"`;
    body = (
      <DeskTable
        rows={visible}
        selected={selected?.name}
        empty={empty}
        width={size.columns}
        height={tableHeight}
        now={new Date().toISOString()}
      />
    );
  }

  return (
    <Box flexDirection="column">
      <DeskSummary title="hotdesk" rows={rows} />
      <DeskBanner warnings={warnings} problem={problem} alerts={alerts} />
      {body}
      {state.message && <Text color={state.message.tone === 'error' ? 'red' : 'green'}>{state.message.text}</Text>}
      {view.kind !== 'add-phone' && view.kind !== 'keys' && <Footer state={state} />}
    </Box>
  );
}

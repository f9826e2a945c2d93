/** The add-phone wizard's view: model list, MAC field with live feedback, connection, SBC address. */
import { Box, Text } from 'ink';
import type { Catalogue, PhoneModel } from '../core/catalogue.js';
import { formatMac } from '../core/mac.js';
import { CONNECTION_MODES, type ConnectionMode } from '../core/model.js';
import { ambiguousModels, type AddPhoneWizardState } from './add-phone-wizard-state.js';
import { checkMacInput } from './check-mac-input.js';
import { checkSbcAddress } from '../core/sbc-address.js';
import { filterModels } from './filter-models.js';
import { useAddPhoneWizard } from './use-add-phone-wizard.js';
import type { WizardAnswer } from './wizard-answer.js';

export interface AddPhoneWizardProps {
  catalogue: Catalogue;
  onDone: (answer: WizardAnswer | undefined) => void;
  isActive?: boolean;
  /** MACs of the phones already in the pool (normalised, `001565aabbcc`) → their names: refused as they are typed. */
  taken?: ReadonlyMap<string, string>;
}

/** Models listed at once; the list scrolls with the highlight. */
const LIST_ROWS = 8;

const CONNECTION_HINTS: Record<ConnectionMode, string> = {
  lan: 'on the office LAN or VPN',
  sbc: 'through a session border controller (asks for HOST:PORT)',
  direct: 'straight over the internet, behind NAT',
};

const vendorName = (model: PhoneModel): string => model.vendor.charAt(0).toUpperCase() + model.vendor.slice(1);

function Field({ label, value }: { label: string; value: string }) {
  return (
    <Text>
      <Text bold>{label}</Text> {value}
      <Text inverse> </Text>
    </Text>
  );
}

function Picked({ label, value }: { label: string; value: string }) {
  return (
    <Text>
      <Text bold>{label}</Text> {value} <Text color="green">✓</Text>
    </Text>
  );
}

function Verdict({ problem, tried, valid }: { problem: string | undefined; tried: boolean; valid: string }) {
  if (problem === undefined) return <Text color="green">{`  ✓ ${valid}`}</Text>;
  return <Text color={tried ? 'red' : 'yellow'}>{`  ✗ ${problem}`}</Text>;
}

function ModelList({
  catalogue,
  filter,
  highlighted,
  asked,
}: {
  catalogue: Catalogue;
  filter: string;
  highlighted: number;
  asked: boolean;
}) {
  const models = filterModels(catalogue, filter);
  const start = Math.max(0, Math.min(highlighted - Math.floor(LIST_ROWS / 2), models.length - LIST_ROWS));
  const shown = models.slice(start, start + LIST_ROWS);
  return (
    <Box flexDirection="column">
      <Field label="Model:" value={filter} />
      <Text dimColor>{'  type to filter, ↑↓ choose, Enter picks'}</Text>
      {models.length === 0 && <Text color="yellow">{`  no model matches "${filter}" (Backspace to widen)`}</Text>}
      {asked && (
        <Text color="yellow">
          {'  '}"{filter}" is not one model but {ambiguousModels(catalogue, filter).length}: which one? ↑↓ choose, Enter
          picks the highlighted one
        </Text>
      )}
      {start > 0 && <Text dimColor>{`  … ${start} more above`}</Text>}
      {shown.map((model, i) => {
        const selected = start + i === highlighted;
        return (
          <Text key={model.id} color={selected ? 'cyan' : undefined}>
            {selected ? '❯ ' : '  '}
            {model.id.padEnd(22)} {`${vendorName(model)} ${model.name}`.padEnd(22)} {model.keys} keys
          </Text>
        );
      })}
      {start + LIST_ROWS < models.length && (
        <Text dimColor>{`  … ${models.length - start - LIST_ROWS} more below`}</Text>
      )}
    </Box>
  );
}

function WizardStep({
  state,
  catalogue,
  taken,
}: {
  state: AddPhoneWizardState;
  catalogue: Catalogue;
  taken: ReadonlyMap<string, string> | undefined;
}) {
  switch (state.step) {
    case 'model':
      return (
        <ModelList
          catalogue={catalogue}
          filter={state.filter}
          highlighted={state.highlighted}
          asked={state.asked === true}
        />
      );
    case 'mac': {
      const verdict = checkMacInput(state.mac, taken);
      return (
        <Box flexDirection="column">
          <Picked label="Model:" value={state.model} />
          <Field label="MAC:" value={state.mac} />
          <Verdict
            problem={verdict.ok ? undefined : verdict.problem}
            tried={state.tried}
            valid={verdict.ok ? `valid (${formatMac(verdict.mac)})` : ''}
          />
        </Box>
      );
    }
    case 'connection':
      return (
        <Box flexDirection="column">
          <Picked label="Model:" value={state.model} />
          <Picked label="MAC:" value={state.mac} />
          <Text bold>Connection:</Text>
          {CONNECTION_MODES.map((mode, i) => (
            <Text key={mode} color={i === state.highlighted ? 'cyan' : undefined}>
              {i === state.highlighted ? '❯ ' : '  '}
              {mode.padEnd(7)} <Text dimColor>{CONNECTION_HINTS[mode]}</Text>
            </Text>
          ))}
        </Box>
      );
    case 'sbc':
      return (
        <Box flexDirection="column">
          <Picked label="Model:" value={state.model} />
          <Picked label="MAC:" value={state.mac} />
          <Picked label="Connection:" value="sbc" />
          <Field label="SBC (HOST:PORT):" value={state.sbc} />
          <Verdict problem={checkSbcAddress(state.sbc)} tried={state.tried} valid="valid" />
        </Box>
      );
    case 'done':
      return (
        <Text color="green">
          Adding {state.answer.model}, MAC {state.answer.mac}…
        </Text>
      );
    case 'cancelled':
      // The one line that says so: the CLI adds none after it (the dashboard replaces this view with its own message).
      return <Text dimColor>Cancelled, nothing added.</Text>;
  }
}

export function AddPhoneWizard({ catalogue, onDone, isActive = true, taken }: AddPhoneWizardProps) {
  const state = useAddPhoneWizard({ catalogue, onDone, isActive, ...(taken ? { taken } : {}) });
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>Add a hot-desk phone</Text> <Text dimColor>(Esc cancels)</Text>
      </Text>
      <WizardStep state={state} catalogue={catalogue} taken={taken} />
    </Box>
  );
}

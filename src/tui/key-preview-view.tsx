/** The dashboard's `k` view: the user's keys on the selected phone, Logout first, then BLF, then what does not fit. */
import { Box, Text } from 'ink';
import type { Key } from '../core/key-layout.js';
import type { KeyPreview } from './build-key-preview.js';

const describeKey = (key: Key): string =>
  key.kind === 'logout'
    ? `Logout   ${key.code}`
    : `BLF      ${key.label}${key.label === key.target ? '' : ` (${key.target})`}`;

export function KeyPreviewView({ preview }: { preview: KeyPreview }) {
  if (!preview.ok) {
    return (
      <Box flexDirection="column">
        <Text color="yellow">{preview.problem}</Text>
        <Text dimColor>Esc goes back</Text>
      </Box>
    );
  }
  const { layout, model } = preview;
  const slots = layout.keys.length + layout.unused;
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>
          Keys of {preview.user} ({preview.extension}) on {preview.phone}
        </Text>
        <Text dimColor>
          {' '}
          · {model ? `${model.vendor} ${model.name}` : `${preview.modelId} (not in the catalogue)`}, {slots} key slots
        </Text>
      </Text>
      {layout.keys.map((key, i) => (
        <Text key={i} color={key.kind === 'logout' ? 'cyan' : undefined}>
          {`${String(i + 1).padStart(4)}  ${describeKey(key)}`}
        </Text>
      ))}
      {layout.unused > 0 && (
        <Text dimColor>{`      ${layout.unused} ${layout.unused === 1 ? 'slot' : 'slots'} unused`}</Text>
      )}
      {layout.overflow.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text color="yellow">
            Overflow: {layout.overflow.length} BLF {layout.overflow.length === 1 ? 'key does' : 'keys do'} not fit this
            model:
          </Text>
          {layout.overflow.map((key, i) => (
            <Text key={i} color="yellow">
              {'      '}
              {key.label}
              {key.label === key.target ? '' : ` (${key.target})`}
            </Text>
          ))}
        </Box>
      )}
      <Text dimColor>Esc goes back · q quits</Text>
    </Box>
  );
}

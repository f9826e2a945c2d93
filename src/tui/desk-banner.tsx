/** Above the desk table: office-wide warnings (dial-code conflicts) and a store that cannot be read. */
import { Box, Text } from 'ink';

export interface DeskBannerProps {
  warnings: readonly string[];
  /** Why the store file cannot be read right now, if it cannot. */
  problem?: string | undefined;
}

export function DeskBanner({ warnings, problem }: DeskBannerProps) {
  if (warnings.length === 0 && problem === undefined) return null;
  return (
    <Box flexDirection="column" marginBottom={1}>
      {warnings.map((warning) => (
        <Text key={warning} color="yellow">
          ⚠ warning: {warning}
        </Text>
      ))}
      {problem !== undefined && (
        <Text color="red">✗ cannot read the store: {problem} (still watching)</Text>
      )}
    </Box>
  );
}

/**
 * Above the desk table: emergency-call alerts, office-wide warnings (dial-code conflicts) and a store that cannot
 * be read.
 */
import { Box, Text } from 'ink';

export interface DeskBannerProps {
  warnings: readonly string[];
  /** Emergency calls of the last hour, in words (core/emergency-calls.ts); absent: none. */
  alerts?: readonly string[] | undefined;
  /** Why the store file cannot be read right now, if it cannot. */
  problem?: string | undefined;
}

/** Terminal lines the banner takes (its warnings, the store problem and the blank line under them). */
export function deskBannerHeight({ warnings, problem, alerts = [] }: DeskBannerProps): number {
  const lines = alerts.length + warnings.length + (problem === undefined ? 0 : 1);
  return lines === 0 ? 0 : lines + 1;
}

export function DeskBanner({ warnings, problem, alerts = [] }: DeskBannerProps) {
  if (alerts.length === 0 && warnings.length === 0 && problem === undefined) return null;
  return (
    <Box flexDirection="column" marginBottom={1}>
      {alerts.map((alert) => (
        <Text key={alert} color="red" bold wrap="truncate-end">
          ALERT {alert}
        </Text>
      ))}
      {warnings.map((warning) => (
        <Text key={warning} color="yellow" wrap="truncate-end">
          ⚠ warning: {warning}
        </Text>
      ))}
      {problem !== undefined && (
        <Text color="red" wrap="truncate-end">
          ✗ cannot read the store: {problem} (still watching)
        </Text>
      )}
    </Box>
  );
}

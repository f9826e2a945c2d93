/** `q` quits the screen (Ctrl-C is Ink's own). */
import { useApp, useInput } from 'ink';

export function useQuitKey(isActive = true): void {
  const { exit } = useApp();
  useInput(
    (input, key) => {
      if (input === 'q' && !key.ctrl && !key.meta) exit();
    },
    { isActive },
  );
}

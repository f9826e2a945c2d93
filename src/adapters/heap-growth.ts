/**
 * How far V8 lets the old generation grow past what was live after a full collection. By default
 * it lets it grow further the faster the program allocates (up to four times): under a
 * registration storm hotdeskd, whose live heap stays some 50–60 MB, reached 330 MiB of RSS and
 * kept it. Held to 1.2 times, RSS stays near 200 MiB at ten times the load hotdeskd can serve,
 * for a few per cent more CPU per request (more frequent collections; docs/benchmarks.md).
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 20;

/** The V8 flag to set, or undefined when the command line or NODE_OPTIONS already chose one. */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  if (given.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Holds this process's heap growth to HEAP_GROWING_PERCENT unless told otherwise; returns the flag set. */
export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env['NODE_OPTIONS'],
): string | undefined {
  const flag = heapGrowthFlag(execArgv, nodeOptions);
  if (flag) v8.setFlagsFromString(flag);
  return flag;
}

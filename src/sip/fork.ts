/**
 * Parallel forking (RFC 3261 §16.7): which branch responses go upstream, when
 * the other branches are cancelled, and which final response wins when no
 * branch answered.
 */

export interface ForkState<R> {
  /** Branch id → its final status once known. */
  pending: ReadonlySet<string>;
  answered: boolean;
  /** Best non-2xx final response so far. */
  best: { status: number; response: R } | undefined;
  done: boolean;
}

export type ForkAction<R> =
  | { kind: 'forward'; response: R }
  | { kind: 'cancel'; branches: string[] }
  | { kind: 'final'; status: number; response: R | undefined };

export function startFork<R>(branches: readonly string[]): ForkState<R> {
  return { pending: new Set(branches), answered: false, best: undefined, done: branches.length === 0 };
}

/** Lower ranks win: 6xx, then 486 Busy Here, then the lowest class; 408 and 5xx last (RFC 3261 §16.7 step 6). */
function rank(status: number): number {
  if (status >= 600) return 0;
  if (status === 486) return 1;
  if (status >= 300 && status < 400) return 2;
  if (status === 408) return 60;
  if (status >= 400 && status < 500) return 10 + (status === 487 ? 5 : 0);
  return 50;
}

export function onBranchResponse<R>(
  state: ForkState<R>,
  branch: string,
  status: number,
  response: R,
): { state: ForkState<R>; actions: ForkAction<R>[] } {
  if (status < 200) {
    // RFC 3261 §16.7 step 5: provisional responses (but 100) go upstream until a final one did.
    const forward = status !== 100 && !state.done && !state.answered;
    return { state, actions: forward ? [{ kind: 'forward', response }] : [] };
  }
  const pending = new Set(state.pending);
  pending.delete(branch);
  if (status < 300) {
    // Every 2xx goes upstream; the first one cancels the other branches.
    const actions: ForkAction<R>[] = [{ kind: 'forward', response }];
    if (!state.answered && pending.size > 0) actions.push({ kind: 'cancel', branches: [...pending] });
    return { state: { ...state, pending, answered: true, done: true }, actions };
  }
  if (state.done || state.answered) return { state: { ...state, pending }, actions: [] };
  const best = !state.best || rank(status) < rank(state.best.status) ? { status, response } : state.best;
  const actions: ForkAction<R>[] = [];
  if (status >= 600 && pending.size > 0) actions.push({ kind: 'cancel', branches: [...pending] });
  if (pending.size === 0) {
    // RFC 3261 §16.7 step 6: a 503 from downstream becomes 500 upstream.
    actions.push({ kind: 'final', status: best.status === 503 ? 500 : best.status, response: best.response });
    return { state: { ...state, pending, best, done: true }, actions };
  }
  return { state: { ...state, pending, best }, actions };
}

/** The caller cancelled: every pending branch gets a CANCEL. */
export function cancelFork<R>(state: ForkState<R>): { state: ForkState<R>; actions: ForkAction<R>[] } {
  if (state.done || state.pending.size === 0) return { state, actions: [] };
  return { state, actions: [{ kind: 'cancel', branches: [...state.pending] }] };
}

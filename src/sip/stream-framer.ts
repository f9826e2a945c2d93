/**
 * Cuts a SIP byte stream (TCP, TLS; text as latin1) into messages by
 * Content-Length (RFC 3261 §18.3): the header block ends at the first empty
 * line, the body is exactly Content-Length bytes. Over a stream the header is
 * mandatory (RFC 3261 §20.14): a message without it, with a value that is not
 * a number, or with two different values cannot be framed, so the stream
 * cannot go on (the caller answers 400 and closes).
 */

/** What a chunk of stream yielded, in order. */
export type FrameEvent =
  | { kind: 'message'; text: string }
  /** The header block of a message that cannot be framed; nothing after it is read. */
  | { kind: 'bad-length'; head: string; problem: 'missing' | 'conflicting' | 'invalid' }
  /** Headers or body past the size limit; nothing after it is read. */
  | { kind: 'too-large' };

export interface StreamFramer {
  /** Feed a chunk; returns the events it completed. After a `bad-length` or `too-large`, returns nothing more. */
  push(chunk: string): FrameEvent[];
  /** Bytes received but not yet a whole message (whitespace between messages excluded). */
  readonly pending: number;
}

type Length = { ok: true; value: number } | { ok: false; problem: 'missing' | 'conflicting' | 'invalid' };

/** The Content-Length of a header block (its lines after the start line), `l` being its compact form. */
export function parseContentLength(head: string): Length {
  const values = new Set<string>();
  for (const line of head.split(/\r\n(?![ \t])/).slice(1)) {
    const match = /^(content-length|l)[ \t]*:([\s\S]*)$/i.exec(line);
    if (!match) continue;
    for (const value of match[2]!.split(',')) values.add(value.trim());
  }
  if (values.size === 0) return { ok: false, problem: 'missing' };
  const numbers = new Set<number>();
  for (const value of values) {
    if (!/^\d{1,10}$/.test(value)) return { ok: false, problem: 'invalid' };
    numbers.add(Number(value));
  }
  if (numbers.size > 1) return { ok: false, problem: 'conflicting' };
  return { ok: true, value: [...numbers][0]! };
}

export function createStreamFramer(maxBytes: number): StreamFramer {
  let buffer = '';
  let stopped = false;
  const stop = (event: FrameEvent): FrameEvent[] => {
    stopped = true;
    buffer = '';
    return [event];
  };
  return {
    get pending() {
      return buffer.replace(/^\s+/, '').length;
    },
    push(chunk) {
      if (stopped) return [];
      buffer += chunk;
      const events: FrameEvent[] = [];
      for (;;) {
        // Whitespace between messages (CRLF keep-alives, RFC 5626 §4.4.1) is skipped.
        buffer = buffer.replace(/^\s+/, '');
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffer.length > maxBytes) return [...events, ...stop({ kind: 'too-large' })];
          return events;
        }
        if (end > maxBytes) return [...events, ...stop({ kind: 'too-large' })];
        const head = buffer.slice(0, end);
        const length = parseContentLength(head);
        if (!length.ok) return [...events, ...stop({ kind: 'bad-length', head, problem: length.problem })];
        if (end + 4 + length.value > maxBytes) return [...events, ...stop({ kind: 'too-large' })];
        if (buffer.length < end + 4 + length.value) return events;
        events.push({ kind: 'message', text: buffer.slice(0, end + 4 + length.value) });
        buffer = buffer.slice(end + 4 + length.value);
      }
    },
  };
}

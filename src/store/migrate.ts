/**
 * Reading a store file: JSON text → a current-version store, or a one-line
 * problem. Older versions are migrated step by step; newer ones are refused
 * (this hotdesk would not understand them and must not overwrite them).
 */
import { STORE_VERSION, storeSchema, type StoreData } from './schema.js';

export type ParsedStore = { ok: true; data: StoreData; migrated: boolean } | { ok: false; problem: string };

/** `MIGRATIONS[v]` turns a version-v document into a version v+1 document. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // Version 0 (unversioned early files) had no audit trail and no phone counter.
  0: (doc) => {
    const phones = Array.isArray(doc['phones']) ? doc['phones'] : [];
    return { audit: [], nextPhoneNumber: phones.length + 1, ...doc, version: 1 };
  },
  // Version 2 keeps registrations across restarts.
  1: (doc) => ({ ...doc, bindings: [], version: 2 }),
  // Version 3 keeps wrong-PIN counts and locks across restarts.
  2: (doc) => ({ ...doc, security: { extensions: {}, phones: {} }, version: 3 }),
};

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

export function parseStore(text: string): ParsedStore {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, problem: 'not a hotdesk store (expected a JSON object)' };
  }
  let current = doc as Record<string, unknown>;
  const version = current['version'] ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return { ok: false, problem: `unknown store version ${JSON.stringify(version)}` };
  }
  if (version > STORE_VERSION) {
    return {
      ok: false,
      problem: `store version ${version} is newer than this hotdesk understands (${STORE_VERSION}); upgrade hotdesk`,
    };
  }
  for (let v = version; v < STORE_VERSION; v++) current = MIGRATIONS[v]!(current);
  const checked = storeSchema.safeParse(current);
  if (!checked.success) {
    const first = checked.error.issues[0];
    return { ok: false, problem: `invalid store: ${first ? describeIssue(first) : 'unknown problem'}` };
  }
  return { ok: true, data: checked.data, migrated: version !== STORE_VERSION };
}

export function serializeStore(data: StoreData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

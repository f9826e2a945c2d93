/**
 * What the emergency notification says, as prompt names: "emergency call.
 * from desk H D 0 0 0 3, building A, floor 2, room 2 1 4, by extension 1 0 1".
 *
 * Composed from recorded pieces (data/prompts: fixed phrases, digits and the
 * letters A to Z in each language), so no speech synthesiser is needed at
 * run time and every office hears the same voice as its other prompts. Names
 * and places are spelled out a character at a time: letters and digits are
 * said, accents are dropped (`Bü` says B U), anything else (spaces, dots,
 * dashes) is skipped. The user's name is not spelled (that would take longer
 * than it helps): the emergency service adds it, synthesised, when it can
 * (adapters/speech.ts); the audit entry, the log and `hotdesk status` have it.
 */
import type { DeskLocation } from '../core/civic-location.js';
import type { PromptName } from './prompt-names.js';

export interface EmergencyAnnouncementInput {
  /** The hot-desk phone the call came from, if it was one. */
  phone?: string;
  desk?: DeskLocation;
  /** The logged-in user's extension (or the extension that dialled, without a desk). */
  extension?: string;
  /** The account that dialled (said when there is neither desk nor extension). */
  account: string;
}

/** `HD-0003` → H D 0 0 0 3: letters and digits said one by one, other characters skipped. */
export function spelledOut(text: string): PromptName[] {
  const plain = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  return [...plain].flatMap((char): PromptName[] => {
    if (char >= '0' && char <= '9') return [`digit-${char}` as PromptName];
    if (char >= 'a' && char <= 'z') return [`letter-${char}` as PromptName];
    return [];
  });
}

const PLACE_PROMPTS = { building: 'emergency-building', floor: 'emergency-floor', room: 'emergency-room' } as const;

export function buildEmergencyAnnouncement(input: EmergencyAnnouncementInput): PromptName[] {
  const said: PromptName[] = ['emergency-call'];
  if (input.phone !== undefined) said.push('emergency-from-desk', ...spelledOut(input.phone));
  for (const field of ['building', 'floor', 'room'] as const) {
    const value = input.desk?.[field];
    const spelled = value === undefined ? [] : spelledOut(value);
    if (spelled.length > 0) said.push(PLACE_PROMPTS[field], ...spelled);
  }
  const extension = input.extension ?? (input.phone === undefined ? input.account : undefined);
  if (extension !== undefined) said.push('emergency-by-extension', ...spelledOut(extension));
  return said;
}

/**
 * Escaping of every value a template interpolates, per file format. The engine
 * applies one of these to each `<%= … %>`; templates never escape by hand.
 */
import type { ConfigFormat } from './config-files.js';

/** Characters XML 1.0 forbids even as references, plus the C1 controls and line breaks (values are one line). */
const NOT_IN_XML_VALUE = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]/gu;
const LINE_BREAKS_AND_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const XML_SPECIAL: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/**
 * XML element text and attribute values: `& < > " '` as entities; control characters,
 * line breaks and lone surrogates become a space (a value is one line, and XML 1.0
 * cannot carry most of them at all).
 */
export function escapeXml(value: unknown): string {
  // With the `u` flag a well-formed surrogate pair is one code point outside the class: kept.
  return text(value)
    .replace(NOT_IN_XML_VALUE, ' ')
    .replace(/[&<>"']/g, (char) => XML_SPECIAL[char]!);
}

/**
 * Yealink `key = value` lines: nothing in a value may end the line, so line breaks and
 * every other control character become a space. An `=` in a value is harmless: the
 * phone splits each line at its first `=`, and keys never come from data.
 */
export function escapeKeyValue(value: unknown): string {
  return text(value).replace(LINE_BREAKS_AND_CONTROLS, ' ');
}

export const ESCAPE: Readonly<Record<ConfigFormat, (value: unknown) => string>> = {
  xml: escapeXml,
  'key-value': escapeKeyValue,
};

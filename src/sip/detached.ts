/**
 * A copy of `text` that keeps nothing else alive. In V8 a string cut from a longer one (a header
 * value, a parameter, a regular expression's capture) is a view into it, and a concatenation of
 * such cuts points to each of them: a nonce or a transaction key taken from a request and kept for
 * seconds keeps the whole datagram's text (some 700 bytes) alive with it. Flattening a
 * concatenation copies its characters: what is kept is the text and one character.
 *
 * For what tables keep long (nonce counts, remembered answers, registrations), not for what a
 * request uses and drops.
 */
export const detached = (text: string): string => `${text} `.slice(0, -1);

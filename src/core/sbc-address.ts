/**
 * The address of an SBC a phone goes through: HOST:PORT. One rule for the
 * store's check when a phone is added and the wizard's live feedback.
 * `undefined` when valid, else what is wrong.
 */
const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;

export function checkSbcAddress(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'type the SBC as HOST:PORT, e.g. sbc.example.net:5060';
  const match = HOST_PORT.exec(value);
  if (!match)
    return value.includes(':')
      ? 'expected HOST:PORT (an IPv6 host goes in brackets: [2001:db8::1]:5060)'
      : 'add the port: HOST:PORT';
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `port ${match[2]} is out of range (1 to 65535)`;
  return undefined;
}

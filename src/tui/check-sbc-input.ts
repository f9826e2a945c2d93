/**
 * A live verdict on the SBC address typed in the wizard: `undefined` when it is
 * HOST:PORT, else what is wrong. Same rule as the store's connection check
 * (src/store/changes.ts), which has the last word when the phone is added.
 */
const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;

export function checkSbcInput(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'type the SBC as HOST:PORT, e.g. sbc.example.net:5060';
  const match = HOST_PORT.exec(value);
  if (!match) return value.includes(':') ? 'expected HOST:PORT (an IPv6 host goes in brackets: [2001:db8::1]:5060)' : 'add the port: HOST:PORT';
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `port ${match[2]} is out of range (1 to 65535)`;
  return undefined;
}

/**
 * Addresses phones are given: an IPv4 address (four numbers 0–255), an IPv6
 * address, or a DNS host name (RFC 1123 labels). `999.1.1.1` is none of them.
 */
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isIpv4(value: string): boolean {
  const match = IPV4.exec(value);
  return (
    match !== null && match.slice(1).every((part) => Number(part) <= 255 && !(part.length > 1 && part.startsWith('0')))
  );
}

export function isIpv6(value: string): boolean {
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (!/^[0-9A-Fa-f:.]+$/.test(bare) || !bare.includes(':')) return false;
  let text = bare;
  let groupsFromV4 = 0;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIpv4(tail)) return false;
    text = `${text.slice(0, lastColon + 1)}0:0`;
    groupsFromV4 = 0;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (groups.some((list) => list.some((group) => !/^[0-9A-Fa-f]{1,4}$/.test(group)))) return false;
  const count = groups.reduce((sum, list) => sum + list.length, groupsFromV4);
  return halves.length === 2 ? count <= 7 : count === 8;
}

export function isHostName(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.replace(/\.$/, '').split('.');
  // A name made only of digits and dots is a mistyped IPv4 address, not a host name.
  if (labels.every((label) => /^\d+$/.test(label))) return false;
  return labels.every((label) => LABEL.test(label));
}

/** A verdict on an address phones are to be given: `undefined` when usable, else what was expected. */
export function checkHostAddress(value: string): string | undefined {
  if (isIpv4(value) || isIpv6(value) || isHostName(value)) return undefined;
  return 'an IPv4 address, an IPv6 address or a host name';
}

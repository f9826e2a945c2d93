/** The machine's own addresses, for defaults such as the address phones are given. */
import { networkInterfaces } from 'node:os';

/** The first non-internal IPv4 address, else loopback. */
export function primaryAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}

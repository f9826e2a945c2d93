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

/** Every address of this machine's interfaces (loopback included), as os.networkInterfaces() lists them. */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((addresses) =>
    (addresses ?? []).map((address) => address.address.replace(/%.*$/, '')),
  );
}

/** The addresses a host name resolves to here; [] when it does not (within `timeoutMs`). */
export async function lookupHost(name: string, timeoutMs = 2000): Promise<string[]> {
  const { lookup } = await import('node:dns/promises');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), timeoutMs)));
  try {
    return await Promise.race([
      lookup(name, { all: true })
        .then((found) => found.map((entry) => entry.address))
        .catch(() => []),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

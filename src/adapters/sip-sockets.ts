/**
 * The SIP transport's listening sockets: UDP and TCP on one port, TLS on its own, a UDP socket per
 * multicast group; datagrams to IP addresses sent without a resolver turn.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import type { TransportOptions } from './sip-transport-types.js';

/**
 * Name resolution for datagrams sent: an IP address (where every phone's request came from) is
 * used as is, at once; the resolver's own lookup answers an IP address a turn of the event loop
 * later (a nextTick and its bookkeeping per datagram). Names go to the resolver.
 */
export function lookupLiteral(
  hostname: string,
  options: dns.LookupOneOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = net.isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dns.lookup(hostname, options, callback);
}

/**
 * The UDP socket's receive buffer: 4 MiB, some 4,000 requests (the kernel counts about 1 KiB a
 * datagram). The usual 208 KiB holds some 200: a 20 ms pause (a garbage collection) at
 * 10,000 datagrams a second loses the rest, and each loss costs a retransmission 500 ms
 * later. Linux caps it at net.core.rmem_max (Debian: 208 KiB unless raised; README).
 */
export const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export async function bindPair(
  bind: string,
  port: number,
  reuseAddr: boolean,
): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket({
      type: net.isIPv6(bind) ? 'udp6' : 'udp4',
      reuseAddr,
      recvBufferSize: UDP_RECEIVE_BUFFER_BYTES,
      lookup: lookupLiteral,
    });
    const udpPort = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, bind, () => {
        udp.off('error', reject);
        resolve(udp.address().port);
      });
    });
    const tcp = net.createServer();
    const ok = await new Promise<boolean>((resolve, reject) => {
      tcp.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EADDRINUSE' && port === 0 ? resolve(false) : reject(error),
      );
      tcp.listen(udpPort, bind, () => resolve(true));
    }).catch((error: Error) => {
      udp.close();
      throw error;
    });
    if (ok) return { udp, tcp, port: udpPort };
    udp.close();
  }
  throw new Error(`no port free for both UDP and TCP on ${bind}`);
}

export function listenTls(bind: string, options: NonNullable<TransportOptions['tls']>): Promise<tls.Server> {
  // A handshake not done in 10 s is dropped (a client that connects and says nothing holds no slot for long).
  const server = tls.createServer({
    cert: options.credentials.cert,
    key: options.credentials.key,
    handshakeTimeout: 10_000,
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, bind, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** A UDP socket bound to `group` at `port`, joined on the interface of `bind` (any, for 0.0.0.0). */
export async function listenGroup(group: string, port: number, bind: string): Promise<dgram.Socket> {
  if (!net.isIPv4(bind)) throw new Error(`multicast group ${group} needs an IPv4 bind address, not ${bind}`);
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, group, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.addMembership(group, bind === '0.0.0.0' ? undefined : bind);
    return socket;
  } catch (error) {
    socket.close();
    throw error;
  }
}

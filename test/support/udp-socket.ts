/** A real UDP socket on 127.0.0.1 behind the same small interface as the fake network's sockets. */
import dgram from 'node:dgram';
import type { DatagramSocket } from './fake-network.js';

export async function openUdpSocket(address = '127.0.0.1'): Promise<DatagramSocket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  return {
    address,
    port: socket.address().port,
    send: (bytes, port, to) => socket.send(bytes, port, to),
    onMessage: (handler) =>
      socket.on('message', (bytes, info) => handler(bytes, { address: info.address, port: info.port })),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

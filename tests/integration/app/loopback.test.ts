/**
 * The devhost and the simulator listen on loopback by default (issue 17, item 9): from the machine's own network
 * address (not 127.0.0.1) neither answers. Skipped where the machine has no non-loopback IPv4 address.
 */
import net from 'node:net';
import os from 'node:os';
import { startSystem, type System } from '../../../scripts/lib/system';

const external = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

(external ? describe : describe.skip)('listening on loopback by default', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('the devhost and the simulator answer on 127.0.0.1, not on the network address', async () => {
    const devhostPort = Number(new URL(system.origin).port);
    const simulatorPort = Number(new URL(system.simulator.url).port);
    expect(await connects('127.0.0.1', devhostPort)).toBe(true);
    expect(await connects('127.0.0.1', simulatorPort)).toBe(true);
    expect(await connects(external!, devhostPort)).toBe(false);
    expect(await connects(external!, simulatorPort)).toBe(false);
  });
});

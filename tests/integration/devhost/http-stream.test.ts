/**
 * HTTP streaming apps (`app.setup({enableHttpStream: true})`): the devhost forwards raw requests to the library's
 * own proxy as the host does, so request bodies are read as streams and responses stream back.
 */
import { randomBytes } from 'node:crypto';
import { cleanupTempApps, copyFixture, startDevhost, type DevhostProcess } from '../../support/devhost-harness';

describe('devhost HTTP streaming', () => {
  let host: DevhostProcess;
  beforeAll(async () => {
    host = await startDevhost(copyFixture('http-stream'));
  });
  afterAll(async () => {
    await host?.stop();
    cleanupTempApps();
  });

  it('streams a large request body into the function', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const res = await fetch(`${host.origin}/api/upload/big.bin?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: 'big.bin',
      bytes: body.length,
      type: 'application/octet-stream',
      url: `${host.origin}/api/upload/big.bin?x=1`,
    });
  });

  it('streams the response body back with its status and headers', async () => {
    const res = await fetch(`${host.origin}/api/countdown?n=4`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-n')).toBe('4');
    expect(await res.text()).toBe('4\n3\n2\n1\n');
  });

  it('answers a function that refuses before reading the body, and the client goes on with its next requests', async () => {
    const refused = await fetch(`${host.origin}/api/refuseUnread`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: randomBytes(4 * 1024 * 1024),
    });
    expect(refused.status).toBe(413);
    expect(await refused.text()).toBe('too large');
    // The connection that carried the unread body is closed, not reused: the next requests are answered.
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${host.origin}/api/upload/small.txt`, { method: 'POST', body: `row ${i}` });
      expect(((await res.json()) as { bytes: number }).bytes).toBe(5);
    }
  });

  it('answers 500 when the function fails', async () => {
    expect((await fetch(`${host.origin}/api/streamFails`)).status).toBe(500);
    // The host keeps serving afterwards.
    expect(await (await fetch(`${host.origin}/api/countdown?n=1`)).text()).toBe('1\n');
  });
});

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

  it('answers 500 when the function fails', async () => {
    expect((await fetch(`${host.origin}/api/streamFails`)).status).toBe(500);
    // The host keeps serving afterwards.
    expect(await (await fetch(`${host.origin}/api/countdown?n=1`)).text()).toBe('1\n');
  });
});

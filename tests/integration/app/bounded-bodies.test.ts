/**
 * Bounded bodies (issue 17 item 7), against the running system: every body is capped while it is read — a declared
 * length over the cap is a 413 unread, and a chunked body is answered 413 once it passes the cap, while the client is
 * still sending (the request below never ends: an app that buffered the whole body would never answer). The bulk
 * CSV parser stops at the row limit, and the results export quotes every cell.
 */
import http from 'node:http';
import { startSystem, type System } from '../../../scripts/lib/system';

jest.setTimeout(120_000);

let system: System;
let admin: string;
let tenant: string;

beforeAll(async () => {
  system = await startSystem();
  tenant = system.simulator.tenantId;
  admin = await system.token(['Switchboard.Admin']);
});
afterAll(async () => {
  await system?.stop();
});

/**
 * Sends `chunks` MiB of `fill` chunked, then keeps the request open (never ends it), and resolves with the response
 * that comes while the body is unfinished.
 */
function neverEndingPost(
  pathname: string,
  contentType: string,
  first: string,
  mebibytes: number,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const url = new URL(pathname, system.origin);
    const req = http.request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': contentType, 'transfer-encoding': 'chunked' },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
      });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.write(first);
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < mebibytes * 16; i++) req.write(chunk);
    // No req.end(): the body is never finished.
  });
}

describe('bounded bodies', () => {
  it('a JSON body over 1 MiB is a 413: declared, refused unread; chunked, refused while it is still being sent', async () => {
    const big = JSON.stringify({ userPrincipalName: 'x@contoso.com', displayName: 'x'.repeat(1024 * 1024 + 10) });
    const declared = await system.api('POST', `/api/tenants/${tenant}/endpoints`, { token: admin, body: big });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await declared.json()).toMatchObject({ status: 413, limit: 1024 * 1024 });

    const chunked = await neverEndingPost(
      `/api/tenants/${tenant}/endpoints`,
      'application/json',
      '{"displayName":"',
      2,
    );
    expect(chunked).toMatchObject({ status: 413, body: { status: 413, limit: 1024 * 1024 } });
  });

  it('a bulk upload over its 4 MiB cap is a 413 while it is still being sent', async () => {
    const res = await neverEndingPost(`/api/tenants/${tenant}/bulk`, 'text/csv', 'userPrincipalName,displayName\n', 5);
    expect(res).toMatchObject({ status: 413, body: { code: 'tooLarge' } });
  });

  it('the CSV parser stops at the row limit (5,000 rows)', async () => {
    const rows = Array.from({ length: 5001 }, (_, i) => `limit${i}@${system.simulator.domain},Row ${i}`);
    const res = await system.api('POST', `/api/tenants/${tenant}/bulk`, {
      token: admin,
      body: `userPrincipalName,displayName\n${rows.join('\n')}`,
      contentType: 'text/csv',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'tooManyRows', detail: expect.stringMatching(/more than 5,000/) });
  });

  it('the results export quotes every cell', async () => {
    const res = await system.api('POST', `/api/tenants/${tenant}/bulk`, {
      token: admin,
      body: `userPrincipalName,displayName\nnot-a-upn,=1+1\nq${Date.now()}@${system.simulator.domain},Quoted`,
      contentType: 'text/csv',
    });
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: string };
    const csv = await system.api('GET', `/api/tenants/${tenant}/bulk/${batchId}?format=csv`, { token: admin });
    expect(csv.status).toBe(200);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines).toHaveLength(3);
    // Every cell quoted, empty ones too: a line is quoted cells (quotes inside doubled) joined by commas.
    for (const line of lines) expect(line).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
    expect(lines[0].split(',')).toHaveLength(11);
    expect(lines[1]).toContain(`"'=1+1"`);
  });
});

// Contract: answer and media rules — answer needs acceptedModalities and mediaConfig; media actions fail on
// app-hosted media and need Calls.AccessMedia.All; prompts queue and play in order; cancelMediaProcessing cancels
// the running and queued ones; the caller types ahead during prompts (`w` waits for the next prompt to end); a
// prompt must be a mono 16-bit 16 kHz WAV (fetched, or the promptFetch knob skips it); recordResponse takes one
// prompt and ends with 8515; updateRecordingStatus only when established; hold music.
import { call, credential, eventually, graphClient } from './helpers';
import {
  ANSWER,
  BOT,
  establishedCall,
  Fixture,
  graphError,
  NOMEDIA_BOT,
  NOMEDIA_NUMBER,
  NUMBER,
  startFixture,
  TENANT,
  view,
  waitFor,
} from './calls-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ establishSwapProbability: 0 });
});
afterAll(() => f.stop());

const prompt = (uri: string) => ({ '@odata.type': '#microsoft.graph.mediaPrompt', mediaInfo: { uri } });
const opDone = (id: string, opId: string) => (n: { resourceUrl: string }) =>
  n.resourceUrl === `/communications/calls/${id}/operations/${opId}`;

test('answer without acceptedModalities or mediaConfig is a 400; the call stays incoming', async () => {
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255550010',
    to: NUMBER,
  });
  const id = placed.body.callId;
  const cb = { callbackUri: `${f.hookUrl}/callback` };
  expect(
    (await graphError(f.g.api(`/communications/calls/${id}/answer`).post({ ...cb, mediaConfig: ANSWER.mediaConfig })))
      .statusCode,
  ).toBe(400);
  expect(
    (await graphError(f.g.api(`/communications/calls/${id}/answer`).post({ ...cb, acceptedModalities: ['audio'] })))
      .statusCode,
  ).toBe(400);
  expect((await view(f, id)).state).toBe('incoming');
  await f.g.api(`/communications/calls/${id}/answer`).post({ ...cb, ...ANSWER });
  await eventually(async () => ((await view(f, id)).state === 'established' ? true : undefined));
  await f.g.api(`/communications/calls/${id}`).delete();
});

test('media actions on a call answered with appHostedMediaConfig fail', async () => {
  const id = await establishedCall(f, {
    answer: { mediaConfig: { '@odata.type': '#microsoft.graph.appHostedMediaConfig', blob: '{}' } },
  });
  for (const [action, body] of [
    ['playPrompt', { prompts: [prompt(`${f.mediaUrl}/good.wav`)] }],
    ['subscribeToTone', {}],
    ['recordResponse', { maxRecordDurationInSeconds: 2 }],
  ] as const) {
    expect((await graphError(f.g.api(`/communications/calls/${id}/${action}`).post(body))).statusCode).toBe(400);
  }
  await f.g.api(`/communications/calls/${id}`).delete();
});

test('subscribeToTone and recordResponse need Calls.AccessMedia.All', async () => {
  const g = graphClient(f.t, credential(f.t, NOMEDIA_BOT, 'nomedia-secret', TENANT));
  const id = await establishedCall(f, { to: NOMEDIA_NUMBER, client: g });
  expect((await graphError(g.api(`/communications/calls/${id}/subscribeToTone`).post({}))).statusCode).toBe(403);
  expect((await graphError(g.api(`/communications/calls/${id}/recordResponse`).post({}))).statusCode).toBe(403);
  // playPrompt needs no media permission
  const op = await g
    .api(`/communications/calls/${id}/playPrompt`)
    .post({ prompts: [prompt(`${f.mediaUrl}/good.wav`)] });
  expect(op.status).toBe('running');
  await g.api(`/communications/calls/${id}`).delete();
}, 30000);

test('prompts queue and play in order; heard lists them', async () => {
  const id = await establishedCall(f);
  const a = await f.g
    .api(`/communications/calls/${id}/playPrompt`)
    .post({ clientContext: 'a', prompts: [prompt(`${f.mediaUrl}/good.wav?a`)] });
  const b = await f.g.api(`/communications/calls/${id}/playPrompt`).post({
    clientContext: 'b',
    prompts: [prompt(`${f.mediaUrl}/good.wav?b1`), prompt(`${f.mediaUrl}/good.wav?b2`)],
  });
  await waitFor(f, id, opDone(id, b.id));
  const done = (await Promise.all([a.id, b.id].map((opId) => waitFor(f, id, opDone(id, opId))))).map(
    (n) => n.resourceData,
  );
  expect(done.map((d) => d.status)).toEqual(['completed', 'completed']);
  expect(done[0].resultInfo).toMatchObject({ code: 200, subcode: 0 });
  const v = await view(f, id);
  expect(v.heard.map((h) => h.uri)).toEqual([
    `${f.mediaUrl}/good.wav?a`,
    `${f.mediaUrl}/good.wav?b1`,
    `${f.mediaUrl}/good.wav?b2`,
  ]);
  for (let i = 1; i < v.heard.length; i++) expect(v.heard[i].at).toBeGreaterThanOrEqual(v.heard[i - 1].until!);
  await f.g.api(`/communications/calls/${id}`).delete();
});

test('cancelMediaProcessing cancels the running prompt and the queued ones', async () => {
  await call(f.t, 'POST', '/_sim/faults', { promptDurationMs: 5000 });
  try {
    const id = await establishedCall(f);
    const ops = [];
    for (const c of ['one', 'two', 'three'])
      ops.push(
        await f.g
          .api(`/communications/calls/${id}/playPrompt`)
          .post({ clientContext: c, prompts: [prompt(`${f.mediaUrl}/good.wav`)] }),
      );
    await eventually(async () => ((await view(f, id)).heard.length === 1 ? true : undefined));
    await f.g.api(`/communications/calls/${id}/cancelMediaProcessing`).post({ clientContext: 'stop' });
    const ends = await Promise.all(ops.map((o) => waitFor(f, id, opDone(id, o.id))));
    expect(ends.map((n) => n.resourceData.status)).toEqual(['failed', 'failed', 'failed']);
    const v = await view(f, id);
    expect(v.heard).toHaveLength(1);
    expect(v.heard[0].until).toBeDefined();
    await f.g.api(`/communications/calls/${id}`).delete();
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { promptDurationMs: 80 });
  }
});

test('the caller types ahead during a prompt; `w` waits for the next prompt to end', async () => {
  await call(f.t, 'POST', '/_sim/faults', { promptDurationMs: 1500 });
  try {
    const id = await establishedCall(f, { dtmf: '1w2' });
    const p = await f.g
      .api(`/communications/calls/${id}/playPrompt`)
      .post({ prompts: [prompt(`${f.mediaUrl}/good.wav`)] });
    await eventually(async () => ((await view(f, id)).heard.length === 1 ? true : undefined));
    await f.g.api(`/communications/calls/${id}/subscribeToTone`).post({});
    const tone2 = await waitFor(
      f,
      id,
      (n) => (n.resourceData.toneInfo as { tone?: string } | undefined)?.tone === 'tone2',
    );
    expect(tone2.resourceData.toneInfo).toMatchObject({ sequenceId: 2 });
    await waitFor(f, id, opDone(id, p.id));
    const v = await view(f, id);
    expect(v.tones.map((x) => x.tone)).toEqual(['tone1', 'tone2']);
    const heard = v.heard[0];
    // tone1 while the prompt played, tone2 only after it ended
    expect(v.tones[0].at).toBeGreaterThanOrEqual(heard.at);
    expect(v.tones[0].at).toBeLessThan(heard.until!);
    expect(v.tones[1].at).toBeGreaterThanOrEqual(heard.until!);
    await f.g.api(`/communications/calls/${id}`).delete();
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { promptDurationMs: 80 });
  }
});

test('a prompt that is not a mono 16-bit 16 kHz WAV, or cannot be fetched, fails the operation; the knob skips the fetch', async () => {
  const id = await establishedCall(f);
  const cases: [string, number][] = [
    ['stereo.wav', 8535],
    ['8k.wav', 8535],
    ['text.wav', 8535],
    ['missing.wav', 8536],
  ];
  for (const [file, subcode] of cases) {
    const op = await f.g
      .api(`/communications/calls/${id}/playPrompt`)
      .post({ prompts: [prompt(`${f.mediaUrl}/${file}`)] });
    const done = await waitFor(f, id, opDone(id, op.id));
    expect(done.resourceData).toMatchObject({ status: 'failed', resultInfo: { code: 400, subcode } });
  }
  expect((await view(f, id)).heard).toHaveLength(0);
  await call(f.t, 'POST', '/_sim/faults', { promptFetch: false });
  try {
    const op = await f.g
      .api(`/communications/calls/${id}/playPrompt`)
      .post({ prompts: [prompt('https://cdn.invalid/x.wav')] });
    const done = await waitFor(f, id, opDone(id, op.id));
    expect(done.resourceData.status).toBe('completed');
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { promptFetch: true });
  }
  await f.g.api(`/communications/calls/${id}`).delete();
});

test('recordResponse takes at most one prompt and ends at max duration with 200/8515', async () => {
  const id = await establishedCall(f);
  const two = [prompt(`${f.mediaUrl}/good.wav`), prompt(`${f.mediaUrl}/good.wav`)];
  expect(
    (await graphError(f.g.api(`/communications/calls/${id}/recordResponse`).post({ prompts: two }))).statusCode,
  ).toBe(400);
  const op = await f.g
    .api(`/communications/calls/${id}/recordResponse`)
    .post({ prompts: two.slice(1), maxRecordDurationInSeconds: 1 });
  const done = await waitFor(f, id, opDone(id, op.id));
  expect(done.resourceData).toMatchObject({ status: 'completed', resultInfo: { code: 200, subcode: 8515 } });
  expect(typeof done.resourceData.recordingLocation).toBe('string');
  expect((await view(f, id)).heard).toHaveLength(1);
  await f.g.api(`/communications/calls/${id}`).delete();
});

test('updateRecordingStatus only on established calls; its history is in the call view', async () => {
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255550011',
    to: NUMBER,
  });
  const early = placed.body.callId;
  await waitFor(f, early, (n) => n.changeType === 'created');
  expect(
    (await graphError(f.g.api(`/communications/calls/${early}/updateRecordingStatus`).post({ status: 'recording' })))
      .statusCode,
  ).toBe(400);
  await call(f.t, 'POST', `/_sim/calls/${early}/hangup`);
  const id = await establishedCall(f);
  for (const status of ['recording', 'notRecording', 'recording']) {
    // call-updaterecordingstatus.md: 200, an updateRecordingStatusOperation, completed, resultInfo null
    const op = await f.g
      .api(`/communications/calls/${id}/updateRecordingStatus`)
      .post({ status, clientContext: status });
    expect(op).toMatchObject({
      '@odata.type': '#microsoft.graph.updateRecordingStatusOperation',
      status: 'completed',
      clientContext: status,
      resultInfo: null,
    });
  }
  expect(
    (await graphError(f.g.api(`/communications/calls/${id}/updateRecordingStatus`).post({ status: 'paused' })))
      .statusCode,
  ).toBe(400);
  const v = await view(f, id);
  expect(v.recording.map((r) => r.status)).toEqual(['recording', 'notRecording', 'recording']);
  expect(v.recording.map((r) => r.clientContext)).toEqual(['recording', 'notRecording', 'recording']);
  await f.g.api(`/communications/calls/${id}`).delete();
});

test('hold music: 202 running, completed by notification, one participant at a time, the participant id honoured', async () => {
  const id = await establishedCall(f);
  const caller = (await view(f, id)).participants.find((p) => p.kind === 'caller')!;
  const unknown = await graphError(f.g.api(`/communications/calls/${id}/participants/nobody/startHoldMusic`).post({}));
  expect(unknown.statusCode).toBe(404);
  const res = await fetch(`${f.t.sim.url}/v1.0/communications/calls/${id}/participants/${caller.id}/startHoldMusic`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${(await credential(f.t, BOT, 'bot-secret', TENANT).getToken('https://graph.microsoft.com/.default')).token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ customPrompt: prompt(`${f.mediaUrl}/good.wav`), clientContext: 'hold' }),
    dispatcher: f.t.dispatcher,
  } as RequestInit);
  expect(res.status).toBe(202);
  const start = (await res.json()) as { id: string; status: string };
  expect(start.status).toBe('running');
  const done = await waitFor(f, id, opDone(id, start.id));
  expect(done.resourceData).toMatchObject({ status: 'completed', clientContext: 'hold' });
  // a second participant cannot go on hold while the caller is (the bot cannot be held either)
  const bot = (await view(f, id)).participants.find((p) => p.kind === 'bot')!;
  expect(
    (await graphError(f.g.api(`/communications/calls/${id}/participants/${bot.id}/startHoldMusic`).post({})))
      .statusCode,
  ).toBe(400);
  const stop = await f.g.api(`/communications/calls/${id}/participants/${caller.id}/stopHoldMusic`).post({});
  await waitFor(f, id, opDone(id, stop.id));
  const v = await view(f, id);
  expect(v.heard).toEqual([expect.objectContaining({ kind: 'music', uri: `${f.mediaUrl}/good.wav` })]);
  expect(v.heard[0].until).toBeGreaterThanOrEqual(v.heard[0].at);
  expect(v.participants.find((p) => p.id === caller.id)!.onHold).toBe(false);
  await f.g.api(`/communications/calls/${id}`).delete();
});

/**
 * Prompts against real services: the Azure AI Speech adapter against a local stand-in of its REST API (a real HTTP
 * server checking what Azure checks), the espeak-ng stand-in, and the prompt service on Azurite (blob + table).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  AzureSpeechTextToSpeech,
  EspeakTextToSpeech,
  PromptRepository,
  PromptService,
  TextToSpeechError,
  checkPromptWav,
  encodeWav,
  type TextToSpeech,
} from '../../../../shared/menus';

const CONNECTION = 'UseDevelopmentStorage=true';

describe('Azure AI Speech adapter (REST) against a local stand-in', () => {
  let server: http.Server;
  let origin: string;
  const seen: { url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  let answer: { status: number; body: Buffer } = { status: 200, body: encodeWav(new Int16Array(8000)) };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body });
        // What the service checks: key, SSML, a supported output format.
        if (req.headers['ocp-apim-subscription-key'] !== 'k-123') return res.writeHead(401).end();
        if (req.headers['content-type'] !== 'application/ssml+xml' || !body.startsWith('<speak'))
          return res.writeHead(400).end();
        res.writeHead(answer.status, { 'content-type': 'audio/x-wav' }).end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const tts = (key = 'k-123') => new AzureSpeechTextToSpeech({ endpoint: origin, key, voice: 'es-ES-ElviraNeural' });

  test('posts SSML with the voice and the prompt format, returns the WAV', async () => {
    const wav = await tts().synthesize('Para español, oprima <2> & espere');
    expect(checkPromptWav(wav).ok).toBe(true);
    const req = seen[seen.length - 1];
    expect(req.url).toBe('/cognitiveservices/v1');
    expect(req.headers['x-microsoft-outputformat']).toBe('riff-16khz-16bit-mono-pcm');
    expect(req.body).toBe(
      "<speak version='1.0' xml:lang='es-ES'><voice name='es-ES-ElviraNeural'>Para español, oprima &lt;2&gt; &amp; espere</voice></speak>",
    );
  });

  test('429 and 5xx are retryable, 401 is not and never shows the key; audio of another format is refused', async () => {
    answer = { status: 429, body: Buffer.alloc(0) };
    await expect(tts().synthesize('x')).rejects.toMatchObject({ retryable: true });
    answer = { status: 200, body: encodeWav(new Int16Array(100), 24000) };
    await expect(tts().synthesize('x')).rejects.toThrow(/sampleRate is 24000 Hz/);
    const err = await tts('wrong-key')
      .synthesize('x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TextToSpeechError);
    expect((err as TextToSpeechError).retryable).toBe(false);
    expect((err as Error).message).not.toContain('wrong-key');
  });
});

test('espeak-ng renders text as a prompt WAV', async () => {
  const wav = await new EspeakTextToSpeech().synthesize('For English, press 1.');
  const r = checkPromptWav(wav);
  expect(r.ok && r.info.durationMs).toBeGreaterThan(500);
});

describe('prompt service on Azurite', () => {
  const tenant = randomUUID();
  let renders = 0;
  const espeak = new EspeakTextToSpeech();
  const counting: TextToSpeech = {
    voice: espeak.voice,
    synthesize: (t) => {
      renders++;
      return espeak.synthesize(t);
    },
  };
  const service = new PromptService({ repo: new PromptRepository(CONNECTION), tts: counting });

  test('uploads are content-addressed: a replaced prompt keeps its old URL playing the old audio', async () => {
    const one = encodeWav(new Int16Array(1600).fill(100));
    const two = encodeWav(new Int16Array(3200).fill(200));
    expect(await service.put(tenant, 'welcome', one)).toMatchObject({ kind: 'saved', created: true });
    const [url1] = await service.urls(tenant, [{ prompt: 'welcome' }], 'https://app.example');
    expect(await service.put(tenant, 'welcome', two)).toMatchObject({ kind: 'saved', created: false });
    const [url2] = await service.urls(tenant, [{ prompt: 'welcome' }], 'https://app.example');
    expect(url1).not.toBe(url2);
    expect(url1).toMatch(new RegExp(`^https://app.example/api/media/prompts/${tenant}/welcome/[0-9a-f]{64}\\.wav$`));
    const hash1 = /([0-9a-f]{64})\.wav$/.exec(url1)![1];
    expect((await service.media(tenant, hash1))?.equals(one)).toBe(true);
    expect((await service.get(tenant, 'welcome'))?.wav.equals(two)).toBe(true);
    expect(await service.put(tenant, 'bad', Buffer.from('RIFF....WAVEjunk'))).toMatchObject({ kind: 'invalid' });
  });

  test('text is rendered once and kept; defaults are served unless the tenant replaced them', async () => {
    const a = await service.render(tenant, 'Para español, oprima 2.');
    const b = await service.render(tenant, 'Para español, oprima 2.');
    expect(a).toBe(b);
    expect(renders).toBe(1);
    const urls = await service.urls(
      tenant,
      [{ text: 'Para español, oprima 2.' }, { prompt: 'closed' }],
      'https://x.example',
    );
    expect(urls[0]).toContain(`/${a}/`);
    expect(urls[1]).toBe('https://x.example/api/media/prompts/default/closed.wav');
    const list = await service.list(tenant);
    expect(list.find((p) => p.name === a)).toMatchObject({ source: 'tts', text: 'Para español, oprima 2.' });
    expect(list.find((p) => p.name === 'closed')?.source).toBe('default');
    const based = new PromptService({ repo: new PromptRepository(CONNECTION), baseUrl: 'https://prompts.example' });
    expect(await based.urls(tenant, [{ prompt: 'goodbye' }], 'https://ignored.example')).toEqual([
      'https://prompts.example/api/media/prompts/default/goodbye.wav',
    ]);
  });
});

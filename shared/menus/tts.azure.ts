/**
 * Azure AI Speech text-to-speech over REST (learn.microsoft.com, "Text to speech REST API"):
 * `POST https://{region}.tts.speech.microsoft.com/cognitiveservices/v1` with `Ocp-Apim-Subscription-Key`,
 * `Content-Type: application/ssml+xml`, `X-Microsoft-OutputFormat: riff-16khz-16bit-mono-pcm` (exactly the prompt
 * format) and an SSML body naming the voice. 429 and 5xx are retryable; the key never appears in an error.
 */
import { checkPromptWav } from './wav';
import { TextToSpeech, TextToSpeechError } from './tts.port';

export interface AzureSpeechOptions {
  /** Azure region of the Speech resource, e.g. `westeurope`; or `endpoint` for a custom domain. */
  region?: string;
  endpoint?: string;
  key: string;
  /** e.g. `en-US-JennyNeural`. */
  voice: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const xmlEscape = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export function ssml(text: string, voice: string): string {
  const lang = /^([a-z]{2}-[A-Z]{2})-/.exec(voice)?.[1] ?? 'en-US';
  return `<speak version='1.0' xml:lang='${lang}'><voice name='${xmlEscape(voice)}'>${xmlEscape(text)}</voice></speak>`;
}

export class AzureSpeechTextToSpeech implements TextToSpeech {
  readonly voice: string;
  private readonly url: string;

  constructor(private readonly o: AzureSpeechOptions) {
    this.voice = `azure:${o.voice}`;
    this.url = o.endpoint
      ? `${o.endpoint.replace(/\/+$/, '')}/cognitiveservices/v1`
      : `https://${o.region}.tts.speech.microsoft.com/cognitiveservices/v1`;
  }

  async synthesize(text: string): Promise<Buffer> {
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(this.url, {
        method: 'POST',
        headers: {
          'Ocp-Apim-Subscription-Key': this.o.key,
          'Content-Type': 'application/ssml+xml',
          'X-Microsoft-OutputFormat': 'riff-16khz-16bit-mono-pcm',
          'User-Agent': 'switchboard',
        },
        body: ssml(text, this.o.voice),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new TextToSpeechError(`Azure AI Speech unreachable: ${(e as Error).message}`, true);
    }
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      throw new TextToSpeechError(`Azure AI Speech answered ${res.status}`, res.status === 429 || res.status >= 500);
    }
    const wav = Buffer.from(await res.arrayBuffer());
    const check = checkPromptWav(wav);
    if (!check.ok)
      throw new TextToSpeechError(
        `Azure AI Speech returned audio that is not a prompt WAV: ${check.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
        false,
      );
    return wav;
  }
}

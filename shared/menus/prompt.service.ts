/**
 * Prompts: uploads checked and stored, rendered text, and the URL Graph fetches each prompt from. A prompt reference
 * is `{prompt: "name"}` (the tenant's own prompt, else the default English set) or `{text: "…"}` (rendered once by
 * the text-to-speech port and kept under a name derived from the voice and the text, so a call never waits for TTS).
 *
 * URLs: `{base}/api/media/prompts/{tenantId}/{name}/{sha256}.wav` for a tenant's prompts (content-addressed: a URL
 * always plays the audio it was made for, and may be cached forever), `{base}/api/media/prompts/default/{name}.wav`
 * for the default set. `base` is PROMPTS_BASE_URL, else the origin of the calling webhook Graph reaches us on.
 */
import { createHash } from 'node:crypto';
import { promptViewSchema, type PromptView } from '../domain';
import type { PromptRef } from './menu.schema';
import { DEFAULT_PROMPT_TEXT, readDefaultPrompt } from './default-prompts';
import type { PromptRecord, PromptRepository } from './prompt.repository';
import { MAX_TTS_TEXT, type TextToSpeech } from './tts.port';
import { checkPromptWav, type WavProblem } from './wav';

export const PROMPT_NAME_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const PROMPT_NAME_RULE = 'must be 1-64 lower-case letters, digits or dashes, starting with a letter or digit';
export const SHA256_RE = /^[0-9a-f]{64}$/;

/** A prompt as the API lists it (the schema and type live in shared/domain, where the portal reads the type). */
export { promptViewSchema, type PromptView };

export type PutPromptOutcome =
  { kind: 'saved'; prompt: PromptView; created: boolean } | { kind: 'invalid'; errors: WavProblem[] };

export class PromptRenderError extends Error {}

export const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

export class PromptService {
  constructor(
    private readonly deps: {
      repo: PromptRepository;
      /** Absent: `{text}` prompts cannot be rendered (a menu using one is refused). */
      tts?: TextToSpeech;
      /** PROMPTS_BASE_URL (no trailing slash); absent: the webhook's origin, given per call. */
      baseUrl?: string;
      now?: () => number;
    },
  ) {}

  private get nowIso(): string {
    return new Date((this.deps.now ?? Date.now)()).toISOString();
  }

  async put(tenantId: string, name: string, wav: Buffer): Promise<PutPromptOutcome> {
    const check = checkPromptWav(wav);
    if (!check.ok) return { kind: 'invalid', errors: check.errors };
    const t = tenantId.toLowerCase();
    const hash = sha256(wav);
    await this.deps.repo.putAudio(t, hash, wav);
    const existing = await this.deps.repo.getName(t, name);
    const record: PromptRecord = {
      tenantId: t,
      name,
      sha256: hash,
      bytes: wav.length,
      durationMs: check.info.durationMs,
      source: 'upload',
      updatedAt: this.nowIso,
    };
    await this.deps.repo.putName(record);
    return { kind: 'saved', prompt: view(record), created: !existing };
  }

  /** The tenant's prompt by name, else the default set's; with its audio. */
  async get(tenantId: string, name: string): Promise<{ prompt: PromptView; wav: Buffer } | undefined> {
    const record = await this.deps.repo.getName(tenantId, name);
    if (record) {
      const wav = await this.deps.repo.getAudio(tenantId, record.sha256);
      return wav ? { prompt: view(record), wav } : undefined;
    }
    const wav = readDefaultPrompt(name);
    return wav ? { prompt: defaultView(name, wav), wav } : undefined;
  }

  /** The tenant's prompts (uploads and rendered text), then the default set's names the tenant has not replaced. */
  async list(tenantId: string): Promise<PromptView[]> {
    const own = (await this.deps.repo.listNames(tenantId)).map(view);
    const names = new Set(own.map((p) => p.name));
    const defaults = Object.keys(DEFAULT_PROMPT_TEXT)
      .filter((n) => !names.has(n))
      .map((n) => defaultView(n, readDefaultPrompt(n)!));
    return [...own, ...defaults];
  }

  /** Audio by hash, for the media route Graph fetches. */
  media(tenantId: string, hash: string): Promise<Buffer | undefined> {
    return this.deps.repo.getAudio(tenantId, hash);
  }

  /** Whether a `{prompt}` reference names an existing prompt (the tenant's or a default). */
  async exists(tenantId: string, name: string): Promise<boolean> {
    return Object.hasOwn(DEFAULT_PROMPT_TEXT, name) || !!(await this.deps.repo.getName(tenantId, name));
  }

  /** The name a `{text}` reference is kept under (voice and text decide it). */
  textPromptName(text: string): string | undefined {
    return this.deps.tts ? `tts-${sha256(`${this.deps.tts.voice}\n${text}`).slice(0, 24)}` : undefined;
  }

  /** Renders `{text}` once (at write time); later calls find it. Throws PromptRenderError when it cannot. */
  async render(tenantId: string, text: string): Promise<string> {
    const tts = this.deps.tts;
    if (!tts) throw new PromptRenderError('no text-to-speech engine is configured (set SPEECH_KEY and SPEECH_REGION)');
    if (text.length > MAX_TTS_TEXT) throw new PromptRenderError(`is longer than ${MAX_TTS_TEXT} characters`);
    const name = this.textPromptName(text)!;
    if (await this.deps.repo.getName(tenantId, name)) return name;
    let wav: Buffer;
    try {
      wav = await tts.synthesize(text);
    } catch (e) {
      throw new PromptRenderError(`text-to-speech failed: ${(e as Error).message}`);
    }
    const check = checkPromptWav(wav);
    if (!check.ok) throw new PromptRenderError('text-to-speech returned audio that is not a prompt WAV');
    const t = tenantId.toLowerCase();
    const hash = sha256(wav);
    await this.deps.repo.putAudio(t, hash, wav);
    await this.deps.repo.putName({
      tenantId: t,
      name,
      sha256: hash,
      bytes: wav.length,
      durationMs: check.info.durationMs,
      source: 'tts',
      text,
      voice: tts.voice,
      updatedAt: this.nowIso,
    });
    return name;
  }

  /**
   * The URLs Graph fetches for these references, in order (at call time: `{text}` was rendered when the menu was
   * saved; one that is missing now is rendered here). `fallbackBase`: the webhook's origin when PROMPTS_BASE_URL is
   * unset.
   */
  async urls(tenantId: string, refs: readonly PromptRef[], fallbackBase?: string): Promise<string[]> {
    const base = this.deps.baseUrl ?? fallbackBase?.replace(/\/+$/, '');
    if (!base) throw new Error('no base URL for prompts: set PROMPTS_BASE_URL');
    const t = tenantId.toLowerCase();
    const out: string[] = [];
    for (const ref of refs) {
      const name = 'prompt' in ref ? ref.prompt : await this.render(t, ref.text);
      const record = await this.deps.repo.getName(t, name);
      if (record) out.push(`${base}/api/media/prompts/${t}/${encodeURIComponent(name)}/${record.sha256}.wav`);
      else if (Object.hasOwn(DEFAULT_PROMPT_TEXT, name))
        out.push(`${base}/api/media/prompts/default/${encodeURIComponent(name)}.wav`);
      // A prompt deleted since the menu was saved is skipped: the caller hears the rest.
    }
    return out;
  }
}

function view(r: PromptRecord): PromptView {
  return {
    name: r.name,
    source: r.source,
    sha256: r.sha256,
    bytes: r.bytes,
    durationMs: r.durationMs,
    ...(r.text ? { text: r.text } : {}),
    updatedAt: r.updatedAt,
    mediaUrl: `/api/media/prompts/${r.tenantId}/${encodeURIComponent(r.name)}/${r.sha256}.wav`,
  };
}

function defaultView(name: string, wav: Buffer): PromptView {
  const check = checkPromptWav(wav);
  return {
    name,
    source: 'default',
    bytes: wav.length,
    ...(check.ok ? { durationMs: check.info.durationMs } : {}),
    text: DEFAULT_PROMPT_TEXT[name],
    mediaUrl: `/api/media/prompts/default/${encodeURIComponent(name)}.wav`,
  };
}

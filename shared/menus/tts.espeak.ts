/**
 * The local text-to-speech stand-in: Debian's `espeak-ng` (a formant synthesiser, no network, deterministic), its
 * 22.05 kHz output converted to the prompt format. Also what made the default English prompt set
 * (scripts/make-default-prompts.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { toPromptWav } from './wav';
import { TextToSpeech, TextToSpeechError } from './tts.port';

/** Whether `espeak-ng` is on PATH. */
export function espeakAvailable(bin = 'espeak-ng'): boolean {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

export class EspeakTextToSpeech implements TextToSpeech {
  readonly voice: string;

  constructor(private readonly o: { voice?: string; wordsPerMinute?: number; bin?: string } = {}) {
    this.voice = `espeak-ng:${o.voice ?? 'en-us'}`;
  }

  synthesize(text: string): Promise<Buffer> {
    const args = ['-v', this.o.voice ?? 'en-us', '-s', String(this.o.wordsPerMinute ?? 160), '--stdout', text];
    return new Promise((resolve, reject) => {
      const child = spawn(this.o.bin ?? 'espeak-ng', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', (e) => reject(new TextToSpeechError(`espeak-ng could not start: ${e.message}`, false)));
      child.on('close', (code) => {
        if (code !== 0) return reject(new TextToSpeechError(`espeak-ng exited ${code}: ${err.trim()}`, false));
        try {
          resolve(toPromptWav(Buffer.concat(out)));
        } catch (e) {
          reject(new TextToSpeechError(`espeak-ng output: ${(e as Error).message}`, false));
        }
      });
    });
  }
}

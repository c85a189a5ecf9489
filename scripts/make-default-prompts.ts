/**
 * Makes the default English prompt set (shared/menus/default-prompts/en-US/*.wav) with espeak-ng, converted to the
 * prompt format (mono, 16-bit, 16 kHz). Run after changing a phrase: `npm run build && node
 * dist/scripts/make-default-prompts.js`; commit the WAVs. Needs Debian's espeak-ng (`apt-get install espeak-ng`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PROMPT_LANGUAGE, DEFAULT_PROMPT_TEXT } from '../shared/menus/default-prompts';
import { EspeakTextToSpeech, espeakAvailable } from '../shared/menus/tts.espeak';
import { REPO_ROOT } from './lib/processes';

async function main(): Promise<void> {
  if (!espeakAvailable()) throw new Error('espeak-ng is not on PATH (apt-get install espeak-ng)');
  const dir = path.join(REPO_ROOT, 'shared', 'menus', 'default-prompts', DEFAULT_PROMPT_LANGUAGE);
  mkdirSync(dir, { recursive: true });
  const tts = new EspeakTextToSpeech({ voice: 'en-us', wordsPerMinute: 160 });
  let bytes = 0;
  for (const [name, text] of Object.entries(DEFAULT_PROMPT_TEXT)) {
    const wav = await tts.synthesize(text);
    writeFileSync(path.join(dir, `${name}.wav`), wav);
    bytes += wav.length;
  }
  console.log(
    `${Object.keys(DEFAULT_PROMPT_TEXT).length} prompts, ${bytes} bytes, in ${path.relative(REPO_ROOT, dir)}`,
  );
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});

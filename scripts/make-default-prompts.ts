/**
 * Makes the default English prompt set (shared/menus/default-prompts/en-US/*.wav) with espeak-ng, converted to the
 * prompt format (mono, 16-bit, 16 kHz). Run after changing a phrase: `npm run build && node
 * dist/scripts/make-default-prompts.js`; commit the WAVs. Needs Debian's espeak-ng (`apt-get install espeak-ng`).
 * Only prompts with no WAV yet are made (espeak-ng's output changes between its versions, and committed prompts
 * should not churn); `--all` makes every one again (after changing a phrase's text).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PROMPT_LANGUAGE, DEFAULT_PROMPT_TEXT } from '../shared/menus/default-prompts';
import { EspeakTextToSpeech, espeakAvailable } from '../shared/menus/tts.espeak';
import { REPO_ROOT } from './lib/processes';

async function main(): Promise<void> {
  if (!espeakAvailable()) throw new Error('espeak-ng is not on PATH (apt-get install espeak-ng)');
  const dir = path.join(REPO_ROOT, 'shared', 'menus', 'default-prompts', DEFAULT_PROMPT_LANGUAGE);
  mkdirSync(dir, { recursive: true });
  const tts = new EspeakTextToSpeech({ voice: 'en-us', wordsPerMinute: 160 });
  const all = process.argv.includes('--all');
  let bytes = 0;
  let made = 0;
  for (const [name, text] of Object.entries(DEFAULT_PROMPT_TEXT)) {
    const file = path.join(dir, `${name}.wav`);
    if (!all && existsSync(file)) continue;
    const wav = await tts.synthesize(text);
    writeFileSync(file, wav);
    bytes += wav.length;
    made++;
  }
  console.log(
    `${made} of ${Object.keys(DEFAULT_PROMPT_TEXT).length} prompts made, ${bytes} bytes, in ${path.relative(REPO_ROOT, dir)}`,
  );
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_PROMPT_TEXT,
  checkPromptWav,
  defaultPromptDir,
  encodeWav,
  numberPrompts,
  readDefaultPrompt,
  toPromptWav,
} from '../../../../shared/menus';

/** A WAV header + `seconds` of silence with the given format fields. */
function wav(o: { format?: number; channels?: number; rate?: number; bits?: number; seconds?: number }): Buffer {
  const channels = o.channels ?? 1;
  const rate = o.rate ?? 16000;
  const bits = o.bits ?? 16;
  const dataBytes = Math.round((o.seconds ?? 0.5) * rate * channels * (bits / 8));
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(o.format ?? 1, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE((rate * channels * bits) / 8, 28);
  b.writeUInt16LE((channels * bits) / 8, 32);
  b.writeUInt16LE(bits, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(dataBytes, 40);
  return b;
}

test('a mono 16-bit 16 kHz PCM WAV is a prompt; its length is read from the data chunk', () => {
  const r = checkPromptWav(wav({ seconds: 1.5 }));
  expect(r.ok && r.info.durationMs).toBe(1500);
});

test('every wrong format field is named', () => {
  const r = checkPromptWav(wav({ format: 3, channels: 2, rate: 44100, bits: 32 }));
  expect(r.ok).toBe(false);
  expect(!r.ok && r.errors.map((e) => e.field)).toEqual(['audioFormat', 'channels', 'sampleRate', 'bitsPerSample']);
  expect(!r.ok && r.errors.find((e) => e.field === 'sampleRate')?.message).toBe('is 44100 Hz; must be 16000');
});

test('not a WAV, too long, too big, empty', () => {
  expect(checkPromptWav(Buffer.from('ID3 not a wav at all')).ok).toBe(false);
  const long = checkPromptWav(wav({ seconds: 301 }));
  expect(!long.ok && long.errors).toEqual([{ field: 'duration', message: 'is 301.0 s; at most 300 s (5 min)' }]);
  const big = checkPromptWav(Buffer.alloc(11 * 1024 * 1024));
  expect(!big.ok && big.errors[0].field).toBe('body');
  const empty = checkPromptWav(wav({ seconds: 0 }));
  expect(!empty.ok && empty.errors[0].field).toBe('data');
});

test('stereo 22.05 kHz converts to the prompt format, keeping the length', () => {
  const out = toPromptWav(wav({ channels: 2, rate: 22050, seconds: 2 }));
  const r = checkPromptWav(out);
  expect(r.ok && Math.abs(r.info.durationMs - 2000)).toBeLessThanOrEqual(1);
  expect(checkPromptWav(encodeWav(new Int16Array(16000))).ok).toBe(true);
});

test('the committed default set is complete and every file is a prompt WAV', () => {
  const files = readdirSync(defaultPromptDir()).filter((f) => f.endsWith('.wav'));
  expect(files.sort()).toEqual(
    Object.keys(DEFAULT_PROMPT_TEXT)
      .map((n) => `${n}.wav`)
      .sort(),
  );
  for (const f of files) {
    const r = checkPromptWav(readFileSync(path.join(defaultPromptDir(), f)));
    expect({ f, ok: r.ok }).toEqual({ f, ok: true });
  }
  expect(readDefaultPrompt('closed')?.length).toBeGreaterThan(1000);
  expect(readDefaultPrompt('nope')).toBeUndefined();
});

test('numbers 0-99 are said with the set', () => {
  expect(numberPrompts(7)).toEqual(['n-7']);
  expect(numberPrompts(19)).toEqual(['n-19']);
  expect(numberPrompts(40)).toEqual(['n-40']);
  expect(numberPrompts(23)).toEqual(['n-20', 'n-3']);
  for (let n = 0; n < 100; n++) for (const p of numberPrompts(n)) expect(DEFAULT_PROMPT_TEXT[p]).toBeDefined();
  expect(() => numberPrompts(100)).toThrow(RangeError);
});

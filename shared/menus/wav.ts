/**
 * WAV files as Graph's playPrompt takes them: RIFF/WAVE, PCM (format 1), mono, 16-bit, 16 kHz
 * (learn.microsoft.com, "Play prompt": "the audio file … must be a .wav file … mono, 16-bit, 16 kHz"). Pure.
 *
 * Hand-written rather than a WAV library: the checks must name the exact field at fault (`sampleRate: is 44100 Hz,
 * must be 16000`) and walk the RIFF chunks without trusting their sizes; the one conversion needed (espeak-ng's
 * 22.05 kHz output to 16 kHz) is a linear-interpolation resampler of a few lines.
 */

export const PROMPT_SAMPLE_RATE = 16_000;
export const PROMPT_BITS = 16;
export const PROMPT_CHANNELS = 1;
/** Longest prompt accepted (issue 14: length ≤ 5 min). */
export const MAX_PROMPT_MS = 5 * 60_000;
/** Largest upload: 5 min of 16 kHz 16-bit mono is 9,600,000 bytes of samples, plus headers and extra chunks. */
export const MAX_PROMPT_BYTES = 10 * 1024 * 1024;

export interface WavInfo {
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Offset and length of the `data` chunk's samples. */
  dataOffset: number;
  dataBytes: number;
  durationMs: number;
}

export interface WavProblem {
  field: string;
  message: string;
}

/** Reads the RIFF header and the `fmt ` / `data` chunks; problems name the field (`body`, `audioFormat`, …). */
export function readWav(buf: Uint8Array): { ok: true; info: WavInfo } | { ok: false; errors: WavProblem[] } {
  const fail = (message: string) => ({ ok: false as const, errors: [{ field: 'body', message }] });
  if (buf.length < 12) return fail(`is ${buf.length} bytes: too short for a WAV (RIFF) file`);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE')
    return fail('is not a WAV file (no RIFF/WAVE header)');
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'durationMs'> | undefined;
  let data: { offset: number; bytes: number } | undefined;
  let pos = 12;
  while (pos + 8 <= b.length && !(fmt && data)) {
    const id = b.toString('latin1', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > b.length) return fail('has a truncated fmt chunk');
      fmt = {
        audioFormat: b.readUInt16LE(body),
        channels: b.readUInt16LE(body + 2),
        sampleRate: b.readUInt32LE(body + 4),
        bitsPerSample: b.readUInt16LE(body + 14),
      };
      // WAVE_FORMAT_EXTENSIBLE carries the real format in its sub-format GUID's first two bytes.
      if (fmt.audioFormat === 0xfffe && size >= 40 && body + 26 <= b.length)
        fmt.audioFormat = b.readUInt16LE(body + 24);
    } else if (id === 'data') {
      // Streamed writers (espeak-ng --stdout) leave the size at 0x7fffffff-ish: the data runs to the end.
      data = { offset: body, bytes: Math.min(size, b.length - body) };
    }
    pos = body + size + (size % 2);
  }
  if (!fmt) return fail('has no fmt chunk');
  if (!data) return fail('has no data chunk');
  const bytesPerSecond = fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8);
  const durationMs = bytesPerSecond > 0 ? Math.round((data.bytes / bytesPerSecond) * 1000) : 0;
  return { ok: true, info: { ...fmt, dataOffset: data.offset, dataBytes: data.bytes, durationMs } };
}

/**
 * Checks a prompt upload: size, WAV structure, then every format field Graph needs and the length. All problems at
 * once, each naming its field.
 */
export function checkPromptWav(buf: Uint8Array): { ok: true; info: WavInfo } | { ok: false; errors: WavProblem[] } {
  if (buf.length > MAX_PROMPT_BYTES)
    return { ok: false, errors: [{ field: 'body', message: `is ${buf.length} bytes; at most ${MAX_PROMPT_BYTES}` }] };
  const read = readWav(buf);
  if (!read.ok) return read;
  const i = read.info;
  const errors: WavProblem[] = [];
  if (i.audioFormat !== 1) errors.push({ field: 'audioFormat', message: `is ${i.audioFormat}; must be 1 (PCM)` });
  if (i.channels !== PROMPT_CHANNELS) errors.push({ field: 'channels', message: `is ${i.channels}; must be 1 (mono)` });
  if (i.sampleRate !== PROMPT_SAMPLE_RATE)
    errors.push({ field: 'sampleRate', message: `is ${i.sampleRate} Hz; must be ${PROMPT_SAMPLE_RATE}` });
  if (i.bitsPerSample !== PROMPT_BITS)
    errors.push({ field: 'bitsPerSample', message: `is ${i.bitsPerSample}; must be ${PROMPT_BITS}` });
  if (i.dataBytes === 0) errors.push({ field: 'data', message: 'holds no samples' });
  if (i.durationMs > MAX_PROMPT_MS)
    errors.push({ field: 'duration', message: `is ${(i.durationMs / 1000).toFixed(1)} s; at most 300 s (5 min)` });
  return errors.length ? { ok: false, errors } : { ok: true, info: i };
}

/** A 16-bit PCM mono WAV of `samples` at `sampleRate`. */
export function encodeWav(samples: Int16Array, sampleRate = PROMPT_SAMPLE_RATE): Buffer {
  const dataBytes = samples.length * 2;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'latin1');
  b.write('fmt ', 12, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i], 44 + i * 2);
  return b;
}

/** Linear-interpolation resampling of 16-bit samples (speech; no anti-alias filter needed going 22.05 → 16 kHz). */
export function resample(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return samples;
  const n = Math.max(1, Math.floor((samples.length * to) / from));
  const out = new Int16Array(n);
  const step = from / to;
  for (let i = 0; i < n; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const a = samples[Math.min(j, samples.length - 1)];
    const c = samples[Math.min(j + 1, samples.length - 1)];
    out[i] = Math.round(a + (c - a) * (x - j));
  }
  return out;
}

/** Any 16-bit PCM WAV (mono or stereo, any rate) → the prompt format (mono, 16-bit, 16 kHz). */
export function toPromptWav(buf: Uint8Array): Buffer {
  const read = readWav(buf);
  if (!read.ok) throw new Error(`not a WAV: ${read.errors.map((e) => e.message).join('; ')}`);
  const i = read.info;
  if (i.audioFormat !== 1 || i.bitsPerSample !== 16)
    throw new Error(`only 16-bit PCM converts (format ${i.audioFormat}, ${i.bitsPerSample} bits)`);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const frames = Math.floor(i.dataBytes / (2 * i.channels));
  const mono = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < i.channels; c++) sum += b.readInt16LE(i.dataOffset + (f * i.channels + c) * 2);
    mono[f] = Math.round(sum / i.channels);
  }
  return encodeWav(resample(mono, i.sampleRate, PROMPT_SAMPLE_RATE));
}

/** `ms` of silence in the prompt format. */
export function silenceWav(ms: number): Buffer {
  return encodeWav(new Int16Array(Math.round((PROMPT_SAMPLE_RATE * ms) / 1000)));
}

/**
 * Turning the raw upload into text: the size limit (checked on bytes, before any parsing) and the encoding. Uploads
 * must be UTF-8 (with or without a BOM); Excel's "Unicode text" (UTF-16) and legacy code pages are refused with a
 * message that says how to save the file instead of being read as garbage.
 */
import type { BulkFileError, BulkLimits } from './bulk.types';

export type UploadBody = string | Uint8Array;

export type DecodeResult = { ok: true; text: string } | { ok: false; error: BulkFileError };

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function byteLength(body: UploadBody): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

export function decodeUpload(body: UploadBody, limits: BulkLimits): DecodeResult {
  const size = byteLength(body);
  if (size > limits.maxBytes) {
    return {
      ok: false,
      error: {
        code: 'tooLarge',
        message: `The upload is ${formatBytes(size)}; the limit is ${formatBytes(limits.maxBytes)}. Split it into smaller files.`,
      },
    };
  }
  if (typeof body === 'string') return { ok: true, text: body };
  if (body.length >= 2 && ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff))) {
    return {
      ok: false,
      error: {
        code: 'encoding',
        message: 'The file is UTF-16 ("Unicode text"); save it as "CSV UTF-8" and upload again.',
      },
    };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    return {
      ok: false,
      error: {
        code: 'encoding',
        message:
          'The file is not valid UTF-8 text; save it as "CSV UTF-8" (Excel: File > Save As > CSV UTF-8) and upload again.',
      },
    };
  }
}

/**
 * The text-to-speech port: text in, a prompt-format WAV out (mono, 16-bit, 16 kHz — what playPrompt plays). Adapters:
 * Azure AI Speech over REST (production, tts.azure.ts) and espeak-ng (local stand-in, tts.espeak.ts).
 */
export interface TextToSpeech {
  /** Which engine and voice: part of a rendered prompt's identity (the same text in another voice is another WAV). */
  readonly voice: string;
  synthesize(text: string): Promise<Buffer>;
}

export class TextToSpeechError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'TextToSpeechError';
  }
}

/** The longest text rendered in one prompt (Azure's REST API takes up to 10 min of audio; a menu line is short). */
export const MAX_TTS_TEXT = 1000;

/** Menus and prompts: what callers hear and press (issue 14). Schemas, pure rules, repositories, services, TTS. */
export * from './wav';
export * from './default-prompts';
export * from './tts.port';
export * from './tts.azure';
export * from './tts.espeak';
export * from './prompt.repository';
export * from './prompt.service';
export * from './business-hours';
export * from './menu.schema';
export * from './menu.rules';
export * from './menu.repository';
export * from './menu-directory.port';
export * from './menu.service';
export * from './menu-navigator';

export * from './auth.errors';
export * from './jwks';
export * from './api-token';
export * from './authorize';
export * from './bot-token';
export * from './caller-privacy';

export * from './tenant.errors';
export * from './retry';
export * from './model';
export * from './credentials';
export { createGraphClient, graphScope, isMicrosoftGraphHost, CredentialAuthProvider } from './graph-client';
export * from './graph-adapter';
export * from './bridge-client';
export * from './gateway';
export * from './pacing';

export * from './keys';
export * from './tables';
export * from './endpoints';
export * from './endpoint-steps';
export * from './bulk';
export * from './provision-queue';
export * from './rate-buckets';
export * from './drift';

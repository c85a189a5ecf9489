/** Table storage primitives only (keys, ETag updates, transactions, shared rate buckets); each capability keeps its own repositories. */
export * from './keys';
export * from './tables';
export * from './rate-buckets';
export * from './concurrency';
export * from './queues';

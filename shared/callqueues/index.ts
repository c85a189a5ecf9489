/** Call queues and agents: the API's schema, the `callQueues` and `agents` tables, the service. */
export * from './callqueue.schema';
export * from './callqueue.repository';
export * from './callqueue-directory.port';
export * from './callqueue.service';

/** Call queues and agents: the API's schema, the `callQueues`, `agents` and `callQueueSupervisors` tables, the services. */
export * from './callqueue.schema';
export * from './callqueue.repository';
export * from './callqueue-directory.port';
export * from './callqueue-calls.port';
export * from './callqueue.service';
export * from './supervisors.repository';
export * from './callqueue-scope';
export * from './agent.service';
export * from './agent-skills.schema';
export * from './agent-licensing.service';

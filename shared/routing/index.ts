/** The pure ACD engine: routing decisions, eligibility rules, call queue rules, agent state machine, Erlang theory. */
export * from './call-queue.types';
export * from './eligibility.rules';
export * from './routing-engine';
export * from './call-queue.rules';
export * from './agent-state.machine';
export * from './erlang';
export * from './wait-estimate';

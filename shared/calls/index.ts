export * from './notification.schema';
export * from './notification.parser';
export * from './call.rules';
export * from './call-control.port';
export * from './call-control.graph';
export * from './call-commands';
export * from './call.repository';

/** Presence change notifications: Graph subscriptions for agents' presence, their webhook intake and handler. */
export * from './presence-notification.rules';
export * from './presence-subscriptions.graph';
export * from './presence-subscriptions.repository';
export * from './presence-events.queue';
export * from './presence-notifications.service';
export * from './token-seal';
export * from './presence-delegated.entra';
export * from './presence-connections.repository';
export * from './presence-connection.service';

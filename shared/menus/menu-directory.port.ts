/** What the menu capability needs from others, filled by the composition root. */
export interface MenuDirectory {
  /** Whether the tenant has this call queue. */
  callQueueExists(tenantId: string, queueId: string): Promise<boolean>;
  /** Object id by lower-cased UPN for those that are users of the tenant. */
  resolveUsers(tenantId: string, upns: readonly string[]): Promise<Map<string, string>>;
  /** Whether the tenant has this self-service (absent: selfService actions are refused). */
  selfServiceExists?(tenantId: string, serviceId: string): Promise<boolean>;
}

/** What the call queue capability needs from the tenant: which UPNs are users, and their object ids. */
export interface TenantUserDirectory {
  /** Object id by lower-cased UPN for those that are users of the tenant; the others are absent. */
  resolveUsers(tenantId: string, upns: readonly string[]): Promise<Map<string, string>>;
}

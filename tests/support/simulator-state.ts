/** The simulator's `GET /_sim/state` as tests read it: the one definition every test helper uses. */
export interface SimStateApp {
  appId: string;
  displayName: string;
  clientSecret: string;
  servicePrincipalId: string;
  applicationPermissions: string[];
  delegatedPermissions: string[];
}

export interface SimState {
  tenants: {
    tenantId: string;
    domain: string;
    botAppId: string;
    apps: SimStateApp[];
    applicationInstances: {
      objectId: string;
      userPrincipalName: string;
      applicationId: string | null;
      syncedToAps: boolean;
      phoneNumber: string | null;
    }[];
    users: {
      id: string;
      userPrincipalName: string;
      usageLocation: string | null;
      assignedLicenses: { skuId: string }[];
      accountType: string;
    }[];
    subscribedSkus: {
      skuId: string;
      skuPartNumber: string;
      prepaidUnits: { enabled: number };
      consumedUnits: number;
    }[];
    numbers: {
      telephoneNumber: string;
      numberType: string;
      assignmentStatus: string;
      assignmentTargetId: string | null;
      capabilities?: string[];
    }[];
    calls: { id: string; state: string; from: string; to: string; agentId?: string }[];
  }[];
  stats: {
    requests: number;
    throttled: number;
    faulted: number;
    retryAfterViolations: number;
    requestsByService: Record<string, number>;
    discoveryByTenant: Record<string, number>;
  };
}

/** One app of a tenant in the state. */
export type SimApp = SimStateApp;

/** The request counters in the state. */
export type SimStats = SimState['stats'];

/**
 * A self-service as the API takes and shows it (`PUT|GET …/selfServices/{serviceId}`, docs/api.md): plain types shared
 * by shared/menus (whose zod schema checks bodies, self-service.schema.ts) and the portal, which imports no app code
 * but shared/domain.
 */
import type { MenuAction, PromptRef } from './menu';

export interface SelfServiceCollectItem {
  /** `[A-Za-z][A-Za-z0-9_]{0,31}`, unique in the service. */
  name: string;
  prompt: PromptRef;
  digits: { min: number; max: number };
  terminator: '#' | '*';
}

/** Where a failed self-service sends the caller: not `repeat` nor another `selfService`. */
export type SelfServiceFallback = Exclude<MenuAction, { kind: 'repeat' } | { kind: 'selfService' }>;

export interface SelfServiceBody {
  name?: string;
  url: string;
  /** Write-only: never returned; on a replace it may be left out to keep the stored one. */
  secret?: string;
  collect: SelfServiceCollectItem[];
  fallback?: SelfServiceFallback;
  failurePrompt?: PromptRef;
  timeoutS: number;
  maxRetries: number;
}

/** What GET answers: the body without its secret, with ids and time. */
export interface SelfServiceView extends Omit<SelfServiceBody, 'secret'> {
  tenantId?: string;
  serviceId: string;
  secretSet: boolean;
  updatedAt?: string;
}

// The self-service form's state (text as typed) and the PUT body it makes — pure, so unit tests check them against the
// API's own schema (shared/menus). The secret is write-only: the API never returns it, so a stored self-service's form
// shows "secret set" and a replace leaves it out unless one is typed.
import type {
  SelfServiceBody,
  SelfServiceCollectItem,
  SelfServiceFallback,
  SelfServiceView,
} from '../../shared/domain/self-service';
import { numberOrText } from './callqueue-body';
import {
  actionForm,
  actionOf,
  promptForm,
  promptRefOf,
  type ActionForm,
  type FormActionKind,
  type PromptForm,
} from './menu-body';

export type { SelfServiceBody, SelfServiceView };

/** Where a failed self-service may send the caller (the API refuses `repeat` and `selfService` there). */
export const FALLBACK_KINDS = [
  'callQueue',
  'menu',
  'transfer',
  'disconnect',
] as const satisfies readonly (FormActionKind & SelfServiceFallback['kind'])[];

export const TERMINATORS = ['#', '*'] as const satisfies readonly SelfServiceCollectItem['terminator'][];

export interface CollectForm {
  name: string;
  prompt: PromptForm;
  min: string;
  max: string;
  terminator: SelfServiceCollectItem['terminator'];
}

export interface SelfServiceForm {
  name: string;
  url: string;
  /** What is typed now; empty on a stored one keeps the stored secret. */
  secret: string;
  /** The API holds a secret for it (a stored self-service). */
  secretSet: boolean;
  collect: CollectForm[];
  /** Off: the API's default (back to the menu the caller came from). */
  fallbackOn: boolean;
  fallback: ActionForm;
  failurePrompt: PromptForm;
  timeoutS: string;
  maxRetries: string;
}

export const newCollectForm = (): CollectForm => ({
  name: '',
  prompt: { mode: 'text', text: '', prompt: '' },
  min: '1',
  max: '10',
  terminator: '#',
});

export function newSelfServiceForm(): SelfServiceForm {
  return {
    name: '',
    url: '',
    secret: '',
    secretSet: false,
    collect: [newCollectForm()],
    fallbackOn: false,
    fallback: actionForm(),
    failurePrompt: promptForm(),
    timeoutS: '5',
    maxRetries: '2',
  };
}

export function formOfSelfService(s: SelfServiceView): SelfServiceForm {
  return {
    name: s.name ?? '',
    url: s.url,
    secret: '',
    secretSet: s.secretSet,
    collect: s.collect.map((c) => ({
      name: c.name,
      prompt: promptForm(c.prompt),
      min: String(c.digits.min),
      max: String(c.digits.max),
      terminator: c.terminator,
    })),
    fallbackOn: !!s.fallback,
    fallback: actionForm(s.fallback),
    failurePrompt: promptForm(s.failurePrompt),
    timeoutS: String(s.timeoutS),
    maxRetries: String(s.maxRetries),
  };
}

/**
 * The PUT body, or the form's own problems by field (only what cannot be sent at all: skills that are not
 * name=level). Everything else goes as typed, and the API names what is wrong (`collect[0].digits.max`).
 */
export function bodyOfSelfService(
  f: SelfServiceForm,
): { body: Record<string, unknown> } | { errors: Record<string, string> } {
  const body: Record<string, unknown> = {
    ...(f.name.trim() ? { name: f.name.trim() } : {}),
    url: f.url.trim(),
    // Write-only: sent when typed; left out of a replace to keep the stored one (a new one without it: the API says).
    ...(f.secret ? { secret: f.secret } : {}),
    collect: f.collect.map((c) => ({
      name: c.name.trim(),
      prompt: promptRefOf(c.prompt) ?? { text: '' },
      digits: { min: numberOrText(c.min) ?? '', max: numberOrText(c.max) ?? '' },
      terminator: c.terminator,
    })),
  };
  if (f.fallbackOn) {
    const out = actionOf(f.fallback, 'fallback');
    if ('errors' in out) return out;
    body.fallback = out.action;
  }
  const failure = promptRefOf(f.failurePrompt);
  if (failure) body.failurePrompt = failure;
  const timeout = numberOrText(f.timeoutS);
  if (timeout !== undefined) body.timeoutS = timeout;
  const retries = numberOrText(f.maxRetries);
  if (retries !== undefined) body.maxRetries = retries;
  return { body };
}

/** "account (10 digits), pin (4–6 digits, then #)" for a list. */
export function collectSummary(items: SelfServiceCollectItem[]): string {
  return items
    .map((c) => {
      const digits = c.digits.min === c.digits.max ? `${c.digits.min}` : `${c.digits.min}–${c.digits.max}`;
      return `${c.name} (${digits} digits, ${c.terminator})`;
    })
    .join(', ');
}

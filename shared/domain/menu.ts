/**
 * A menu as the API takes and shows it (`PUT|GET …/menus/{menuId}`, docs/api.md): plain types and the fixed lists,
 * shared by shared/menus (whose zod schema checks bodies against them, see menu.schema.ts) and the portal.
 */
import { z } from 'zod';

export const MENU_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] as const;
export type MenuKey = (typeof MENU_KEYS)[number];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `{text}` (spoken by text-to-speech, rendered when the menu is saved) or `{prompt}` (a prompt by name). */
export type PromptRef = { text: string } | { prompt: string };

/** Where a caller goes. `selfService` is in the schema but refused by the API for now; `repeat` is for options only. */
export type MenuAction =
  | { kind: 'callQueue'; queueId: string; requiredSkills?: Record<string, number>; priority?: number }
  | { kind: 'menu'; menuId: string }
  | { kind: 'transfer'; target: { userPrincipalName?: string; phoneNumber?: string } }
  | { kind: 'selfService'; serviceId: string }
  | { kind: 'repeat' }
  | { kind: 'disconnect' };
export type MenuActionKind = MenuAction['kind'];

export interface BusinessHours {
  /** IANA, e.g. Europe/Paris. */
  timeZone: string;
  weekly: { days: Weekday[]; from: string; to: string }[];
  holidays: { date: string; name: string }[];
  closedGreeting: PromptRef;
  closedAction: MenuAction;
}

export interface MenuBody {
  name?: string;
  greeting: PromptRef;
  options: { key: MenuKey; prompt?: PromptRef; action: MenuAction }[];
  inputTimeoutS: number;
  maxRetries: number;
  invalidPrompt?: PromptRef;
  noInputAction: MenuAction;
  businessHours?: BusinessHours;
}

/** What GET answers: the body with its ids and time (`userIds`: transfer users' object ids). */
export interface MenuView extends MenuBody {
  tenantId?: string;
  menuId: string;
  userIds?: Record<string, string>;
  updatedAt?: string;
}

/** A prompt as `GET …/prompts` lists it. */
export const promptViewSchema = z.object({
  name: z.string(),
  source: z.enum(['upload', 'tts', 'default']),
  sha256: z.string().optional(),
  bytes: z.number(),
  durationMs: z.number().optional(),
  text: z.string().optional(),
  updatedAt: z.string().optional(),
  /** Where the audio plays from, relative to the API's origin. */
  mediaUrl: z.string(),
});
export type PromptView = z.infer<typeof promptViewSchema>;

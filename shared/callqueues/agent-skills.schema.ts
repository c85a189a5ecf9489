/** `PUT /api/tenants/{t}/agents/{upn}` body: `{skills: {name: level 1–5}}` (the skills replace the agent's). */
import { z } from 'zod';
import { skillLevels, zodProblems, type FieldProblem } from './callqueue.schema';

export const MAX_AGENT_SKILLS = 100;

export const agentSkillsBodySchema = z
  .object({
    skills: skillLevels.refine((s) => Object.keys(s).length <= MAX_AGENT_SKILLS, {
      message: `at most ${MAX_AGENT_SKILLS} skills`,
    }),
  })
  .strict();

export type AgentSkillsBody = z.infer<typeof agentSkillsBodySchema>;

export function parseAgentSkillsBody(
  body: unknown,
): { ok: true; value: AgentSkillsBody } | { ok: false; errors: FieldProblem[] } {
  const parsed = agentSkillsBodySchema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: zodProblems(parsed.error) };
}

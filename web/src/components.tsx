// Small pieces every page uses: the problem+json message, status badges, dates.
import {
  Badge,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  tokens,
  type BadgeProps,
} from '@fluentui/react-components';
import { Link as RouterLink } from 'react-router';
import { useEffect, useState } from 'react';
import { ApiProblem } from './api';

export function ProblemBar({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error.problem : undefined;
  const general = problem?.errors?.filter((e) => !e.field) ?? [];
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{problem ? `${problem.title} (${problem.status})` : 'Something went wrong'}</MessageBarTitle>
        {problem?.detail ?? (error instanceof Error ? error.message : String(error))}
        {general.map((e, i) => (
          <div key={i}>{e.message}</div>
        ))}
      </MessageBarBody>
    </MessageBar>
  );
}

const COLORS: Record<string, BadgeProps['color']> = {
  Provisioned: 'success',
  Succeeded: 'success',
  Completed: 'success',
  ok: 'success',
  granted: 'success',
  connected: 'success',
  'not connected': 'warning',
  Failed: 'danger',
  Rejected: 'danger',
  unhealthy: 'danger',
  open: 'danger',
  Provisioning: 'brand',
  Running: 'brand',
  Deprovisioning: 'brand',
  degraded: 'warning',
  Pending: 'informative',
  Skipped: 'subtle',
  Deprovisioned: 'subtle',
  Cancelled: 'subtle',
  resolved: 'subtle',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge appearance="tint" color={COLORS[status] ?? 'informative'}>
      {status}
    </Badge>
  );
}

export function when(iso?: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** Loads once (and again when `deps` change or `reload` is called); `everyMs` polls while `until` is false. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
  o: { everyMs?: number; until?: (v: T) => boolean } = {},
): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stop = false;
    let timer: number | undefined;
    const run = async () => {
      try {
        const v = await load();
        if (stop) return;
        setData(v);
        setError(undefined);
        if (o.everyMs && !(o.until?.(v) ?? false)) timer = window.setTimeout(() => void run(), o.everyMs);
      } catch (err) {
        if (!stop) setError(err);
      } finally {
        if (!stop) setLoading(false);
      }
    };
    setLoading(true);
    void run();
    return () => {
      stop = true;
      if (timer) window.clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}

const useLinkStyles = makeStyles({
  link: {
    color: tokens.colorBrandForegroundLink,
    ':hover': { color: tokens.colorBrandForegroundLinkHover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
});

/** A link to another page of the portal, coloured as Fluent links are (in both themes). */
export function PageLink({ to, children }: { to: string; children: React.ReactNode }) {
  const styles = useLinkStyles();
  return (
    <RouterLink to={to} className={styles.link}>
      {children}
    </RouterLink>
  );
}

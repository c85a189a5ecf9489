// One endpoint: its settings, and the step log of its current run as a timeline (live while the run works).
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Spinner,
  Text,
  Title2,
  Title3,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useParams } from 'react-router';
import type { Api } from '../api';
import { PageLink, ProblemBar, StatusBadge, useLoad, when } from '../components';
import type { EndpointView } from './Endpoints';
import { EndpointBinding } from './endpoint-binding';

const SETTLED = new Set(['Provisioned', 'Failed', 'Deprovisioned']);

const useStyles = makeStyles({
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px', margin: '12px 0 24px' },
  timeline: { listStyleType: 'none', margin: 0, padding: 0, borderLeft: `2px solid ${tokens.colorNeutralStroke1}` },
  step: { position: 'relative', padding: '4px 0 12px 20px' },
  dot: {
    position: 'absolute',
    left: '-7px',
    top: '8px',
    width: '12px',
    height: '12px',
    borderRadius: '50%',
    backgroundColor: tokens.colorBrandBackground,
  },
  dotFailed: { backgroundColor: tokens.colorPaletteRedBackground3 },
  dotQuiet: { backgroundColor: tokens.colorNeutralStroke1 },
  stepHead: { display: 'flex', gap: '8px', alignItems: 'center' },
  meta: { color: tokens.colorNeutralForeground2 },
  error: { color: tokens.colorPaletteRedForeground1 },
  actions: { display: 'flex', gap: '8px', margin: '16px 0' },
});

export function EndpointPage({ api, canEdit }: { api: Api; canEdit: boolean }) {
  const styles = useStyles();
  const upn = decodeURIComponent(useParams().upn ?? '');
  const [removeError, setRemoveError] = useState<unknown>();
  const endpoint = useLoad(
    () => api.json<EndpointView>('GET', api.tenantPath(`/endpoints/${encodeURIComponent(upn)}`)),
    [upn],
    { everyMs: 2000, until: (e) => SETTLED.has(e.status) },
  );
  const remove = async () => {
    setRemoveError(undefined);
    try {
      await api.request('DELETE', api.tenantPath(`/endpoints/${encodeURIComponent(upn)}`));
      endpoint.reload();
    } catch (err) {
      setRemoveError(err);
    }
  };
  const e = endpoint.data;
  return (
    <section aria-labelledby="endpoint-title">
      <PageLink to="/endpoints">← Endpoints</PageLink>
      <Title2 block as="h1" id="endpoint-title">
        {upn}
      </Title2>
      <ProblemBar error={endpoint.error} />
      {!e && endpoint.loading && <Spinner label="Loading…" />}
      {e && (
        <>
          <div className={styles.facts}>
            <Text weight="semibold">Status</Text>
            <span>
              <StatusBadge status={e.status} />{' '}
              {!SETTLED.has(e.status) && <Spinner size="extra-tiny" aria-label="working" />}
            </span>
            <Text weight="semibold">Display name</Text>
            <Text>{e.displayName}</Text>
            <Text weight="semibold">Number</Text>
            <Text>{e.phoneNumber ? `${e.phoneNumber} (${e.numberType})` : '—'}</Text>
            <Text weight="semibold">Usage location</Text>
            <Text>{e.usageLocation ?? '—'}</Text>
            <Text weight="semibold">Call queue</Text>
            <Text>{e.queueId ?? '—'}</Text>
            <Text weight="semibold">Menu</Text>
            <Text>{e.menuId ?? '—'}</Text>
            <Text weight="semibold">Object id</Text>
            <Text>{e.objectId ?? '—'}</Text>
            {e.error && (
              <>
                <Text weight="semibold">Error</Text>
                <Text className={styles.error}>{e.error}</Text>
              </>
            )}
          </div>
          {canEdit && e.status !== 'Deprovisioned' && e.status !== 'Deprovisioning' && (
            <div className={styles.actions}>
              <Dialog>
                <DialogTrigger disableButtonEnhancement>
                  <Button>Remove endpoint</Button>
                </DialogTrigger>
                <DialogSurface>
                  <DialogBody>
                    <DialogTitle>Remove {upn}?</DialogTitle>
                    <DialogContent>
                      Its number is unassigned, its licence removed and the resource account deleted.
                    </DialogContent>
                    <DialogActions>
                      <DialogTrigger disableButtonEnhancement>
                        <Button appearance="secondary">Cancel</Button>
                      </DialogTrigger>
                      <DialogTrigger disableButtonEnhancement>
                        <Button appearance="primary" onClick={() => void remove()}>
                          Remove
                        </Button>
                      </DialogTrigger>
                    </DialogActions>
                  </DialogBody>
                </DialogSurface>
              </Dialog>
            </div>
          )}
          <ProblemBar error={removeError} />
          {canEdit && e.status === 'Provisioned' && (
            <EndpointBinding api={api} upn={upn} menuId={e.menuId} queueId={e.queueId} onBound={endpoint.reload} />
          )}
          <Title3 block as="h2">
            Steps
          </Title3>
          {(e.steps ?? []).length === 0 ? (
            <Text>No steps recorded yet.</Text>
          ) : (
            <ol className={styles.timeline} aria-label="Step log">
              {(e.steps ?? []).map((s, i) => (
                <li key={`${s.name}-${i}`} className={styles.step}>
                  <span
                    className={mergeClasses(
                      styles.dot,
                      s.status === 'Failed' && styles.dotFailed,
                      (s.status === 'Skipped' || s.status === 'Pending') && styles.dotQuiet,
                    )}
                    aria-hidden="true"
                  />
                  <div className={styles.stepHead}>
                    <Text weight="semibold">{s.name}</Text>
                    <StatusBadge status={s.status} />
                  </div>
                  <Text className={styles.meta} size={200}>
                    {when(s.startedAt)} → {when(s.endedAt)} · {s.attempts} attempt{s.attempts === 1 ? '' : 's'}
                  </Text>
                  {s.error && (
                    <div>
                      <Text className={styles.error}>{s.error}</Text>
                    </div>
                  )}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}

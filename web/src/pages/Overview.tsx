// Health of the service, and (for admins) the consent of the contact-center bot and of the web app, with the
// admin-consent links, and the tenant's presence connection.
import { Card, CardHeader, Link, Spinner, Text, Title2, Title3, makeStyles } from '@fluentui/react-components';
import type { Api } from '../api';
import { ProblemBar, StatusBadge, useLoad } from '../components';
import { PresenceConnectionCard } from './presence-connection';

interface Health {
  status: string;
  version: string;
  checks: Record<string, string | { status?: string; detail?: string }>;
}

interface ConsentLists {
  granted: string[];
  missing: string[];
  excess: string[];
}

interface Consent extends ConsentLists {
  appId: string;
  adminConsentUrl: string;
  legacyAdminConsentUrl?: string;
  apps?: (ConsentLists & { appId: string; name: string; adminConsentUrl: string; adminConsentUrlV2: string })[];
}

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))',
    gap: '16px',
    marginTop: '16px',
  },
  list: { margin: '4px 0 12px', paddingLeft: '20px' },
});

export function OverviewPage({ api, admin }: { api: Api; admin: boolean }) {
  const styles = useStyles();
  const health = useLoad(() => api.json<Health>('GET', '/api/health', { anonymous: true }), []);
  const consent = useLoad(
    () => (admin ? api.json<Consent>('GET', api.tenantPath('/consent')) : Promise.resolve(undefined)),
    [admin],
  );
  return (
    <section aria-labelledby="overview-title">
      <Title2 block as="h1" id="overview-title">
        Overview
      </Title2>
      <div className={styles.grid}>
        <Card>
          <CardHeader
            header={
              <Title3 block as="h2">
                Service health
              </Title3>
            }
          />
          {health.loading && !health.data && <Spinner label="Checking…" />}
          <ProblemBar error={health.error} />
          {health.data && (
            <div>
              <Text>
                Status <StatusBadge status={health.data.status} /> · version {health.data.version}
              </Text>
              <ul className={styles.list}>
                {Object.entries(health.data.checks).map(([name, v]) => (
                  <li key={name}>
                    {name}: <StatusBadge status={typeof v === 'string' ? v : (v.status ?? 'unknown')} />
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Card>
        {admin && (
          <Card>
            <CardHeader
              header={
                <Title3 block as="h2">
                  Contact-center bot consent
                </Title3>
              }
            />
            {consent.loading && !consent.data && <Spinner label="Reading consent…" />}
            <ProblemBar error={consent.error} />
            {consent.data && (
              <ConsentDetails appId={consent.data.appId} lists={consent.data} url={consent.data.adminConsentUrl} />
            )}
          </Card>
        )}
        {admin &&
          consent.data?.apps
            ?.filter((a) => a.name === 'webApp')
            .map((web) => (
              <Card key={web.appId}>
                <CardHeader
                  header={
                    <Title3 block as="h2">
                      Web app consent
                    </Title3>
                  }
                />
                <ConsentDetails appId={web.appId} lists={web} url={web.adminConsentUrlV2} />
              </Card>
            ))}
        {admin && <PresenceConnectionCard api={api} />}
      </div>
    </section>
  );
}

/** One app's granted, missing and excess permissions, and the admin-consent link when something is missing. */
function ConsentDetails({ appId, lists, url }: { appId: string; lists: ConsentLists; url: string }) {
  const styles = useStyles();
  return (
    <div>
      <Text>App {appId}</Text>
      {(['granted', 'missing', 'excess'] as const).map((k) => (
        <div key={k}>
          <Text weight="semibold">
            {k[0].toUpperCase() + k.slice(1)} ({lists[k].length})
          </Text>
          <ul className={styles.list}>
            {lists[k].length === 0 ? <li>none</li> : lists[k].map((p) => <li key={p}>{p}</li>)}
          </ul>
        </div>
      ))}
      {lists.missing.length > 0 && (
        <Link href={url} target="_blank" rel="noreferrer">
          Grant admin consent
        </Link>
      )}
    </div>
  );
}

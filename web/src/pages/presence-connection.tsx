// The tenant's presence connection (Admin): Graph takes presence subscriptions with a delegated token only, so an
// Admin connects once. Connect asks the API for Entra's authorize URL as JSON (a bearer-token app cannot follow the
// route's 302) and sends the window there; Disconnect deletes the connection and its subscriptions.
import { Button, Card, CardHeader, Spinner, Text, Title3, makeStyles } from '@fluentui/react-components';
import { useState } from 'react';
import type { Api } from '../api';
import { ProblemBar, StatusBadge, useLoad, when } from '../components';

export interface PresenceConnection {
  tenantId: string;
  connected: boolean;
  connectedBy?: string;
  connectedByOid?: string;
  connectedAt?: string;
  subscriptions: 'on' | 'off';
  detail?: string;
}

const useStyles = makeStyles({
  actions: { display: 'flex', gap: '8px', marginTop: '12px' },
  list: { margin: '4px 0 12px', paddingLeft: '20px' },
});

export function PresenceConnectionCard({ api }: { api: Api }) {
  const styles = useStyles();
  const connection = useLoad(() => api.json<PresenceConnection>('GET', api.tenantPath('/presence/connection')), []);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const connect = async () => {
    setError(undefined);
    setBusy(true);
    try {
      const { authorizeUrl } = await api.json<{ authorizeUrl: string }>('GET', api.tenantPath('/presence/connect'), {
        headers: { accept: 'application/json' },
      });
      window.location.assign(authorizeUrl);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const disconnect = async () => {
    setError(undefined);
    setBusy(true);
    try {
      await api.request('DELETE', api.tenantPath('/presence/connection'));
      connection.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const c = connection.data;
  return (
    <Card>
      <CardHeader
        header={
          <Title3 block as="h2">
            Presence connection
          </Title3>
        }
      />
      {connection.loading && !c && <Spinner label="Reading the presence connection…" />}
      <ProblemBar error={connection.error ?? error} />
      {c && (
        <div>
          <Text>
            Presence <StatusBadge status={c.connected ? 'connected' : 'not connected'} />
          </Text>
          <ul className={styles.list}>
            {c.connected && <li>Connected by {c.connectedBy ?? c.connectedByOid ?? 'unknown'}</li>}
            {c.connected && <li>Since {when(c.connectedAt)}</li>}
            <li>Subscriptions {c.subscriptions}</li>
            {c.detail && <li>{c.detail}</li>}
          </ul>
          <div className={styles.actions}>
            <Button appearance="primary" disabled={busy} onClick={() => void connect()}>
              {c.connected ? 'Connect presence again' : 'Connect presence'}
            </Button>
            {c.connected && (
              <Button disabled={busy} onClick={() => void disconnect()}>
                Disconnect
              </Button>
            )}
          </div>
        </div>
      )}
    </Card>
  );
}

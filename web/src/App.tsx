// The portal's shell: theme, header with the signed-in person, navigation by role, and the pages.
import {
  Button,
  FluentProvider,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Switch,
  Text,
  Title2,
  tokens,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { BrowserRouter, Navigate, NavLink, Route, Routes } from 'react-router';
import { Api } from './api';
import type { Auth, Role } from './auth';
import { AgentPage } from './pages/Agent';
import { BulkPage } from './pages/Bulk';
import { DriftPage } from './pages/Drift';
import { EndpointPage } from './pages/Endpoint';
import { EndpointsPage } from './pages/Endpoints';
import { OverviewPage } from './pages/Overview';

const useStyles = makeStyles({
  app: { minHeight: '100vh', display: 'flex', flexDirection: 'column' },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: '16px',
    padding: '8px 24px',
    backgroundColor: tokens.colorNeutralBackground3,
    color: tokens.colorNeutralForeground1,
    borderBottom: `3px solid ${tokens.colorBrandBackground}`,
  },
  brand: {
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase500,
    marginRight: 'auto',
    color: tokens.colorBrandForeground1,
  },
  headerText: { color: tokens.colorNeutralForeground1 },
  body: { display: 'flex', flex: 1, minHeight: 0 },
  nav: {
    width: '220px',
    flexShrink: 0,
    padding: '16px 8px',
    backgroundColor: tokens.colorNeutralBackground2,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    display: 'flex',
    flexDirection: 'column',
    gap: '4px',
  },
  navLink: {
    display: 'block',
    padding: '8px 12px',
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'none',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  navActive: { backgroundColor: tokens.colorNeutralBackground1Selected, fontWeight: tokens.fontWeightSemibold },
  navLater: { padding: '16px 12px 0', color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  main: { flex: 1, padding: '24px 32px', overflow: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
  center: { maxWidth: '480px', margin: '96px auto', display: 'flex', flexDirection: 'column', gap: '16px' },
});

interface Page {
  path: string;
  label: string;
  roles: Role[];
}

const ADMIN: Role = 'Switchboard.Admin';
const SUPERVISOR: Role = 'Switchboard.Supervisor';
const AGENT: Role = 'Switchboard.Agent';

export const PAGES: Page[] = [
  { path: 'overview', label: 'Overview', roles: [ADMIN, SUPERVISOR] },
  { path: 'endpoints', label: 'Endpoints', roles: [ADMIN, SUPERVISOR] },
  { path: 'bulk', label: 'Bulk import', roles: [ADMIN] },
  { path: 'drift', label: 'Drift', roles: [ADMIN, SUPERVISOR] },
  { path: 'agent', label: 'Agent view', roles: [AGENT] },
];

function useTheme(): [boolean, (dark: boolean) => void] {
  const [dark, setDark] = useState(() => {
    const saved = localStorage.getItem('switchboard.theme');
    return saved ? saved === 'dark' : window.matchMedia?.('(prefers-color-scheme: dark)').matches === true;
  });
  return [
    dark,
    (d: boolean) => {
      localStorage.setItem('switchboard.theme', d ? 'dark' : 'light');
      setDark(d);
    },
  ];
}

function Shell({ auth, children }: { auth: Auth | null; children: React.ReactNode }) {
  const styles = useStyles();
  const [dark, setDark] = useTheme();
  return (
    <FluentProvider theme={dark ? webDarkTheme : webLightTheme} className={styles.app}>
      <header className={styles.header}>
        <span className={styles.brand}>Switchboard</span>
        {auth?.person && (
          <Text className={styles.headerText}>
            {auth.person.name} · {auth.person.roles.map((r) => r.replace('Switchboard.', '')).join(', ')}
          </Text>
        )}
        <Switch
          checked={dark}
          onChange={(_, d) => setDark(d.checked)}
          label={<span className={styles.headerText}>Dark theme</span>}
        />
        {auth?.person && (
          <Button appearance="secondary" onClick={() => void auth.signOut()}>
            Sign out
          </Button>
        )}
      </header>
      {children}
    </FluentProvider>
  );
}

export function StartFailure({ message }: { message: string }) {
  const styles = useStyles();
  return (
    <Shell auth={null}>
      <main className={styles.center}>
        <Title2 block as="h1">
          Switchboard
        </Title2>
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{message}</MessageBarBody>
        </MessageBar>
      </main>
    </Shell>
  );
}

export function App({ auth }: { auth: Auth }) {
  const styles = useStyles();
  const api = useMemo(() => new Api(auth), [auth]);
  if (!auth.person) {
    return (
      <Shell auth={auth}>
        <main className={styles.center}>
          <Title2 block as="h1">
            Switchboard
          </Title2>
          <Text>Provision Teams resource accounts and run your contact center. Sign in with your work account.</Text>
          <Button appearance="primary" size="large" onClick={() => void auth.signIn()}>
            Sign in
          </Button>
        </main>
      </Shell>
    );
  }
  const pages = PAGES.filter((p) => auth.has(...p.roles));
  const home = pages[0]?.path;
  const canEdit = auth.has(ADMIN);
  return (
    <BrowserRouter basename="/api/portal">
      <Shell auth={auth}>
        <div className={styles.body}>
          <nav className={styles.nav} aria-label="Portal">
            {pages.map((p) => (
              <NavLink
                key={p.path}
                to={`/${p.path}`}
                className={({ isActive }) => `${styles.navLink} ${isActive ? styles.navActive : ''}`}
              >
                {p.label}
              </NavLink>
            ))}
            {!auth.has(AGENT) || auth.has(ADMIN, SUPERVISOR) ? (
              <Text className={styles.navLater}>
                Call queues, wallboard, calls and reports arrive with call routing.
              </Text>
            ) : null}
          </nav>
          <main className={styles.main}>
            {pages.length === 0 ? (
              <MessageBar intent="warning">
                <MessageBarBody>Your account holds no Switchboard role. Ask an administrator for one.</MessageBarBody>
              </MessageBar>
            ) : (
              <Routes>
                <Route path="/" element={<Navigate to={`/${home}`} replace />} />
                {auth.has(ADMIN, SUPERVISOR) && (
                  <>
                    <Route path="/overview" element={<OverviewPage api={api} admin={canEdit} />} />
                    <Route path="/endpoints" element={<EndpointsPage api={api} canEdit={canEdit} />} />
                    <Route path="/endpoints/:upn" element={<EndpointPage api={api} canEdit={canEdit} />} />
                    <Route path="/drift" element={<DriftPage api={api} canEdit={canEdit} />} />
                  </>
                )}
                {canEdit && <Route path="/bulk" element={<BulkPage api={api} />} />}
                {auth.has(AGENT) && <Route path="/agent" element={<AgentPage />} />}
                <Route path="*" element={<Navigate to={`/${home}`} replace />} />
              </Routes>
            )}
          </main>
        </div>
      </Shell>
    </BrowserRouter>
  );
}

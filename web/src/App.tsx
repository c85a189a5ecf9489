// The portal's shell: theme, header with the signed-in person, navigation by role, and the pages.
import {
  Button,
  FluentProvider,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Switch,
  Text,
  Title2,
  tokens,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';
import { lazy, Suspense, useMemo, useState } from 'react';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { Api } from './api';
import type { Auth, Role } from './auth';

// Each page is its own chunk, loaded when first visited (the shell, React and Fluent's core load up front).
function page<P extends object>(load: () => Promise<React.ComponentType<P>>) {
  return lazy(async () => ({ default: await load() }));
}
const OverviewPage = page(() => import('./pages/Overview').then((m) => m.OverviewPage));
const EndpointsPage = page(() => import('./pages/Endpoints').then((m) => m.EndpointsPage));
const EndpointPage = page(() => import('./pages/Endpoint').then((m) => m.EndpointPage));
const BulkPage = page(() => import('./pages/Bulk').then((m) => m.BulkPage));
const DriftPage = page(() => import('./pages/Drift').then((m) => m.DriftPage));
const AgentPage = page(() => import('./pages/Agent').then((m) => m.AgentPage));
const CallQueuesPage = page(() => import('./pages/CallQueues').then((m) => m.CallQueuesPage));
const CallQueuePage = page(() => import('./pages/CallQueue').then((m) => m.CallQueuePage));
const MenusPage = page(() => import('./pages/Menus').then((m) => m.MenusPage));
const MenuPage = page(() => import('./pages/Menu').then((m) => m.MenuPage));
const WithSelfServices = page(() => import('./pages/menu-fields').then((m) => m.WithSelfServices));
const SelfServicesPage = page(() => import('./pages/SelfServices').then((m) => m.SelfServicesPage));
const SelfServicePage = page(() => import('./pages/SelfService').then((m) => m.SelfServicePage));
const PromptsPage = page(() => import('./pages/Prompts').then((m) => m.PromptsPage));
const WallboardPage = page(() => import('./pages/Wallboard').then((m) => m.WallboardPage));
const CallsPage = page(() => import('./pages/Calls').then((m) => m.CallsPage));
const CallPage = page(() => import('./pages/Call').then((m) => m.CallPage));
const ReportsPage = page(() => import('./pages/Reports').then((m) => m.ReportsPage));

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
  main: { flex: 1, padding: '24px 32px', overflow: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
  wall: { flex: 1, padding: '16px 24px', overflow: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
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
  { path: 'callqueues', label: 'Call queues', roles: [ADMIN, SUPERVISOR] },
  { path: 'menus', label: 'Menus', roles: [ADMIN, SUPERVISOR] },
  { path: 'selfservices', label: 'Self-services', roles: [ADMIN, SUPERVISOR] },
  { path: 'prompts', label: 'Prompts', roles: [ADMIN, SUPERVISOR] },
  { path: 'wallboard', label: 'Wallboard', roles: [ADMIN, SUPERVISOR] },
  { path: 'calls', label: 'Calls', roles: [ADMIN, SUPERVISOR] },
  { path: 'reports', label: 'Reports', roles: [ADMIN, SUPERVISOR] },
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
  return (
    <BrowserRouter basename="/api/portal">
      <Shell auth={auth}>
        <Signed auth={auth} api={api} />
      </Shell>
    </BrowserRouter>
  );
}

/** The signed-in layout: navigation by role and the pages; the wallboard's wall mode shows the page alone. */
function Signed({ auth, api }: { auth: Auth; api: Api }) {
  const styles = useStyles();
  const wall = new URLSearchParams(useLocation().search).get('wall') === '1';
  const pages = PAGES.filter((p) => auth.has(...p.roles));
  const home = pages[0]?.path;
  const canEdit = auth.has(ADMIN);
  // A supervisor's call queues as the token's `queues` claim names them (for hints: the API decides what each sees,
  // assignments included); an admin's are the whole tenant (undefined).
  const scope = canEdit ? undefined : auth.person?.queues;
  const staff = auth.has(ADMIN, SUPERVISOR);
  return (
    <div className={styles.body}>
      {!wall && (
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
        </nav>
      )}
      <main className={wall ? styles.wall : styles.main}>
        {pages.length === 0 ? (
          <MessageBar intent="warning">
            <MessageBarBody>Your account holds no Switchboard role. Ask an administrator for one.</MessageBarBody>
          </MessageBar>
        ) : (
          <Suspense fallback={<Spinner label="Loading…" />}>
            <Routes>
              <Route path="/" element={<Navigate to={`/${home}`} replace />} />
              {staff && (
                <>
                  <Route path="/overview" element={<OverviewPage api={api} admin={canEdit} />} />
                  <Route path="/endpoints" element={<EndpointsPage api={api} canEdit={canEdit} />} />
                  <Route path="/endpoints/:upn" element={<EndpointPage api={api} canEdit={canEdit} />} />
                  <Route path="/drift" element={<DriftPage api={api} canEdit={canEdit} />} />
                  <Route path="/callqueues" element={<CallQueuesPage api={api} admin={canEdit} />} />
                  <Route
                    path="/callqueues/:queueId"
                    element={<CallQueuePage api={api} admin={canEdit} scope={scope} />}
                  />
                  <Route path="/menus" element={<MenusPage api={api} admin={canEdit} />} />
                  <Route
                    path="/menus/:menuId"
                    element={
                      <WithSelfServices api={api}>
                        <MenuPage api={api} admin={canEdit} />
                      </WithSelfServices>
                    }
                  />
                  <Route path="/selfservices" element={<SelfServicesPage api={api} admin={canEdit} />} />
                  <Route path="/selfservices/:serviceId" element={<SelfServicePage api={api} admin={canEdit} />} />
                  <Route path="/prompts" element={<PromptsPage api={api} admin={canEdit} />} />
                  <Route path="/wallboard" element={<WallboardPage api={api} />} />
                  <Route path="/calls" element={<CallsPage api={api} />} />
                  <Route path="/calls/:callId" element={<CallPage api={api} />} />
                  <Route path="/reports" element={<ReportsPage api={api} scope={scope} />} />
                </>
              )}
              {canEdit && <Route path="/bulk" element={<BulkPage api={api} />} />}
              {auth.has(AGENT) && <Route path="/agent" element={<AgentPage api={api} auth={auth} />} />}
              <Route path="*" element={<Navigate to={`/${home}`} replace />} />
            </Routes>
          </Suspense>
        )}
      </main>
    </div>
  );
}

import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Link,
  Outlet,
  useRouterState,
} from '@tanstack/react-router';
import { signOut } from './api/client';
import { hasRole, type Me, useMe } from './session';
import { label } from './ui';

interface NavItem {
  to: string;
  text: string;
  roles: Me['roles'];
}
const NAV: NavItem[] = [
  { to: '/', text: 'My work', roles: ['analyst', 'supervisor', 'vetting_officer', 'auditor', 'admin'] },
  { to: '/intelligence', text: 'Intelligence', roles: ['analyst', 'supervisor'] },
  { to: '/queue', text: 'Queue', roles: ['supervisor'] },
  { to: '/cases', text: 'Cases', roles: ['analyst', 'supervisor'] },
  { to: '/people', text: 'People', roles: ['supervisor', 'vetting_officer', 'admin'] },
  { to: '/vetting', text: 'Vetting', roles: ['vetting_officer', 'supervisor', 'admin'] },
  { to: '/figures', text: 'Figures', roles: ['supervisor', 'auditor'] },
  { to: '/audit', text: 'Audit', roles: ['auditor'] },
  { to: '/users', text: 'Users', roles: ['admin'] },
  { to: '/monitoring', text: 'ICT monitoring', roles: ['supervisor'] },
  { to: '/sources', text: 'Source systems', roles: ['admin'] },
];

function Shell() {
  const me = useMe();
  const [opened, { toggle }] = useDisclosure();
  const path = useRouterState({ select: (s) => s.location.pathname });
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Text fw={700} size="lg" c="lantern.8">
              Lantern
            </Text>
          </Group>
          <Group gap="sm">
            <Text size="sm" data-testid="signed-in-as">
              {me.displayName} · {me.roles.map(label).join(', ')}
            </Text>
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        <ScrollArea>
          {NAV.filter((n) => hasRole(me, ...n.roles)).map((n) => (
            <NavLink
              key={n.to}
              component={Link}
              to={n.to}
              label={n.text}
              active={n.to === '/' ? path === '/' : path.startsWith(n.to)}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

const rootRoute = createRootRoute({ component: Shell });
const page = <const P extends string>(
  path: P,
  load: Parameters<typeof lazyRouteComponent>[0],
  name?: string,
) => createRoute({ getParentRoute: () => rootRoute, path, component: lazyRouteComponent(load, name) });

const routeTree = rootRoute.addChildren([
  page('/', () => import('./pages/my-work'), 'MyWorkPage'),
  page('/login', () => import('./pages/my-work'), 'MyWorkPage'),
  page('/intelligence', () => import('./pages/intelligence'), 'IntelligenceListPage'),
  page('/intelligence/new', () => import('./pages/intelligence-new'), 'NewReportPage'),
  page('/intelligence/$id', () => import('./pages/report'), 'ReportPage'),
  page('/queue', () => import('./pages/queue'), 'QueuePage'),
  page('/cases', () => import('./pages/cases'), 'CasesPage'),
  page('/cases/$id', () => import('./pages/case'), 'CasePage'),
  page('/people', () => import('./pages/people'), 'PeoplePage'),
  page('/people/$id', () => import('./pages/person'), 'PersonPage'),
  page('/vetting', () => import('./pages/vetting'), 'VettingPage'),
  page('/figures', () => import('./pages/figures'), 'FiguresPage'),
  page('/audit', () => import('./pages/audit'), 'AuditPage'),
  page('/users', () => import('./pages/users'), 'UsersPage'),
  page('/monitoring', () => import('./pages/monitoring'), 'MonitoringRulesPage'),
  page('/monitoring/rules/$code', () => import('./pages/monitoring-rule'), 'MonitoringRulePage'),
  page('/sources', () => import('./pages/sources'), 'SourcesPage'),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

import { Content, PageSection, Tab, TabTitleText, Tabs, Title } from '@patternfly/react-core';
import { useSearchParams } from 'react-router-dom';

import { useAuth } from '../../auth';
import { canAdminister, isPlatformAdmin } from '../roles';
import { HypervisorHostsTab } from './HypervisorHostsTab';
import { SessionHostsTab } from './SessionHostsTab';

/**
 * Hosts: the session hosts of shared pools (everyone in the console; help desk reads them) and the hypervisor hosts
 * desktops are provisioned on (admins: the broker keeps them from help desk).
 */
export function HostsPage() {
  const { user } = useAuth();
  const admin = canAdminister(user);
  const [params, setParams] = useSearchParams();
  const tab = admin && params.get('tab') === 'hypervisors' ? 'hypervisors' : 'session';
  return (
    <PageSection>
      <Title headingLevel="h1">Hosts</Title>
      <Content component="p" className="dp-secondary">
        Session hosts run many users’ sessions for shared pools; hypervisor hosts run the virtual desktops of the other
        pools. {admin ? 'Drain a session host before maintenance; add one with its enrolment command.' : 'Read-only for help desk.'}
      </Content>
      {admin ? (
        <Tabs activeKey={tab} onSelect={(_e, key) => setParams(key === 'hypervisors' ? { tab: 'hypervisors' } : {}, { replace: true })} aria-label="Hosts" mountOnEnter unmountOnExit>
          <Tab eventKey="session" title={<TabTitleText>Session hosts</TabTitleText>}>
            {tab === 'session' && <SessionHostsTab admin />}
          </Tab>
          <Tab eventKey="hypervisors" title={<TabTitleText>Hypervisor hosts</TabTitleText>}>
            {tab === 'hypervisors' && <HypervisorHostsTab platform={isPlatformAdmin(user)} />}
          </Tab>
        </Tabs>
      ) : (
        <SessionHostsTab admin={false} />
      )}
    </PageSection>
  );
}

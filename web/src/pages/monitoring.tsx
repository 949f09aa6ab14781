import { Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { AnchorLink, dateTime, PageTitle, QueryState } from '../ui';
import { RULE_NAMES, thresholdsText } from './monitoring-words';

/** ICT access monitoring: the rules, what they look for, their thresholds and whether they are on. */
export function MonitoringRulesPage() {
  const rules = useQuery({
    queryKey: ['monitoring', 'rules'],
    queryFn: () => unwrap(api.GET('/api/v1/monitoring/rules', {})),
  });
  return (
    <>
      <PageTitle>ICT monitoring rules</PageTitle>
      <Text size="sm" c="dimmed" mb="md" maw={820}>
        Each rule reads the access and contact events the force’s systems send. An enabled rule flags what it
        finds, and each flag becomes a lead in the intelligence queue carrying the rule’s reason. Try a rule
        over a past period before enabling it or changing its thresholds.
      </Text>
      <QueryState query={rules} what="Loading the rules" />
      {rules.data && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Rule</Table.Th>
              <Table.Th>Reason every flag carries</Table.Th>
              <Table.Th>Thresholds</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Changed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.data.map((r) => (
              <Table.Tr key={r.code}>
                <Table.Td>
                  <AnchorLink to="/monitoring/rules/$code" params={{ code: r.code }}>
                    {RULE_NAMES[r.code]}
                  </AnchorLink>
                </Table.Td>
                <Table.Td maw={420}>
                  <Text size="sm">{r.reason}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{thresholdsText(r.thresholds)}</Text>
                </Table.Td>
                <Table.Td>
                  <RuleState enabled={r.enabled} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {dateTime(r.updatedAt)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}

export function RuleState({ enabled }: { enabled: boolean }) {
  return enabled ? (
    <Badge color="green" variant="dot">
      Enabled
    </Badge>
  ) : (
    <Badge color="gray" variant="dot">
      Disabled
    </Badge>
  );
}

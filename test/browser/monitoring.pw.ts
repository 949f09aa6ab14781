import { expect, test } from '@playwright/test';
import { accessible, api, apiToken, docs, signIn, state } from './journey.js';

/**
 * ICT monitoring in the console (issue 29): a supervisor tries a rule over a past period, sees the flags by
 * department and the difference a threshold change makes, saves what was tried and enables the rule; an admin
 * registers a source system, sees its key once, rotates and revokes it. Events are sent the way a force's
 * system sends them: NDJSON with the source's key.
 */
const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number): string => {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return isoDay(d);
};

interface Trial {
  currentTotal: number;
  proposedTotal: number;
  byDepartment: { department: string; current: number; proposed: number; difference: number }[];
}

test.describe('ICT monitoring', () => {
  test('supervisor: trials the APSP rule over a past period, sees the difference a threshold change makes, saves it and enables the rule', async ({
    page,
  }) => {
    // A records system sends a fortnight's look-ups: one officer reads the same vulnerable victim's record on
    // three days, another on two, neither from an incident (no duty link).
    const admin = await apiToken('admin');
    const source = await api<{ key: string }>(admin, '/api/v1/monitoring/sources', {
      name: `Records management ${Date.now().toString(36)}`,
    });
    const supervisor = await apiToken('supervisor');
    // The journey starts from a rule not yet enabled, at its default thresholds (the demo enables every rule).
    const current = (
      await api<{ code: string; version: number }[]>(supervisor, '/api/v1/monitoring/rules')
    ).find((r) => r.code === 'vulnerable_repeat_access')!;
    await api(
      supervisor,
      '/api/v1/monitoring/rules/vulnerable_repeat_access',
      { version: current.version, enabled: false, thresholds: { minDays: 3, windowDays: 14 } },
      'PATCH',
    );
    const me = await api<{ workforceMemberId: string | null }>(supervisor, '/api/v1/auth/me');
    const members = (
      await api<{ items: { id: string; staffNumber: string; departmentId: string | null }[] }>(
        supervisor,
        '/api/v1/workforce?limit=100',
      )
    ).items.filter((m) => m.departmentId && m.id !== me.workforceMemberId);
    const a = members[3];
    const b = members.find((m) => m.departmentId !== a.departmentId)!;
    // The rule's windows: 14 days from Monday 3 January 2000. The last whole one before today:
    const today = isoDay(new Date());
    const sinceEpoch = Math.floor(
      (Date.parse(`${today}T12:00:00Z`) - Date.parse('2000-01-03T12:00:00Z')) / 86400_000,
    );
    const windowStart = addDays(today, -(sinceEpoch % 14) - 14);
    const lookups = [
      ...[1, 2, 3].map((d) => ({ member: a, day: addDays(windowStart, d), person: 'VULN-A' })),
      ...[1, 2].map((d) => ({ member: b, day: addDays(windowStart, d), person: 'VULN-B' })),
    ];
    const ndjson = lookups
      .map((l, i) =>
        JSON.stringify({
          kind: 'access',
          eventId: `PW-${Date.now().toString(36)}-${i}`,
          occurredAt: `${l.day}T13:00:00Z`,
          user: l.member.staffNumber,
          action: 'view',
          recordType: 'crime',
          recordId: `CR/${l.person}`,
          people: [{ ref: l.person, role: 'victim', vulnerable: true }],
        }),
      )
      .join('\n');
    const sent = await fetch(`${state.base}/api/v1/monitoring/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'x-source-key': source.key },
      body: `${ndjson}\n`,
    });
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as { rejected: unknown[] }).rejected).toEqual([]);
    // What the console's default period (the last 30 days to yesterday) gives, asked of the API.
    const period = { from: addDays(today, -30), to: addDays(today, -1) };
    const expected = await api<Trial>(supervisor, '/api/v1/monitoring/rules/vulnerable_repeat_access/trial', {
      ...period,
      thresholds: { minDays: 2, windowDays: 14 },
    });
    expect(expected.proposedTotal - expected.currentTotal).toBeGreaterThanOrEqual(1);

    await signIn(page, 'supervisor');
    await page.getByRole('link', { name: 'ICT monitoring' }).click();
    await expect(page.getByRole('heading', { name: 'ICT monitoring rules' })).toBeVisible();
    await accessible(page);
    await page.getByRole('link', { name: 'Repeated access to a vulnerable person (APSP)' }).click();
    await expect(
      page.getByRole('heading', { name: 'Repeated access to a vulnerable person (APSP)' }),
    ).toBeVisible();
    await expect(page.getByText('Disabled', { exact: true })).toBeVisible();

    // A threshold out of bounds: the API's problem is shown on the field.
    const minDays = page.getByRole('textbox', { name: 'Minimum distinct days' });
    await minDays.fill('0');
    await page.getByRole('button', { name: 'Run the trial' }).click();
    await expect(page.getByText(/minDays must be a whole number/).first()).toBeVisible();
    await expect(minDays).toHaveAttribute('aria-invalid', 'true');

    // Two days instead of three: the flood is seen before it comes, by department, no names.
    await minDays.fill('2');
    await expect(page.getByRole('button', { name: 'Save these thresholds' })).toBeDisabled();
    await page.getByRole('button', { name: 'Run the trial' }).click();
    const totals = page.getByTestId('trial-totals');
    await expect(totals).toContainText(
      `${expected.currentTotal} flag${expected.currentTotal === 1 ? '' : 's'} with the current thresholds, ${expected.proposedTotal} with the proposed ones (+${expected.proposedTotal - expected.currentTotal})`,
    );
    const table = page.getByRole('table', { name: 'Flags by department' });
    for (const d of expected.byDepartment) {
      const row = table.getByRole('row').filter({ hasText: d.department });
      await expect(row).toContainText(d.difference > 0 ? `+${d.difference}` : String(d.difference));
    }
    await expect(table).not.toContainText(a.staffNumber);
    await accessible(page);
    await page.screenshot({ path: docs('console-monitoring-trial.png'), fullPage: true });

    // Saved as tried, then enabled.
    await page.getByRole('button', { name: 'Save these thresholds' }).click();
    await expect(page.getByText('Thresholds: Minimum distinct days 2 · Window (days) 14')).toBeVisible();
    await page.getByRole('button', { name: 'Enable the rule' }).click();
    await expect(page.getByRole('button', { name: 'Disable the rule' })).toBeVisible();
    await expect(page.getByText('Enabled', { exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Leads from this rule' })).toBeVisible();
    await accessible(page);
    const rules = await api<{ code: string; enabled: boolean; thresholds: Record<string, number> }[]>(
      supervisor,
      '/api/v1/monitoring/rules',
    );
    expect(rules.find((r) => r.code === 'vulnerable_repeat_access')).toMatchObject({
      enabled: true,
      thresholds: { minDays: 2, windowDays: 14 },
    });
  });

  test('admin: registers a source system, sees its key once, rotates and revokes it', async ({ page }) => {
    const name = `Custody ${Date.now().toString(36)}`;
    await signIn(page, 'admin');
    await page.getByRole('link', { name: 'Source systems' }).click();
    await expect(page.getByRole('heading', { name: 'Source systems' })).toBeVisible();
    await accessible(page);
    await page.getByLabel('Name of the system').fill(name);
    await page.getByRole('button', { name: 'Register and make a key' }).click();
    const dialog = page.getByRole('dialog', { name: `The key of ${name}` });
    const first = (await dialog.getByTestId('source-key').textContent()) ?? '';
    expect(first).toMatch(/^lmk_/);
    await accessible(page);
    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    const row = page.getByRole('row').filter({ hasText: name });
    await expect(row).toContainText(first.slice(0, 12));
    await expect(page.getByText(first)).toHaveCount(0);

    await row.getByRole('button', { name: `Rotate the key of ${name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate the key' }).click();
    const second = (await page.getByTestId('source-key').textContent()) ?? '';
    expect(second).toMatch(/^lmk_/);
    expect(second).not.toBe(first);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    // The old key is refused, the new one taken.
    const send = (key: string) =>
      fetch(`${state.base}/api/v1/monitoring/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', 'x-source-key': key },
        body: `${JSON.stringify({
          eventId: `PW-KEY-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
          occurredAt: new Date(Date.now() - 3600_000).toISOString(),
          user: 'NOBODY-1',
          action: 'view',
          recordType: 'custody',
          recordId: 'CU/1',
          people: [],
        })}\n`,
      });
    expect((await send(first)).status).toBe(401);
    expect((await send(second)).status).toBe(200);

    await row.getByRole('button', { name: `Revoke the key of ${name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke the key' }).click();
    await expect(row).toContainText('Revoked');
    expect((await send(second)).status).toBe(401);
    await accessible(page);
  });
});

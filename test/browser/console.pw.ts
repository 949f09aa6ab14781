import { expect, type Locator, type Page, test } from '@playwright/test';
import { accessible, api, apiToken, docs, email, signIn, state } from './journey.js';

/** A case found in the Cases list, filtered by its status, and opened by its reference. */
async function openCase(page: Page, status: string, reference: string): Promise<void> {
  await page.getByRole('link', { name: 'Cases' }).click();
  await page.getByRole('combobox', { name: 'Status' }).click();
  await page.getByRole('option', { name: status }).click();
  await page.getByRole('table').getByRole('link', { name: reference, exact: true }).click();
  await expect(page.getByRole('heading', { name: `Case ${reference}` })).toBeVisible();
}

const apiGet = <T>(token: string, path: string): Promise<T> => api<T>(token, path);

test.describe('the console', () => {
  test('is served with a strict CSP, long-cached hashed assets, index.html never cached, and leaves /api alone', async ({
    request,
  }) => {
    const index = await request.get('/queue');
    expect(index.status()).toBe(200);
    expect(index.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers()['cache-control']).toBe('no-store');
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await request.get(asset);
    expect(js.headers()['cache-control']).toContain('immutable');
    // Compressed once at build time, sent as the browser accepts; the same script either way.
    const plain = await request.get(asset, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers()['content-encoding']).toBeUndefined();
    for (const encoding of ['br', 'gzip']) {
      const packed = await request.get(asset, { headers: { 'accept-encoding': encoding } });
      expect(packed.headers()['content-encoding']).toBe(encoding);
      expect(packed.headers()['vary']).toMatch(/accept-encoding/i);
      expect(await packed.text()).toBe(await plain.text());
    }
    expect((await request.get('/api/v1/nothing-here')).headers()['content-type']).toContain('problem+json');
    expect((await request.get('/health/live')).status()).toBe(200);
    expect((await request.get('/admin/queues')).status()).toBe(401);
  });

  test('analyst: records a report about a person found by name; a reload keeps the session', async ({
    page,
  }) => {
    const token = await apiToken('analyst');
    const queue = await apiGet<{
      items: { subjects: { givenName: string; familyName: string; staffNumber: string }[] }[];
    }>(await apiToken('supervisor'), '/api/v1/intelligence/queue?limit=20');
    const known = queue.items.flatMap((i) => i.subjects)[0];
    const people = await apiGet<{ items: { givenName: string; familyName: string; staffNumber: string }[] }>(
      token,
      `/api/v1/directory/people?q=${encodeURIComponent(known.staffNumber)}`,
    );
    const person = people.items[0];
    await signIn(page, 'analyst');
    await expect(page.getByRole('heading', { name: 'My work' })).toBeVisible();
    await accessible(page);
    await page.getByRole('link', { name: 'Intelligence' }).click();
    await page.getByRole('link', { name: 'Record a report' }).click();
    await expect(page.getByRole('heading', { name: 'Record intelligence' })).toBeVisible();
    await page.getByRole('combobox', { name: 'Add a person' }).fill(person.familyName);
    await page.getByRole('option', { name: new RegExp(person.staffNumber) }).click();
    await page.getByText('C · Sharing with conditions').click();
    await page.getByRole('combobox', { name: 'Main category' }).click();
    await page.getByRole('option', { name: 'Misuse of systems' }).click();
    await page
      .getByLabel('Narrative')
      .fill('Looked up a neighbour on the force systems without a policing purpose.');
    await page.getByRole('button', { name: 'Record report' }).click();
    // Handling code C needs its conditions: said on the field, nothing recorded.
    await expect(page.getByText('Required for handling code C')).toBeVisible();
    await page.getByLabel('Handling conditions').fill('Not to be shared outside the CCU');
    await accessible(page);
    await page.getByRole('button', { name: 'Record report' }).click();
    await expect(page.getByRole('heading', { name: /^Report / })).toBeVisible();
    await expect(page.getByTestId('grading')).toHaveText('2BC');
    await expect(page.getByText(`${person.givenName} ${person.familyName}`)).toBeVisible();
    await accessible(page);
    await page.reload();
    await expect(page.getByRole('heading', { name: /^Report / })).toBeVisible();
    await expect(page.getByTestId('signed-in-as')).toContainText('Demo analyst');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  test('supervisor: the queue, assigning in place, the load chart; reviews a report into a case', async ({
    page,
  }) => {
    await signIn(page, 'supervisor');
    await page.getByRole('link', { name: 'Queue' }).click();
    await expect(page.getByTestId('queue')).toBeVisible();
    await expect(page.getByText('Load per analyst')).toBeVisible();
    await page.waitForTimeout(500); // the chart's entry animation
    await page.screenshot({ path: docs('console-queue.png'), fullPage: false });
    await accessible(page);
    await page.getByLabel('Unassigned').check();
    const assignee = page.getByRole('combobox', { name: /^Assignee of / }).first();
    const reference = ((await assignee.getAttribute('aria-label')) ?? '').replace('Assignee of ', '');
    await assignee.selectOption({ label: 'Demo analyst' });
    await expect(page.getByText(`${reference} assigned`)).toBeVisible();

    await page.getByRole('link', { name: 'My work' }).click();
    const awaiting = page.getByRole('region', { name: 'Reports awaiting your review' });
    await awaiting.getByRole('link').first().click();
    await expect(page.getByRole('heading', { name: /^Report / })).toBeVisible();
    await page.getByRole('combobox', { name: 'Decision' }).click();
    await page.getByRole('option', { name: 'Referred to case' }).click();
    await page.getByLabel('Reason').fill('Pattern of misuse: investigate');
    await accessible(page);
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByRole('link', { name: 'Open the case' }).first().click();
    await expect(page.getByRole('heading', { name: /^Case / })).toBeVisible();
    await accessible(page);
  });

  test('case: referred, decided by the IOPC, given outcomes (one refused on its field), confirmed by a second supervisor, closed', async ({
    page,
  }) => {
    test.slow(); // two supervisors' sessions, one after the other
    // An investigation with a misconduct side, a supervisor, no IOPC decision yet and no outcome (the demo's
    // cases under investigation have none).
    const token = await apiToken('supervisor');
    type Listed = {
      id: string;
      reference: string;
      caseType: string;
      supervisorId: string | null;
      iopcDecision: string | null;
    };
    const open = await apiGet<{ items: Listed[] }>(
      token,
      '/api/v1/cases?status=under_investigation&limit=100',
    );
    let chosen: Listed | undefined;
    for (const c of open.items.filter(
      (x) => x.caseType !== 'criminal' && x.supervisorId && !x.iopcDecision,
    )) {
      const detail = await apiGet<{ outcomes: unknown[] }>(token, `/api/v1/cases/${c.id}`);
      if (detail.outcomes.length === 0) {
        chosen = c;
        break;
      }
    }
    expect(
      chosen,
      'a case under investigation with a misconduct side, a supervisor and no outcome',
    ).toBeDefined();
    const kase = chosen!;

    await signIn(page, 'supervisor');
    await openCase(page, 'Under investigation', kase.reference);

    // Referred, and decided by the IOPC.
    const record = page.getByRole('button', { name: 'Record referral' });
    if (await record.isVisible()) {
      await page.getByRole('combobox', { name: 'Basis' }).click();
      await page.getByRole('option', { name: 'Voluntary' }).click();
      await page
        .getByRole('region', { name: 'IOPC referral' })
        .getByRole('textbox', { name: 'Reason' })
        .fill('Public confidence');
      await record.click();
    }
    const decide = page.getByRole('button', { name: 'Record decision' });
    await expect(decide).toBeVisible();
    const iopc = page.getByRole('combobox', { name: 'IOPC decision' });
    await iopc.click();
    await page.getByRole('option', { name: 'Local' }).click();
    await expect(iopc).toHaveValue('Local');
    await decide.click();
    await expect(page.getByTestId('iopc-decision')).toContainText('Local');

    // Before any outcome, the status actions say what a close still needs, and Close is not offered.
    const status = page.getByRole('region', { name: 'Status', exact: true });
    await expect(status.getByTestId('close-blockers')).toContainText('no outcome recorded');
    await expect(status.getByRole('button', { name: 'Close case' })).toBeDisabled();

    // The severity assessed: its history names who assessed it.
    await page.getByRole('tab', { name: 'Severity' }).click();
    const severity = page.getByRole('tabpanel', { name: 'Severity' });
    await severity.getByRole('textbox', { name: 'Reason' }).fill('Misuse for a personal purpose, no gain');
    await severity.getByRole('button', { name: 'Assess' }).click();
    const history = page.getByTestId('severity-history');
    await expect(history.locator('tbody tr').last()).toContainText('Demo supervisor');
    await expect(history).not.toContainText(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    await page.getByRole('tab', { name: 'Subjects and outcomes' }).click();

    // An outcome the regulations refuse (a proven result without proceedings): the refusal is on its field.
    const forms = page.locator('form[aria-label^="Outcome for"]');
    const first = forms.first();
    await first.getByRole('combobox', { name: 'Proceedings result' }).click();
    await page.getByRole('option', { name: 'Proven', exact: true }).click();
    await first.getByRole('button', { name: 'Save outcome' }).click();
    const refused = first.getByRole('combobox', { name: 'Proceedings result' });
    await expect(refused).toHaveAttribute('aria-invalid', 'true');
    await expect(first).toContainText('without a case to answer');
    await accessible(page);

    // Outcomes the regulations allow, for every subject: proposals until another supervisor confirms them.
    await page.reload();
    await expect(forms.first()).toBeVisible();
    const subjects = await forms.count();
    for (let i = 0; i < subjects; i++) {
      const outcome = forms.nth(i);
      await outcome.getByRole('combobox', { name: 'Misconduct finding' }).click();
      await page.getByRole('option', { name: 'No case to answer' }).click();
      await outcome.getByRole('combobox', { name: 'Allegation result' }).click();
      await page.getByRole('option', { name: 'Unsubstantiated' }).click();
      if (kase.caseType === 'criminal_and_misconduct') {
        await outcome.getByRole('combobox', { name: 'Criminal outcome' }).click();
        await page.getByRole('option', { name: 'No further action' }).click();
      }
      await outcome.getByRole('button', { name: 'Save outcome' }).click();
      await expect(outcome.getByTestId('outcome-state')).toContainText('Proposed by Demo supervisor');
      await expect(outcome).toContainText('You proposed it: another supervisor confirms it.');
      await expect(outcome.getByRole('button', { name: 'Confirm outcome' })).toHaveCount(0);
    }
    await expect(status.getByTestId('close-blockers')).toContainText(
      'outcome to be confirmed by a supervisor who did not propose it',
    );
    await expect(status.getByRole('button', { name: 'Close case' })).toBeDisabled();
    await status.getByRole('button', { name: 'Awaiting outcome' }).click();
    await expect(status.getByRole('button', { name: 'Awaiting outcome' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Sign out' }).click();

    // A second supervisor, who proposed none of it, confirms each outcome and closes the case.
    await signIn(page, 'supervisor-2');
    await openCase(page, 'Awaiting outcome', kase.reference);
    for (let i = 0; i < subjects; i++) {
      const outcome = forms.nth(i);
      await outcome.getByRole('button', { name: 'Confirm outcome' }).click();
      await expect(outcome.getByTestId('outcome-state')).toContainText('confirmed by Demo supervisor 2');
    }
    await expect(status.getByTestId('close-blockers')).toHaveCount(0);
    await accessible(page);
    await page.screenshot({
      path: new URL('../../.playwright/results/case-ready-to-close.png', import.meta.url).pathname,
      fullPage: true,
    });
    await status.getByRole('button', { name: 'Close case' }).click();
    await expect(status).toContainText('Closed');
    await expect(page.getByRole('button', { name: 'Save outcome' })).toHaveCount(0);
    await accessible(page);
  });

  test("vetting officer's morning: an alert in a department, acknowledged, renewal recorded, resolved", async ({
    page,
  }) => {
    await signIn(page, 'vetting_officer');
    await page.getByRole('link', { name: 'Vetting' }).click();
    await expect(page.getByText('Compliance now')).toBeVisible();
    const row = page.getByTestId('alerts').locator('tbody tr').first();
    await expect(row).toBeVisible();
    await accessible(page);
    const name = (await row.getByRole('link').textContent()) ?? '';
    await row.getByRole('button', { name: /^Acknowledge/ }).click();
    await expect(page.getByText('Alert acknowledged')).toBeVisible();
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Acknowledged' }).click();
    await page.getByTestId('alerts').getByRole('link', { name }).first().click();
    await expect(page.getByRole('heading', { name })).toBeVisible();
    await page.getByRole('button', { name: 'Record clearance' }).click();
    await expect(page.getByText('Clearance recorded')).toBeVisible();
    await accessible(page);
    const alert = page.getByTestId('alerts').locator('tbody tr').first();
    const reason = alert.getByRole('textbox', { name: /^Resolution reason/ });
    if (await reason.isVisible()) {
      await reason.fill('Renewal granted');
      await alert.getByRole('button', { name: /^Resolve/ }).click();
      await expect(page.getByText('Alert resolved')).toBeVisible();
    }
  });

  test('auditor: who read a case, by its reference, with names; the chain verified', async ({ page }) => {
    const token = await apiToken('supervisor');
    const cases = await apiGet<{ items: { id: string; reference: string }[] }>(
      token,
      '/api/v1/cases?limit=1',
    );
    await apiGet(token, `/api/v1/cases/${cases.items[0].id}`); // the supervisor reads it
    await signIn(page, 'auditor');
    await page.getByRole('link', { name: 'Audit' }).click();
    await expect(page.getByTestId('chain-status')).toContainText('Audit chain verified');
    await page.getByLabel('Events for a record, by reference').fill(cases.items[0].reference);
    await page.getByRole('button', { name: 'Find' }).click();
    await expect(page.getByTestId('audit-events')).toContainText('Demo supervisor');
    await accessible(page);
    // What one user did, found by name.
    await page.getByRole('combobox', { name: 'What a user did' }).fill('Demo superv');
    await page.getByRole('option', { name: 'Demo supervisor', exact: true }).click();
    await expect(page.getByText('Events: by Demo supervisor')).toBeVisible();
    const who = page.getByTestId('audit-events').locator('tbody tr td:nth-child(2)');
    await expect(who.first()).toHaveText('Demo supervisor');
    expect(new Set(await who.allInnerTexts())).toEqual(new Set(['Demo supervisor']));
  });

  test('figures: IOPC referrals by year, stacked by outcome, pending always shown', async ({ page }) => {
    await signIn(page, 'supervisor');
    await page.getByRole('link', { name: 'Figures' }).click();
    const chart = page.getByTestId('referrals-chart');
    await expect(chart.getByText('Pending', { exact: true }).first()).toBeVisible();
    await page.waitForTimeout(800);
    await chart.screenshot({ path: docs('console-referrals.png') });
    await accessible(page);
  });

  test('admin: users and their roles; links a user to a workforce member, disables and enables them', async ({
    page,
  }) => {
    const admin = await apiToken('admin');
    // Someone named in the queue (the directory finds people by the start of a name or staff number).
    const queue = await apiGet<{ items: { subjects: { staffNumber: string }[] }[] }>(
      await apiToken('supervisor'),
      '/api/v1/intelligence/queue?limit=50',
    );
    const person = queue.items.flatMap((i) => i.subjects).at(-1)!;
    const displayName = `Linked user ${Date.now()}`;
    const created = await fetch(`${state.base}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `link-${Date.now()}@demo.lantern.local`,
        displayName,
        roles: ['analyst'],
        password: `Linked-${Date.now()}-pass!`,
      }),
    });
    expect(created.status).toBe(201);
    await signIn(page, 'admin');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await expect(page.getByRole('cell', { name: 'Demo analyst', exact: true })).toBeVisible();
    await accessible(page);
    const row = page.getByRole('row').filter({ hasText: displayName });
    await expect(row).toContainText('Not linked');
    await row.getByRole('button', { name: `Link the workforce record of ${displayName}` }).click();
    const dialog = page.getByRole('dialog', { name: `Workforce record of ${displayName}` });
    await dialog.getByRole('combobox', { name: 'Person' }).fill(person.staffNumber);
    await page.getByRole('option', { name: new RegExp(person.staffNumber) }).click();
    await accessible(page);
    await dialog.getByRole('button', { name: 'Link', exact: true }).click();
    await expect(page.getByText(`${displayName} linked to`)).toBeVisible();
    await expect(row).toContainText('Linked');
    await row.getByRole('button', { name: `Disable ${displayName}` }).click();
    await expect(page.getByText(`${displayName} disabled`)).toBeVisible();
    await expect(row).toContainText('Disabled');
    await row.getByRole('button', { name: `Enable ${displayName}` }).click();
    await expect(page.getByText(`${displayName} enabled`)).toBeVisible();
    await page.screenshot({
      path: new URL('../../.playwright/results/admin-users.png', import.meta.url).pathname,
      fullPage: true,
    });
  });

  test('intelligence: every report the analyst may see, filtered without search words', async ({ page }) => {
    await signIn(page, 'analyst');
    await page.getByRole('link', { name: 'Intelligence', exact: true }).click();
    const table = page.getByRole('table');
    await expect(table.locator('tbody tr').first()).toBeVisible();
    await page.getByRole('combobox', { name: 'Assigned to' }).click();
    await page.getByRole('option', { name: 'Me', exact: true }).click();
    await expect(table.locator('tbody tr').first()).toBeVisible();
    const assignees = await table.locator('tbody tr td:nth-child(5)').allInnerTexts();
    expect(new Set(assignees)).toEqual(new Set(['Demo analyst']));
    await accessible(page);
    await page.screenshot({
      path: new URL('../../.playwright/results/intelligence-list.png', import.meta.url).pathname,
      fullPage: true,
    });
  });

  test('keyboard only: signs in, opens a case and adds a note from the keyboard', async ({ page }) => {
    await page.goto('/');
    await page.getByLabel('Email').focus();
    await page.keyboard.type(email('supervisor'));
    await page.keyboard.press('Tab');
    await page.keyboard.type(state.password);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('signed-in-as')).toBeVisible();
    /** Tab until `target` has the focus (at most `limit` presses). */
    const tabTo = async (target: Locator, limit = 120): Promise<void> => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        if ((await target.and(page.locator(':focus')).count()) > 0) return;
      }
      throw new Error(`${target.toString()} not reached by Tab`);
    };
    await tabTo(page.getByRole('link', { name: 'Cases', exact: true }));
    await page.keyboard.press('Enter');
    const first = page.getByRole('table').getByRole('link').first();
    await expect(first).toBeVisible();
    await tabTo(first);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: /^Case / })).toBeVisible();
    // The notes are on the Timeline tab: the tab list takes the arrow keys (one tab stop, as WAI-ARIA has it).
    await tabTo(page.getByRole('tab', { name: 'Subjects and outcomes' }));
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Timeline' })).toHaveAttribute('aria-selected', 'true');
    await tabTo(page.getByLabel('Add a note'));
    const note = `Typed without a mouse ${Date.now()}`;
    await page.keyboard.type(note);
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Add note' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByText(note)).toBeVisible();
  });

  test('a user linked to their own workforce record sees no trace of the records about them', async ({
    page,
  }) => {
    const admin = await apiToken('admin');
    const supervisor = await apiToken('supervisor');
    // W: a subject of reports in the queue.
    const queue = await apiGet<{
      items: { subjects: { workforceMemberId: string; staffNumber: string; familyName: string }[] }[];
    }>(supervisor, '/api/v1/intelligence/queue?limit=50');
    const w = queue.items.flatMap((i) => i.subjects)[0];
    const password = `Conflicted-${Date.now()}-pass!`;
    const created = await fetch(`${state.base}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `w-${Date.now()}@demo.lantern.local`,
        displayName: 'Conflicted supervisor',
        roles: ['supervisor'],
        password,
        workforceMemberId: w.workforceMemberId,
      }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { email: string };
    await signIn(page, 'supervisor', password, user.email);
    for (const screen of ['My work', 'Intelligence', 'Queue', 'Cases']) {
      await page.getByRole('link', { name: screen, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('main').getByRole('status')).toHaveCount(0);
      const text = await page.locator('main').innerText();
      expect(text).not.toContain(w.staffNumber);
    }
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('combobox', { name: 'Find a person' }).fill(w.staffNumber);
    await expect(page.getByText('Nobody found')).toBeVisible();
  });
});

import { readFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** What global-setup.ts wrote: the demo's password and the API serving the console. */
export const state = JSON.parse(
  readFileSync(new URL('../../.playwright/state.json', import.meta.url), 'utf8'),
) as { password: string; base: string };

/** A demo login's e-mail, by role (`vetting_officer` → `vetting-officer@…`). */
export const email = (role: string): string => `${role.replace('_', '-')}@demo.lantern.local`;

/** Where a journey's screenshot for the docs goes. */
export const docs = (name: string): string => new URL(`../../docs/${name}`, import.meta.url).pathname;

/** Signs in through the console's own form, as a person would. */
export async function signIn(
  page: Page,
  role: string,
  password = state.password,
  address = email(role),
): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(address);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
}

/** No serious or critical accessibility violation on the screen as it is. */
export async function accessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join('; ')})`,
    );
  expect(bad).toEqual([]);
}

/** An access token for a demo login, for arranging state through the API. */
export async function apiToken(role: string): Promise<string> {
  const r = await fetch(`${state.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: email(role), password: state.password }),
  });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

/** A JSON call to the API (GET without a body, POST with one, or the method given); a non-2xx throws. */
export async function api<T>(token: string, path: string, body?: unknown, method?: string): Promise<T> {
  const r = await fetch(`${state.base}${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

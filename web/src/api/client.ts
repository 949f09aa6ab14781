import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

/** A problem+json answer, thrown by `unwrap` so TanStack Query and forms see it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `Request failed (${status})`);
  }
  /**
   * Field problems keyed by the request's field path (e.g. `grading.handlingConditions`); every rule a field
   * breaks is said on it (the regulations can refuse one value for two reasons).
   */
  get fieldErrors(): Record<string, string> {
    const byField = new Map<string, string[]>();
    for (const e of this.problem?.errors ?? [])
      byField.set(e.field, [...(byField.get(e.field) ?? []), e.message]);
    return Object.fromEntries([...byField].map(([field, messages]) => [field, messages.join('; ')]));
  }
}

// ---- the session: access token in memory, refresh token in an HttpOnly cookie the script never sees ----

interface Token {
  value: string;
  expiresAt: number;
}
let token: Token | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<boolean> | null = null;
/** Bumped by every sign-in and sign-out: a refresh begun before one of them does not overrule it. */
let generation = 0;
let restored: Promise<boolean> | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export const onSessionChange = (listener: (signedIn: boolean) => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

function adopt(pair: { accessToken: string; expiresIn: number } | null): void {
  clearTimeout(timer);
  token = pair ? { value: pair.accessToken, expiresAt: Date.now() + pair.expiresIn * 1000 } : null;
  // Refreshed a minute before it expires: a long shift never meets a 401.
  if (pair) timer = setTimeout(() => void refreshSession(), Math.max(5_000, (pair.expiresIn - 60) * 1000));
  listeners.forEach((l) => l(token !== null));
}

async function exchangeCookie(): Promise<boolean> {
  const started = generation;
  const response = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    credentials: 'same-origin',
  });
  if (started !== generation) return token !== null;
  if (!response.ok) {
    adopt(null);
    return false;
  }
  adopt((await response.json()) as { accessToken: string; expiresIn: number });
  return true;
}

/** On load, once: the session back from the refresh cookie, if there is one. */
export const restoreSession = (): Promise<boolean> => (restored ??= refreshSession());

/**
 * Exchanges the refresh cookie for a new access token (and cookie). One at a time, across tabs too (Web
 * Locks): two tabs presenting the same refresh token would look like a replay and end the session.
 */
export function refreshSession(): Promise<boolean> {
  inFlight ??= (
    navigator.locks
      ? navigator.locks.request('lantern-session-refresh', () => exchangeCookie())
      : exchangeCookie()
  )
    .catch(() => false)
    .finally(() => (inFlight = null));
  return inFlight;
}

export async function signIn(email: string, password: string): Promise<void> {
  const response = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, cookie: true }),
    credentials: 'same-origin',
  });
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) throw new ApiError(response.status, body as Partial<Problem>);
  generation++;
  adopt(body as { accessToken: string; expiresIn: number });
}

export async function signOut(): Promise<void> {
  if (token && token.expiresAt - Date.now() < 10_000) await refreshSession();
  await fetch('/api/v1/auth/logout', {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token.value}` } : {},
    credentials: 'same-origin',
  }).catch(() => undefined);
  generation++;
  adopt(null);
}

export const isSignedIn = (): boolean => token !== null;
export const accessToken = (): string | null => token?.value ?? null;

const auth: Middleware = {
  async onRequest({ request }) {
    if (token && token.expiresAt - Date.now() < 30_000) await refreshSession();
    if (token) request.headers.set('authorization', `Bearer ${token.value}`);
    return request;
  },
  async onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/v1/auth/')) {
      // The session ended elsewhere (logout, password or role change): back to the sign-in page.
      adopt(null);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** The data of an openapi-fetch answer, or an ApiError with its problem+json. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, error as Partial<Problem> | undefined);
  return data as T;
}

/** A CSV download with the session's token (the browser cannot add it to a plain link). */
export async function downloadCsv(path: string, fileName: string): Promise<void> {
  if (token && token.expiresAt - Date.now() < 30_000) await refreshSession();
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token.value}` } : {} });
  if (!response.ok) {
    throw new ApiError(response.status, (await response.json().catch(() => undefined)) as Partial<Problem>);
  }
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  URL.revokeObjectURL(url);
}

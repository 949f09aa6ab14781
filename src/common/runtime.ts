import { readFileSync } from 'node:fs';

export interface Runtime {
  /** Node's flags (heap ceiling, pretenuring). */
  flags: string[];
  /** The environment set before `node` (glibc's malloc settings). */
  env: Record<string, string>;
}

/**
 * How Lantern's processes run in production, read from `npm start` (or another of its scripts) in the
 * package.json at `packageJson` (the Dockerfile and compose say the same; a test keeps them alike), so that
 * the bench and the demo start the API and worker as production does: `VAR=value … node --flag … entry`.
 */
export function runtimeOf(packageJson: URL, script = 'start'): Runtime {
  const { scripts } = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: Record<string, string> };
  const start = scripts[script].trim().split(/\s+/);
  const node = start.indexOf('node');
  return {
    flags: start.slice(node + 1).filter((arg) => arg.startsWith('--')),
    env: Object.fromEntries(
      start.slice(0, node).map((assignment) => {
        const at = assignment.indexOf('=');
        return [assignment.slice(0, at), assignment.slice(at + 1)];
      }),
    ),
  };
}

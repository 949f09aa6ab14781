/** A controller's handler, as Nest keeps it. */
export type Handler = (...args: unknown[]) => unknown;
export type Controller = (new (...args: never[]) => unknown) & { prototype: object };

/** A controller method behind an operation, to read the metadata the guard and the pipes act on. */
export interface Route {
  controller: Controller;
  method: string;
  handler: Handler;
}

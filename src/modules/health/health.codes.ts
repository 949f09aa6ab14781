/** The health module's error codes. */
export enum HealthError {
  /** PostgreSQL or Redis does not answer: 503 naming which. */
  DependencyUnavailable = 'dependency_unavailable',
}

// What the global setup (Node) hands to the edge tests (workerd) through vitest's provide/inject.
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Worker's bindings for the test run: test secrets and the URLs of the servers below. */
    edgeBindings: Record<string, string>;
    tokenServerUrl: string;
    echoUrl: string;
    /** Public half of the test assertion key, as origins would be configured with it. */
    assertionPublicJwk: string;
  }
}

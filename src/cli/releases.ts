// The releases the local agent serves for an environment, when an agent runs; undefined otherwise.

export interface ReleaseView {
  version: string;
  weight: number;
  state: string;
  instances: { pid: number; port: number; healthy: boolean }[];
}

export async function fetchReleases(home: string, environment: string): Promise<ReleaseView[] | undefined> {
  void home;
  void environment;
  return undefined;
}

// The releases the local agent serves for an environment, when an agent runs; undefined otherwise
// (status must work without an agent, and must never start one).

export interface ReleaseView {
  version: string;
  weight: number;
  state: string;
  instances: { pid: number; port: number; healthy: boolean }[];
}

export async function fetchReleases(home: string, environment: string): Promise<ReleaseView[] | undefined> {
  const client = await import('../agent/client.js');
  const agent = await client.findAgent(home);
  if (!agent) return undefined;
  try {
    const releases = await client.getEnvironmentStatus(home, environment);
    return releases.map((r) => ({
      version: r.version,
      weight: r.weight,
      state: r.state,
      instances: r.instances.map((i) => ({ pid: i.pid, port: i.port, healthy: i.healthy })),
    }));
  } catch {
    return undefined;
  }
}

// One environment inside the agent: its target (router ports), its releases, the routing table the
// router reads, the active rollout record, and a ring of events (health transitions, weight
// changes, instance exits) and operator commands (promote, abort) that the rollout code polls.

import { instanceLogFile } from './paths.js';
import { type PersistedRelease, Release } from './release.js';
import { Router } from './router.js';
import { buildRoutingTable, type RoutingTable } from './routing-table.js';
import type {
  AgentEvent,
  EnvironmentStatusFull,
  ReleaseState,
  RolloutCommand,
  RolloutRecord,
  ServiceSpec,
  TargetSpec,
} from './types.js';

const MAX_EVENTS = 2000;

export interface PersistedEnvironment {
  target: TargetSpec | null;
  releases: PersistedRelease[];
  rollout: RolloutRecord | null;
  eventSeq: number;
  commandSeq: number;
}

export class AgentConflict extends Error {}
export class AgentNotFound extends Error {}

export class EnvironmentRuntime {
  readonly name: string;
  target: TargetSpec | null = null;
  releases: Release[] = [];
  rollout: RolloutRecord | null = null;
  private table: RoutingTable = buildRoutingTable([]);
  private previewTable: RoutingTable = buildRoutingTable([]);
  private router: Router | undefined;
  private previewRouter: Router | undefined;
  private events: AgentEvent[] = [];
  private eventSeq = 0;
  private commands: RolloutCommand[] = [];
  private commandSeq = 0;
  private stopTimers = new Map<string, NodeJS.Timeout>();
  private readonly home: string;
  private readonly persist: () => void;

  constructor(home: string, name: string, persist: () => void) {
    this.home = home;
    this.name = name;
    this.persist = persist;
  }

  routingTable(): RoutingTable {
    return this.table;
  }

  get(version: string): Release | undefined {
    return this.releases.find((r) => r.version === version);
  }

  private must(version: string): Release {
    const r = this.get(version);
    if (r === undefined)
      throw new AgentNotFound(`release ${version} is not known in environment ${this.name}`);
    return r;
  }

  private hooks() {
    return {
      environment: this.name,
      logFile: (version: string, slot: number) => instanceLogFile(this.home, this.name, version, slot),
      onHealthChange: (
        release: Release,
        inst: { id: string; pid: number; port: number },
        healthy: boolean,
        detail: string,
      ) => {
        this.recompute();
        this.event('health.changed', {
          version: release.version,
          instance: inst.id,
          pid: inst.pid,
          port: inst.port,
          healthy,
          detail,
        });
      },
      onExit: (
        release: Release,
        inst: { id: string; pid: number },
        code: number | null,
        signal: string | null,
        restartInMs: number | null,
      ) => {
        this.recompute();
        this.event('instance.exited', {
          version: release.version,
          instance: inst.id,
          pid: inst.pid,
          code,
          signal,
          restartInMs,
        });
      },
      onStarted: (release: Release, inst: { id: string; pid: number; port: number }) => {
        this.event('instance.started', {
          version: release.version,
          instance: inst.id,
          pid: inst.pid,
          port: inst.port,
        });
        this.persist();
      },
      onChanged: () => {
        this.recompute();
        this.persist();
      },
    };
  }

  event(kind: string, data: Record<string, unknown>): void {
    this.eventSeq++;
    this.events.push({ seq: this.eventSeq, at: Date.now(), kind, data });
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  eventsAfter(seq: number): AgentEvent[] {
    return this.events.filter((e) => e.seq > seq);
  }

  commandsAfter(seq: number): RolloutCommand[] {
    return this.commands.filter((c) => c.seq > seq);
  }

  private recompute(): void {
    const live = this.releases.map((r) => ({
      version: r.version,
      weight: r.weight,
      healthy: r.healthyInstances(),
      metrics: r.metrics,
      state: r.state,
    }));
    this.table = buildRoutingTable(live);
    this.previewTable = buildRoutingTable(
      live.filter((r) => r.state === 'preview' || r.state === 'canary').map((r) => ({ ...r, weight: 100 })),
    );
  }

  async configureTarget(target: TargetSpec): Promise<void> {
    const same =
      this.target !== null &&
      this.target.listen === target.listen &&
      this.target.host === target.host &&
      this.target.previewListen === target.previewListen &&
      this.target.sticky === target.sticky;
    this.target = { ...target };
    if (same && this.router !== undefined) return;
    await this.closeRouters();
    const router = new Router({
      host: target.host,
      port: target.listen,
      sticky: target.sticky === true,
      table: () => this.table,
      label: `environment ${this.name}`,
    });
    try {
      await router.listen();
    } catch (err) {
      throw new AgentConflict(
        `the router of environment ${this.name} cannot listen on ${target.host}:${target.listen}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; choose a free port in target.listen`,
      );
    }
    this.router = router;
    if (target.previewListen !== undefined) {
      const preview = new Router({
        host: target.host,
        port: target.previewListen,
        sticky: false,
        table: () => this.previewTable,
        label: `the preview of environment ${this.name}`,
      });
      try {
        await preview.listen();
        this.previewRouter = preview;
      } catch (err) {
        throw new AgentConflict(
          `the preview router of environment ${this.name} cannot listen on ${target.host}:${target.previewListen}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        );
      }
    }
    this.persist();
  }

  private async closeRouters(): Promise<void> {
    const rs = [this.router, this.previewRouter].filter((r): r is Router => r !== undefined);
    this.router = undefined;
    this.previewRouter = undefined;
    await Promise.all(rs.map((r) => r.close()));
  }

  /** Creates the release (or reuses a retained one) and scales it to `instances`. */
  startRelease(
    version: string,
    service: ServiceSpec | undefined,
    state: ReleaseState,
    instances: number | undefined,
  ): Release {
    let r = this.get(version);
    if (r === undefined) {
      if (service === undefined)
        throw new AgentNotFound(`release ${version} is not known in environment ${this.name}`);
      r = new Release(this.hooks(), version, service, state);
      this.releases.push(r);
    } else {
      if (service !== undefined) r.service = service;
      r.state = state;
    }
    this.cancelStop(version);
    r.stopAt = null;
    r.scale(instances ?? r.service.instances);
    this.event('release.started', { version, state, instances: r.desiredInstances });
    this.persist();
    return r;
  }

  scaleRelease(version: string, instances: number): void {
    const r = this.must(version);
    r.scale(instances);
    this.event('release.scaled', { version, instances });
  }

  /** Sets several weights in one step, so traffic moves atomically between releases. */
  setWeights(
    weights: Record<string, number>,
    states: Record<string, ReleaseState>,
    rolloutId?: string,
  ): void {
    if (
      rolloutId !== undefined &&
      (this.rollout === null || this.rollout.id !== rolloutId || this.rollout.aborted)
    ) {
      throw new AgentConflict(`the rollout ${rolloutId} of environment ${this.name} was aborted or replaced`);
    }
    for (const v of [...Object.keys(weights), ...Object.keys(states)]) this.must(v);
    for (const [v, w] of Object.entries(weights))
      (this.get(v) as Release).weight = Math.max(0, Math.min(100, w));
    for (const [v, s] of Object.entries(states)) (this.get(v) as Release).state = s;
    this.recompute();
    this.event('weights.changed', {
      weights: Object.fromEntries(this.releases.map((r) => [r.version, r.weight])),
      states: Object.fromEntries(this.releases.map((r) => [r.version, r.state])),
    });
    this.persist();
  }

  /**
   * Takes the release out of rotation now and stops its instances after `afterMs` (drain included).
   * keep: the release stays listed as retained (for rollback) once its instances are gone.
   */
  stopRelease(version: string, afterMs: number, keep: boolean): void {
    const r = this.must(version);
    r.weight = 0;
    r.state = keep ? 'retained' : 'stopping';
    r.stopAt = Date.now() + afterMs;
    this.recompute();
    this.scheduleStop(r, keep);
    this.event('release.stopping', { version, afterMs, keep });
    this.persist();
  }

  private scheduleStop(r: Release, keep: boolean): void {
    this.cancelStop(r.version);
    const delay = Math.max(0, (r.stopAt ?? Date.now()) - Date.now());
    const timer = setTimeout(() => {
      this.stopTimers.delete(r.version);
      void r.stopAll().then(() => {
        r.stopAt = null;
        if (!keep) this.releases = this.releases.filter((x) => x !== r);
        this.event('release.stopped', { version: r.version, kept: keep });
        this.recompute();
        this.persist();
      });
    }, delay);
    this.stopTimers.set(r.version, timer);
  }

  private cancelStop(version: string): void {
    const t = this.stopTimers.get(version);
    if (t !== undefined) clearTimeout(t);
    this.stopTimers.delete(version);
  }

  /** Forgets a release entirely (retention), stopping what still runs. */
  async forgetRelease(version: string): Promise<void> {
    const r = this.must(version);
    this.cancelStop(version);
    r.weight = 0;
    this.recompute();
    await r.stopAll();
    this.releases = this.releases.filter((x) => x !== r);
    this.event('release.forgotten', { version });
    this.recompute();
    this.persist();
  }

  beginRollout(version: string, strategy: string, ownerPid: number): RolloutRecord {
    this.rollout = {
      id: `${version}-${Date.now().toString(36)}`,
      version,
      strategy,
      ownerPid,
      startedAt: Date.now(),
      aborted: false,
    };
    this.event('rollout.started', { version, strategy, id: this.rollout.id });
    this.persist();
    return this.rollout;
  }

  endRollout(id: string): void {
    if (this.rollout !== null && this.rollout.id === id) this.rollout = null;
    this.persist();
  }

  command(action: 'promote' | 'abort', by: string): RolloutCommand {
    this.commandSeq++;
    const c: RolloutCommand = { seq: this.commandSeq, at: Date.now(), action, by };
    this.commands.push(c);
    if (this.commands.length > 100) this.commands.shift();
    if (action === 'abort' && this.rollout !== null) this.rollout.aborted = true;
    this.event(`command.${action}`, { by, rollout: this.rollout?.id ?? null });
    this.persist();
    return c;
  }

  status(): EnvironmentStatusFull {
    return {
      environment: this.name,
      target: this.target,
      releases: this.releases.map((r) => r.status()),
      rollout: this.rollout,
      lastEventSeq: this.eventSeq,
      lastCommandSeq: this.commandSeq,
    };
  }

  persisted(): PersistedEnvironment {
    return {
      target: this.target,
      releases: this.releases.map((r) => r.persisted()),
      rollout: this.rollout,
      eventSeq: this.eventSeq,
      commandSeq: this.commandSeq,
    };
  }

  async restore(p: PersistedEnvironment): Promise<void> {
    this.eventSeq = p.eventSeq;
    this.commandSeq = p.commandSeq;
    this.rollout = p.rollout;
    for (const pr of p.releases) {
      const r = new Release(this.hooks(), pr.version, pr.service, pr.state, pr.createdAt);
      this.releases.push(r);
      r.restore(pr);
      if (pr.stopAt !== null) this.scheduleStop(r, pr.state === 'retained');
    }
    this.recompute();
    this.event('agent.restored', { releases: p.releases.map((r) => r.version) });
    if (p.target !== null) await this.configureTarget(p.target);
  }

  /** Agent stop: routers closed; instances stopped (stopInstances) or left running for adoption. */
  async shutdown(stopInstances: boolean): Promise<void> {
    for (const t of this.stopTimers.values()) clearTimeout(t);
    this.stopTimers.clear();
    await this.closeRouters();
    if (stopInstances) await Promise.all(this.releases.map((r) => r.stopAll()));
    else for (const r of this.releases) r.detach();
  }
}

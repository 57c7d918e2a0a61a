// One release of one environment inside the agent: its service spec, weight, state and instance
// slots. Scaling up starts new slots; scaling down drains and stops the highest slots.

import { Instance, type InstanceOwner, type PersistedInstance } from './instance.js';
import { ReleaseMetrics } from './release-metrics.js';
import type { ReleaseState, ReleaseStatusFull, ServiceSpec } from './types.js';

export interface ReleaseHooks {
  environment: string;
  logFile(version: string, slot: number): string;
  onHealthChange(release: Release, inst: Instance, healthy: boolean, detail: string): void;
  onExit(
    release: Release,
    inst: Instance,
    code: number | null,
    signal: string | null,
    restartInMs: number | null,
  ): void;
  onStarted(release: Release, inst: Instance): void;
  onChanged(): void;
}

export interface PersistedRelease {
  version: string;
  weight: number;
  state: ReleaseState;
  service: ServiceSpec;
  createdAt: number;
  stopAt: number | null;
  desiredInstances: number;
  instances: PersistedInstance[];
}

export class Release implements InstanceOwner {
  readonly version: string;
  service: ServiceSpec;
  weight = 0;
  state: ReleaseState;
  createdAt: number;
  stopAt: number | null = null;
  desiredInstances = 0;
  instances: Instance[] = [];
  /** Instances being drained and stopped (already out of rotation). */
  private leaving = new Map<Instance, Promise<void>>();
  readonly metrics = new ReleaseMetrics();
  private readonly hooks: ReleaseHooks;

  constructor(
    hooks: ReleaseHooks,
    version: string,
    service: ServiceSpec,
    state: ReleaseState,
    createdAt = Date.now(),
  ) {
    this.hooks = hooks;
    this.version = version;
    this.service = service;
    this.state = state;
    this.createdAt = createdAt;
  }

  get environment(): string {
    return this.hooks.environment;
  }

  healthyInstances(): Instance[] {
    return this.instances.filter((i) => i.healthy);
  }

  logFile(slot: number): string {
    return this.hooks.logFile(this.version, slot);
  }
  onHealthChange(inst: Instance, healthy: boolean, detail: string): void {
    this.hooks.onHealthChange(this, inst, healthy, detail);
  }
  onExit(inst: Instance, code: number | null, signal: string | null, restartInMs: number | null): void {
    this.hooks.onExit(this, inst, code, signal, restartInMs);
  }
  onStarted(inst: Instance): void {
    this.hooks.onStarted(this, inst);
  }

  status(): ReleaseStatusFull {
    return {
      version: this.version,
      weight: this.weight,
      state: this.state,
      desiredInstances: this.desiredInstances,
      createdAt: this.createdAt,
      stopAt: this.stopAt,
      instances: this.instances.map((i) => i.status()),
    };
  }

  persisted(): PersistedRelease {
    return {
      version: this.version,
      weight: this.weight,
      state: this.state,
      service: this.service,
      createdAt: this.createdAt,
      stopAt: this.stopAt,
      desiredInstances: this.desiredInstances,
      instances: this.instances.map((i) => i.persisted()),
    };
  }

  /** Re-adopts live instances of a previous agent; restarts the ones that are gone. */
  restore(p: PersistedRelease): void {
    this.weight = p.weight;
    this.stopAt = p.stopAt;
    this.desiredInstances = p.desiredInstances;
    for (const pi of p.instances) {
      const inst = new Instance(this, pi.slot);
      this.instances.push(inst);
      if (!inst.adopt(pi)) void inst.start();
    }
    this.scale(this.desiredInstances);
  }

  /** Sets the number of running slots: starts missing ones, drains and stops extra ones. */
  scale(n: number): void {
    this.desiredInstances = n;
    this.instances.sort((a, b) => a.slot - b.slot);
    while (this.instances.length < n) {
      const used = new Set(this.instances.map((i) => i.slot));
      let slot = 0;
      while (used.has(slot)) slot++;
      const inst = new Instance(this, slot);
      this.instances.push(inst);
      void inst.start();
    }
    while (this.instances.length > n) {
      const inst = this.instances.pop() as Instance;
      this.retire(inst);
    }
    this.hooks.onChanged();
  }

  private retire(inst: Instance): void {
    const done = inst.stop(this.service.drainMs).finally(() => {
      this.leaving.delete(inst);
      this.hooks.onChanged();
    });
    this.leaving.set(inst, done);
  }

  /** Drains and stops every instance; resolves when all are gone. */
  async stopAll(): Promise<void> {
    this.desiredInstances = 0;
    const all = [...this.instances];
    this.instances = [];
    this.hooks.onChanged();
    await Promise.all([...all.map((i) => i.stop(this.service.drainMs)), ...this.leaving.values()]);
    this.hooks.onChanged();
  }

  detach(): void {
    for (const i of this.instances) i.detach();
  }
}

// `rollgate agent start|status|stop`: the local data-plane agent (one per $ROLLGATE_HOME). The
// deploy commands start it on their own; these are for operators. `agent run` is the hidden
// foreground entry (the same program the CLI spawns detached).

import type { Command } from 'commander';
import { ensureAgent, findAgent, getEnvironmentStatusFull, stopAgent } from '../../agent/client.js';
import { agentPaths } from '../../agent/paths.js';
import { runAction } from '../action.js';
import { globalOptions, rollgateHome } from '../context.js';

function print(json: boolean, value: Record<string, unknown>, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

export function registerAgentCommand(program: Command): void {
  const agent = program
    .command('agent')
    .description('the local rollgate agent: supervises app instances and routes their traffic');

  agent
    .command('start')
    .description('start the agent in the background (no-op when one runs)')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const home = rollgateHome();
        const before = await findAgent(home);
        const h = before ?? (await ensureAgent(home));
        print(
          g.json,
          { running: true, started: before === undefined, pid: h.pid, address: h.address, home },
          `${before ? 'agent already running' : 'agent started'}: pid ${h.pid}, control ${h.address}`,
        );
        return 0;
      });
    });

  agent
    .command('status')
    .description('is the agent running, where is its control API, which environments it serves')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const home = rollgateHome();
        const h = await findAgent(home);
        if (h === undefined) {
          print(
            g.json,
            { running: false, home },
            `no agent running for ${home} (start one with rollgate agent start)`,
          );
          return 0;
        }
        const { call } = await import('../../agent/client.js');
        const health = await call<{ environments: string[]; startedAt: number }>(h, 'GET', '/v1/health');
        const environments = await Promise.all(
          health.environments.map((e) => getEnvironmentStatusFull(h, e)),
        );
        const view = environments.map((e) => ({
          environment: e.environment,
          listen: e.target?.listen ?? null,
          releases: e.releases.map((r) => ({
            version: r.version,
            weight: r.weight,
            state: r.state,
            instances: r.instances.map((i) => ({ pid: i.pid, port: i.port, healthy: i.healthy })),
          })),
        }));
        const lines = [
          `agent running: pid ${h.pid}, control ${h.address}, since ${new Date(health.startedAt).toISOString()}`,
        ];
        for (const e of view) {
          lines.push(`  ${e.environment} (router ${e.listen ?? 'not listening'})`);
          for (const r of e.releases) {
            lines.push(
              `    ${r.version}: ${r.state}, weight ${r.weight}%, ${r.instances.filter((i) => i.healthy).length}/${r.instances.length} healthy`,
            );
          }
        }
        print(
          g.json,
          {
            running: true,
            pid: h.pid,
            address: h.address,
            home,
            startedAt: health.startedAt,
            environments: view,
          },
          lines.join('\n'),
        );
        return 0;
      });
    });

  agent
    .command('stop')
    .description('stop the agent; its instances are drained and stopped (they restart with the next agent)')
    .option('--keep-instances', 'leave app instances running for the next agent to adopt', false)
    .action(async (opts: { keepInstances: boolean }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const home = rollgateHome();
        const stopped = await stopAgent(home, { stopInstances: !opts.keepInstances });
        print(g.json, { stopped, home }, stopped ? 'agent stopped' : 'no agent was running');
        return 0;
      });
    });

  agent
    .command('run', { hidden: true })
    .description('run the agent in the foreground')
    .action(async () => {
      const { runAgent } = await import('../../agent/agent-server.js');
      process.stdout.write(`agent files in ${agentPaths(rollgateHome()).dir}\n`);
      await runAgent(rollgateHome());
    });
}

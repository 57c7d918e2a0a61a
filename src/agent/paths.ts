// Where the agent keeps its files under $ROLLGATE_HOME/agent/: agent.json, token, state.json, logs/.

import path from 'node:path';

export interface AgentPaths {
  dir: string;
  info: string;
  token: string;
  state: string;
  lock: string;
  log: string;
  logs: string;
}

export function agentPaths(home: string): AgentPaths {
  const dir = path.join(home, 'agent');
  return {
    dir,
    info: path.join(dir, 'agent.json'),
    token: path.join(dir, 'token'),
    state: path.join(dir, 'state.json'),
    lock: path.join(dir, 'agent.lock'),
    log: path.join(dir, 'agent.log'),
    logs: path.join(dir, 'logs'),
  };
}

/** Directory of one environment's instance logs. */
export function instanceLogDir(home: string, environment: string): string {
  return path.join(agentPaths(home).logs, environment);
}

/** Log file of one instance slot, e.g. logs/prod/1.4.2-0.log */
export function instanceLogFile(home: string, environment: string, version: string, slot: number): string {
  return path.join(instanceLogDir(home, environment), `${version}-${slot}.log`);
}

/** The agent's info file: how clients find it. */
export interface AgentInfo {
  pid: number;
  host: string;
  port: number;
  startedAt: number;
}

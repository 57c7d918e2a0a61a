// The list of commands: one register function per command file.

import type { Command } from 'commander';
import { registerAbortCommand } from './abort.js';
import { registerAgentCommand } from './agent.js';
import { registerApproveCommands } from './approve.js';
import { registerDemoCommand } from './demo.js';
import { registerDeployCommand } from './deploy.js';
import { registerHistoryCommand } from './history.js';
import { registerInitCommand } from './init.js';
import { registerLogsCommand } from './logs.js';
import { registerMigrateCommand } from './migrate.js';
import { registerPlanCommand } from './plan.js';
import { registerPromoteCommand } from './promote.js';
import { registerReportCommand } from './report.js';
import { registerResumeCommand } from './resume.js';
import { registerRollbackCommand } from './rollback.js';
import { registerSchemaCommand } from './schema.js';
import { registerStatusCommand } from './status.js';
import { registerValidateCommand } from './validate.js';

export function registerCommands(program: Command): void {
  registerDemoCommand(program);
  registerInitCommand(program);
  registerValidateCommand(program);
  registerPlanCommand(program);
  registerDeployCommand(program);
  registerResumeCommand(program);
  registerStatusCommand(program);
  registerHistoryCommand(program);
  registerReportCommand(program);
  registerApproveCommands(program);
  registerSchemaCommand(program);
  registerMigrateCommand(program);
  registerAgentCommand(program);
  registerLogsCommand(program);
  registerPromoteCommand(program);
  registerAbortCommand(program);
  registerRollbackCommand(program);
}

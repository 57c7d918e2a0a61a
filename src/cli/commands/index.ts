// The list of commands: one register function per command file.

import type { Command } from 'commander';
import { registerMigrateCommand } from './migrate.js';

export function registerCommands(program: Command): void {
  void program;
  registerMigrateCommand(program);
}

// The list of commands: one register function per command file.

import type { Command } from 'commander';

export function registerCommands(program: Command): void {
  void program;
}

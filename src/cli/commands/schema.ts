// `rollgate schema`: prints the JSON Schema of rollgate.yaml (editors use it for completion).

import type { Command } from 'commander';
import { planJsonSchema } from '../../plan/json-schema.js';
import { stepSchemas } from '../../steps/registry.js';
import { runAction } from '../action.js';
import { globalOptions } from '../context.js';

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of rollgate.yaml, generated from the same zod schema the loader uses')
    .addHelpText('after', '\nExample:\n  rollgate schema > schema.json')
    .action(async (_opts, cmd: Command) =>
      runAction(globalOptions(cmd).json, async () => {
        process.stdout.write(`${JSON.stringify(planJsonSchema(stepSchemas), null, 2)}\n`);
        return 0;
      }),
    );
}

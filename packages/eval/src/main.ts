#!/usr/bin/env node
// Stand-alone entry of the evaluation commands, until `llm-cascade eval` and `llm-cascade import` dispatch to
// this package: `node --conditions=source packages/eval/src/main.ts eval|import ...` from the repository root.
import { evalCommand } from './eval-command.ts';
import { EVAL_HELP, IMPORT_HELP, TUNE_HELP } from './help.ts';
import { importCommand } from './import-command.ts';
import { tuneCommand } from './tune-command.ts';

const USAGE = `Usage: main.ts <eval|import|tune> [options]\n\n${EVAL_HELP}\n\n${IMPORT_HELP}\n\n${TUNE_HELP}`;

const [command, ...rest] = process.argv.slice(2);
const io = { stdout: process.stdout, stderr: process.stderr };
let code: number;
if (command === 'eval') code = await evalCommand(rest, io);
else if (command === 'import') code = await importCommand(rest, io);
else if (command === 'tune') code = await tuneCommand(rest, io);
else if (command === '-h' || command === '--help' || command === 'help') {
  process.stdout.write(`${USAGE}\n`);
  code = 0;
} else {
  process.stderr.write(
    `${command === undefined ? 'missing command' : `unknown command ${JSON.stringify(command)}`}\n${USAGE}\n`,
  );
  code = 2;
}
process.exitCode = code;

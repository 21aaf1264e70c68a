import { readFileSync } from 'node:fs';
import { type CommandIo, processIo } from './command-io.ts';
import { EXIT_CODES, type ExitCode } from './exit-codes.ts';
import { MAIN_HELP } from './help.ts';

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? 'unknown';
}

/**
 * Runs the `llm-cascade` command line and returns its exit code (see `EXIT_CODES`); never throws.
 * `argv` excludes the node binary and script (`process.argv.slice(2)`).
 */
export async function runCli(argv: readonly string[], io: CommandIo = processIo()): Promise<ExitCode> {
  const [command, ...rest] = argv;
  switch (command) {
    // Each command loads only what it needs: serve-replay never loads the tracing SDK, run never the server.
    case 'run': {
      const { runCommand } = await import('./run-command.ts');
      return runCommand(rest, io);
    }
    case 'serve-replay': {
      const { serveReplayCommand } = await import('./serve-replay-command.ts');
      return serveReplayCommand(rest, io);
    }
    case 'eval': {
      const { evalCommand } = await import('@llm-cascade/eval');
      return evalCommand(rest, io);
    }
    case 'import': {
      const { importCommand } = await import('@llm-cascade/eval');
      return importCommand(rest, io);
    }
    case 'tune': {
      const { tuneCommand } = await import('@llm-cascade/eval');
      return tuneCommand(rest, io);
    }
    case 'router': {
      const { routerCommand } = await import('./router-command.ts');
      return routerCommand(rest, io);
    }
    case 'report': {
      const { reportCommand } = await import('./report-command.ts');
      return reportCommand(rest, io);
    }
    case 'help':
      if (
        rest[0] !== undefined &&
        ['run', 'serve-replay', 'eval', 'import', 'tune', 'router', 'report'].includes(rest[0])
      ) {
        return runCli([rest[0], '--help'], io);
      }
      io.stdout.write(`${MAIN_HELP}\n`);
      return EXIT_CODES.ok;
    case '-h':
    case '--help':
      io.stdout.write(`${MAIN_HELP}\n`);
      return EXIT_CODES.ok;
    case '-v':
    case '--version':
      io.stdout.write(`${version()}\n`);
      return EXIT_CODES.ok;
    case undefined:
      io.stderr.write(`${MAIN_HELP}\n`);
      return EXIT_CODES.usage;
    default:
      io.stderr.write(
        `llm-cascade: usage error: unknown command ${JSON.stringify(command)}\nRun 'llm-cascade --help' for usage.\n`,
      );
      return EXIT_CODES.usage;
  }
}

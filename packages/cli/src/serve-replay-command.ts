import { parseArgs } from 'node:util';
import { ConfigError } from '@llm-cascade/core';
import { type ReplayServer, startReplayServer } from '@llm-cascade/provider-replay';
import { asUsageError, type CommandIo, onInterrupt, parseWholeNumber, reportError } from './command-io.ts';
import { EXIT_CODES, type ExitCode, UsageError } from './exit-codes.ts';
import { SERVE_REPLAY_HELP } from './help.ts';

interface ServeReplayFlags {
  readonly data: string;
  readonly port: number;
  readonly host: string;
  readonly latency: number | 'recorded' | undefined;
  readonly maxLineBytes: number | undefined;
}

function parseServeFlags(argv: readonly string[]): ServeReplayFlags | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string', short: 'd' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      latency: { type: 'string' },
      'max-line-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!values.data) throw new UsageError('missing --data');
  const latency =
    values.latency === 'recorded' ? 'recorded' : parseWholeNumber('--latency', values.latency, 0, 600_000);
  return {
    data: values.data,
    port: parseWholeNumber('--port', values.port, 0, 65_535) ?? 0,
    host: values.host ?? '127.0.0.1',
    latency,
    maxLineBytes: parseWholeNumber('--max-line-bytes', values['max-line-bytes'], 1, Number.MAX_SAFE_INTEGER),
  };
}

/** The stderr warning for a server other machines may reach; undefined for a loopback address. */
export function exposureWarning(server: Pick<ReplayServer, 'address' | 'loopback' | 'port'>): string | undefined {
  if (server.loopback) return undefined;
  const everywhere = server.address === '0.0.0.0' || server.address === '::';
  const where = everywhere ? `${server.address} (every network interface)` : server.address;
  const local = everywhere ? `; from this machine use http://127.0.0.1:${server.port}/v1` : '';
  return (
    `llm-cascade serve-replay: warning: listening on ${where}, not loopback: the server has no ` +
    `authentication, so anyone who can reach this address can use it${local}\n`
  );
}

/**
 * `llm-cascade serve-replay`: the replay server of `@llm-cascade/provider-replay` as a command. Prints the
 * base URL, with the address actually bound, on stdout (one line, for scripts:
 * `baseURL=$(llm-cascade serve-replay ... | head -1)`), warns on stderr when that address is not loopback,
 * serves until SIGINT or SIGTERM, then closes every connection and returns 0. Never throws.
 */
export async function serveReplayCommand(
  argv: readonly string[],
  io: CommandIo,
  options: { readonly stop?: AbortSignal } = {},
): Promise<ExitCode> {
  let flags: ServeReplayFlags | 'help';
  try {
    flags = parseServeFlags(argv);
  } catch (error) {
    return reportError(io, 'serve-replay', asUsageError(error));
  }
  if (flags === 'help') {
    io.stdout.write(`${SERVE_REPLAY_HELP}\n`);
    return EXIT_CODES.ok;
  }
  let server: Awaited<ReturnType<typeof startReplayServer>>;
  try {
    server = await startReplayServer({
      path: flags.data,
      port: flags.port,
      host: flags.host,
      ...(flags.latency === undefined ? {} : { latencyMs: flags.latency }),
      ...(flags.maxLineBytes === undefined ? {} : { maxLineBytes: flags.maxLineBytes }),
    });
  } catch (error) {
    // A dataset that cannot be read or parsed is the user's input, like a bad config: exit 2.
    const code = (error as { code?: unknown } | null)?.code;
    const name = (error as { name?: unknown } | null)?.name;
    if (
      code === 'ENOENT' ||
      code === 'EADDRINUSE' ||
      code === 'EACCES' ||
      code === 'EADDRNOTAVAIL' ||
      code === 'ENOTFOUND' ||
      code === 'EISDIR' ||
      name === 'RecordingFormatError' ||
      ConfigError.isInstance(error)
    ) {
      io.stderr.write(
        `llm-cascade serve-replay: config error: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return EXIT_CODES.usage;
    }
    return reportError(io, 'serve-replay', error);
  }
  io.stdout.write(`${server.baseURL}\n`);
  io.stderr.write(
    `llm-cascade serve-replay: serving ${flags.data} at ${server.baseURL} (models: ${server.models.join(', ') || 'none'}); Ctrl-C stops\n`,
  );
  const warning = exposureWarning(server);
  if (warning !== undefined) io.stderr.write(warning);
  await new Promise<void>((settle) => {
    const remove = onInterrupt(
      () => {
        remove();
        settle();
      },
      () => {},
    );
    options.stop?.addEventListener(
      'abort',
      () => {
        remove();
        settle();
      },
      { once: true },
    );
  });
  await server.close();
  io.stderr.write('llm-cascade serve-replay: stopped\n');
  return EXIT_CODES.ok;
}

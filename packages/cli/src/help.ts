/** Help texts, kept beside each other so the README and `--help` are easy to compare. */

export const MAIN_HELP = `Usage: llm-cascade <command> [options]

Commands:
  run            Run a JSONL file of requests through a cascade, resumably
  serve-replay   Serve recorded generations as a local OpenAI-compatible server
  eval           Replay a recorded dataset through a cascade: accuracy, cost, sweeps, frontier
  import         Convert public recorded data (mot, zellinger, structured-rag) to the recorded format
  tune           Fit a cascade (ladder, order, thresholds) to recorded data; write a profile
  router         Train the pre-generation router from recorded data or decision logs, or measure it
  report         Write a self-contained HTML report of a run's output file

Options:
  -h, --help     Show help (also: llm-cascade <command> --help)
  -v, --version  Show the version

Exit codes: 0 all ok, 1 some items failed, 2 usage or configuration error,
130 interrupted (SIGINT), 143 terminated (SIGTERM).`;

export const RUN_HELP = `Usage: llm-cascade run --config <file> --input <file> --output <file> [options]

Runs every request of a JSONL file through the cascade built by the config file,
writing one result line per request as it settles. Ids already in the output file
are skipped, so running the same command again after an interruption resumes.

Options:
  -c, --config <file>        Config file (.ts or .js) exporting a cascade built with
                             createCascade, as its default export or as "cascade"
                             (or a function returning one)
  -i, --input <file>         JSONL requests, one CascadeRequest a line ("-": stdin);
                             a line without "id" is named line-<number>
  -o, --output <file>        JSONL results, appended: a new file or one an earlier run
                             wrote (a regular file; anything else is refused, unchanged)
  -n, --concurrency <n>      Requests in flight at once (default 16)
      --otlp <url>           Export traces over OTLP/HTTP protobuf (base URL, or a
                             full URL ending in /v1/traces). Default from
                             OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT
      --trace-file <file>    Append spans as JSON lines to this file
      --summary-json <file>  Also write the closing summary as JSON
      --progress <mode>      auto (bar on a terminal, lines otherwise), bar, lines, off
      --progress-every <n>   Plain progress: a line every n items (default 100) or 10 s
      --budget-usd <usd>     Per-request budget in dollars (the cascade's own budgetUsd otherwise)
      --min-tier <tier>      Quality floor: start every request at this tier (name or index)
      --profile <file>       A tuned profile (llm-cascade tune); the config must export
                             a function ({ profile }) => cascade (see applyProfile)
      --max-line-bytes <n>   Longest input or output line (default 67108864, 64 MiB)
  -h, --help                 Show this help

Exit codes: 0 all ok, 1 some items failed or malformed lines, 2 usage or
configuration error, 130 interrupted (SIGINT; rerun to resume), 143 SIGTERM.`;

export const SERVE_REPLAY_HELP = `Usage: llm-cascade serve-replay --data <file> [--port <n>] [--host <host>]

Serves a recorded JSONL dataset as an OpenAI-compatible HTTP server
(POST /v1/chat/completions), so the real openai client runs with no network.
Prints the base URL (for the client's baseURL), with the address actually bound,
on stdout, then serves until SIGINT or SIGTERM.

Options:
  -d, --data <file>        Recorded dataset (JSONL)
  -p, --port <n>           Port (default 0: any free port)
      --host <host>        Interface (default 127.0.0.1). The server has no
                           authentication: any other address is warned about
      --latency <ms>       Simulated latency per call: milliseconds, or "recorded"
      --max-line-bytes <n> Longest dataset line (default 67108864, 64 MiB)
  -h, --help               Show this help

Exit codes: 0 stopped by a signal, 2 usage error or unreadable dataset.`;

export const REPORT_HELP = `Usage: llm-cascade report <results.jsonl> --html <file> [options]

Writes one self-contained HTML page (inline SVG charts, no script, no network)
from the output file of 'llm-cascade run': where requests went, cost per tier
against the top tier alone, gate failures, latency p50/p95/p99, audit agreement
(when the records carry audit data) and the worst requests with their attempts.

Options:
      --html <file>        The HTML file to write
      --title <text>       Page title (default "llm-cascade run report")
      --worst <n>          Rows in each worst-requests list (default 10)
  -h, --help               Show this help

Exit codes: 0 written, 1 could not write, 2 usage error or unreadable input.`;

/** Help texts of the `eval` and `import` commands, kept beside each other so the README matches them. */

export const EVAL_HELP = `Usage: llm-cascade eval --data <file> --config <file> [options]

Replays every recorded request through the cascade a config builds (on the replay
provider, no network), scores the answers, and reports accuracy, cost, escalation
rate per tier and pass rate per gate, beside the single-tier baselines (the
cheapest tier alone, the strongest alone) on the same data.

Options:
  -d, --data <file>              Recording (JSONL, the recorded format)
  -c, --config <file>            Evaluation config (.ts or .js): default export
                                 defineEvalConfig({ params, prices, cascade }) or a
                                 function ({ provider, params }) => cascade options
  -s, --sweep <p=from:to:step>   Sweep a config param (also p=v1,v2,...); repeat
                                 for a grid. Reports the cost/accuracy frontier
      --set <p=value>            Fix a config param for every run (repeatable)
      --target-accuracy <x>      Select the cheapest setting with accuracy >= x (0-1)
      --within <points>          Or the cheapest within this of the strongest tier
                                 alone (relative: 1pt, or 0.01)
      --max-cost <usd>           Or the most accurate costing <= usd per request
      --max-relative-cost <x>    Or the most accurate costing <= x times the
                                 strongest tier alone (0.4 = 40%)
      --scoring <mode>           auto (default), exact, normalized, numeric, label
      --tolerance <x>            numeric scoring: relative tolerance (default 1e-6)
      --limit <n>                Only the first n requests
  -n, --concurrency <n>          Requests in flight at once (default 16)
      --svg <file>               Write the frontier chart (SVG)
      --json <file>              Write the full report (JSON)
      --markdown <file>          Write the report (Markdown; also printed)
  -h, --help                     Show this help

Exit codes: 0 done (and the selection found a setting), 1 no setting meets the
target, or a gate crashed (gate-error verdicts), 2 usage or configuration error.`;

export const IMPORT_HELP = `Usage: llm-cascade import <format> <source> --output <file> [options]

Converts a public recorded dataset into the recorded format (JSONL, one request a
line) for replay and eval. Reads the source as a stream; writes where you say.

Formats:
  mot <folder>              MoT-cascade (mot_cascade/): models named <model>/<config>
      --dataset <name>      date (default), gsm8k, asdiv, tabmwp, navigate, crepe
      --samples <k>         Keep the first k samples of each config (default: all)
  zellinger <folder>        Zellinger et al. cascades (zellinger_llm_cascades/)
      --benchmark <name>    mmlu, medmcqa, triviaqa, truthfulqa, gsm8k; repeatable
                            (default: every file of the split)
      --split <name>        train (default)
  structured-rag <folder>   StructuredRAG (structured_rag_json/)
      --method <m>          fstring or dspy; models then named without "|<method>"

Options:
  -o, --output <file>       Output JSONL ("-": stdout)
  -h, --help                Show this help

Exit codes: 0 done, 2 usage error or unreadable source.`;

export const TUNE_HELP = `Usage: llm-cascade tune --data <file> --config <space file> [target] [options]

Fits a cascade to recorded data: which candidate models form the ladder, in what
order (1 to 4 tiers), and each gated tier's confidence threshold, against a target
relative to the best single model on the fit data. Candidates are judged by
k-fold cross-validation on the fit data with a confidence bound, so the choice does
not ride on luck; a tier that cannot help is dropped. Writes a profile a cascade
loads (applyProfile), a Markdown report and an SVG frontier.

Target (one; default --within 1pt):
      --within <points>          Cheapest ladder within this of the best single
                                 model's accuracy (1pt, or 0.01)
      --max-relative-cost <x>    Most accurate ladder costing at most x times it
      --lambda <x>               Lowest error + x times the relative cost

Data:
  -d, --data <file>              Recording to fit on (JSONL); --fit is the same
      --test <file>              Held-out recording to report on (never fitted)
      --holdout <share>          Or hold out this share of --data (0.3)
      --seed <n>                 Seeds the holdout and the folds (default 1)

Search:
  -c, --config <file>            Tune space (.ts or .js): defineTuneSpace({ models,
                                 tier, probeThreshold, prices, scoring })
      --set <p=value>            Fix a space param (repeatable)
      --max-tiers <n>            1 to 4 (default 4)
      --order <cost|any>         Tiers climb in cost (default) or any order
      --folds <k>                Cross-validation folds (default 5)
      --repeats <r>              Repeats of the k-fold split (default 1)
      --confidence <c>           One-sided confidence of the selection bound
                                 (default 0.7, half a standard error; 0.5: none)
      --scoring <mode>           auto, exact, normalized, numeric, label
  -n, --concurrency <n>          Requests in flight while probing (default 16)
      --no-verify                Skip replaying the profile through the engine

Output:
  -o, --profile <file>           Write the profile (JSON)
      --markdown <file>          Write the report (Markdown; also printed)
      --svg <file>               Write the frontier chart
      --json <file>              Write the full report (JSON)
  -h, --help                     Show this help

Exit codes: 0 done, 1 no ladder met the target, a gate crashed, or the engine
disagreed with the search, 2 usage or configuration error.`;

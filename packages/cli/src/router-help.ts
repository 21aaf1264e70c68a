/** Help of `llm-cascade router`, beside the command so the README and `--help` are easy to compare. */
export const ROUTER_HELP = `Usage: llm-cascade router train --data <file> --tiers <a,b,...> --out <router.json> [options]
       llm-cascade router eval  --data <file> --tiers <a,b,...> [--router <router.json>] [options]

Trains the pre-generation router (one calibrated model per tier but the last, which is
the reference) from recorded data, or measures one. The data is either a recording in
the eval format (one request a line with every tier's answer marked correct or not) or
the output of 'llm-cascade run' (a decision log; give --requests, the run's input).

train: writes the router file (features, per-tier weights, calibration, thresholds and
  a summary with cross-validated calibration), then prints the calibration.
eval: without --router, cross-validates the whole training (nested folds) and prints
  held-out calibration and, for eval data with --prices, the router-only frontier
  against every tier alone. With --router, measures that file on --data as held-out data.

Options:
  -d, --data <file>          Eval-format recording or decision log (JSONL)
      --format <f>           eval, decisions or auto (default: from the first record)
      --tiers <a,b,...>      Tiers cheapest first: model names (eval) or tier names (decisions)
      --requests <file>      Decision logs: the run's --input file, to read the requests
  -o, --out <file>           train: the router file to write
      --router <file>        eval: a trained router file to measure
      --label <rule>         Eval data: as-good-as-reference (default) or correct
      --prices <file>        JSON { "<model>": { "inputPerMTok": n, "outputPerMTok": n } },
                             or "zellinger" for the Zellinger et al. models' prices
      --folds <n>            Cross-validation folds (default 5)
      --seed <n>             Fold seed (default 1)
      --learner <l>          auto (default: cross-validated per tier), logistic, stumps
      --calibration <c>      platt (default) or isotonic
      --tolerance <x>        Default thresholds: share of requests allowed to a tier
                             labelled not good enough (default 0.01)
      --margin <x>           eval: uncertainty margin while routing (default 0)
      --within <x>           eval: "within x of the best single tier" (default 0.01)
      --learning-curve <n,..> eval: also train on these many rows per fold
      --json <file>          eval: also write the evaluation as JSON
  -h, --help                 Show this help

Exit codes: 0 done, 2 usage, configuration or data error.`;

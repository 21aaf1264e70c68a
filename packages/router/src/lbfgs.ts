/** Options of the L-BFGS minimiser. */
export interface LbfgsOptions {
  readonly maxIterations?: number;
  /** Stop when the objective falls by less than this fraction in one iteration. */
  readonly relativeTolerance?: number;
  /** Stop when the gradient's norm falls below this. */
  readonly gradientTolerance?: number;
  /** Correction pairs kept. */
  readonly memory?: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/**
 * The two-loop recursion: writes -H * gradient into `direction`, H the inverse-Hessian estimate from the
 * kept correction pairs (steepest descent scaled by 1 / |gradient| when there are none yet).
 */
function searchDirection(
  gradient: Float64Array,
  s: readonly Float64Array[],
  y: readonly Float64Array[],
  rho: readonly number[],
  alpha: Float64Array,
  direction: Float64Array,
  gradientNorm: number,
): void {
  const n = direction.length;
  direction.set(gradient);
  for (let k = s.length - 1; k >= 0; k -= 1) {
    const a = (rho[k] as number) * dot(s[k] as Float64Array, direction);
    alpha[k] = a;
    const yk = y[k] as Float64Array;
    for (let i = 0; i < n; i += 1) direction[i] = (direction[i] as number) - a * (yk[i] as number);
  }
  const last = s.length - 1;
  const gamma =
    last >= 0
      ? dot(s[last] as Float64Array, y[last] as Float64Array) / dot(y[last] as Float64Array, y[last] as Float64Array)
      : 1 / gradientNorm;
  for (let i = 0; i < n; i += 1) direction[i] = (direction[i] as number) * gamma;
  for (let k = 0; k < s.length; k += 1) {
    const b = (rho[k] as number) * dot(y[k] as Float64Array, direction);
    const sk = s[k] as Float64Array;
    const a = alpha[k] as number;
    for (let i = 0; i < n; i += 1) direction[i] = (direction[i] as number) + (a - b) * (sk[i] as number);
  }
  for (let i = 0; i < n; i += 1) direction[i] = -(direction[i] as number);
}

/**
 * Minimises a smooth convex function with limited-memory BFGS and a backtracking (Armijo) line search.
 * `evaluate(x, gradient)` returns f(x) and writes its gradient. `x` is updated in place. Deterministic.
 */
export function lbfgs(
  evaluate: (x: Float64Array, gradient: Float64Array) => number,
  x: Float64Array,
  options: LbfgsOptions = {},
): { readonly value: number; readonly iterations: number } {
  const n = x.length;
  const maxIterations = options.maxIterations ?? 200;
  const relativeTolerance = options.relativeTolerance ?? 1e-7;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const memory = options.memory ?? 8;
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  let gradient = new Float64Array(n);
  let nextGradient = new Float64Array(n);
  const direction = new Float64Array(n);
  const candidate = new Float64Array(n);
  let value = evaluate(x, gradient);
  let iteration = 0;
  for (; iteration < maxIterations; iteration += 1) {
    const gradientNorm = Math.sqrt(dot(gradient, gradient));
    if (gradientNorm < gradientTolerance) break;
    searchDirection(gradient, s, y, rho, alpha, direction, gradientNorm);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i += 1) direction[i] = -(gradient[i] as number) / gradientNorm;
      slope = dot(direction, gradient);
    }
    let step = 1;
    let nextValue = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries += 1) {
      for (let i = 0; i < n; i += 1) candidate[i] = (x[i] as number) + step * (direction[i] as number);
      nextValue = evaluate(candidate, nextGradient);
      if (nextValue <= value + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(nextValue <= value)) break;
    const sNew = s.length === memory ? (s.shift() as Float64Array) : new Float64Array(n);
    const yNew = y.length === memory ? (y.shift() as Float64Array) : new Float64Array(n);
    if (rho.length === memory) rho.shift();
    for (let i = 0; i < n; i += 1) {
      sNew[i] = (candidate[i] as number) - (x[i] as number);
      yNew[i] = (nextGradient[i] as number) - (gradient[i] as number);
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    x.set(candidate);
    [gradient, nextGradient] = [nextGradient, gradient];
    const decrease = value - nextValue;
    value = nextValue;
    if (decrease <= relativeTolerance * Math.max(1, Math.abs(value))) {
      iteration += 1;
      break;
    }
  }
  return { value, iterations: iteration };
}

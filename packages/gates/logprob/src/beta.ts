/**
 * The Beta distribution's CDF (the regularized incomplete beta function) and its inverse, in plain
 * TypeScript. They exist for the Clopper-Pearson bound, which is a Beta quantile; a stats dependency for
 * two functions was not worth it. Methods: Lanczos log-gamma, the continued fraction of the incomplete beta
 * evaluated by the modified Lentz algorithm (Numerical Recipes, 3rd ed., section 6.4), and a Newton
 * iteration kept inside a shrinking bisection bracket for the inverse. Accuracy is about 1e-13 relative
 * across the shapes the bound uses (tested against SciPy values).
 */

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.999_999_999_999_809_9, 676.520_368_121_885_1, -1259.139_216_722_402_8, 771.323_428_777_653_1,
  -176.615_029_162_140_6, 12.507_343_278_686_905, -0.138_571_095_265_720_12, 9.984_369_578_019_572e-6,
  1.505_632_735_149_311_6e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Natural log of the gamma function for x > 0 (Lanczos approximation, g = 7, n = 9). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the series in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const shifted = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0] as number;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i += 1) {
    sum += (LANCZOS_COEFFICIENTS[i] as number) / (shifted + i);
  }
  const t = shifted + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

function logBeta(alpha: number, beta: number): number {
  return logGamma(alpha) + logGamma(beta) - logGamma(alpha + beta);
}

const TINY = 1e-300;
const EPSILON = 1e-16;
const MAX_FRACTION_TERMS = 100_000;

/** Continued fraction of the incomplete beta (converges fast for x < (a + 1) / (a + b + 2)). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_FRACTION_TERMS; m += 1) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) return h;
  }
  // Not reached for the shapes a binomial bound uses (it needs about sqrt(max(a, b)) terms).
  return h;
}

function checkShapes(alpha: number, beta: number): void {
  if (!(Number.isFinite(alpha) && alpha > 0))
    throw new RangeError(`alpha must be a finite number above 0, got ${alpha}`);
  if (!(Number.isFinite(beta) && beta > 0)) throw new RangeError(`beta must be a finite number above 0, got ${beta}`);
}

export interface IncompleteBetaOptions {
  /** Where to evaluate the CDF, in [0, 1]. */
  readonly x: number;
  /** First shape parameter, above 0. */
  readonly alpha: number;
  /** Second shape parameter, above 0. */
  readonly beta: number;
}

/**
 * The regularized incomplete beta function I_x(alpha, beta): the CDF of Beta(alpha, beta) at `x`.
 * Also the binomial tail: P(X >= k) for X ~ Binomial(n, p) equals I_p(k, n - k + 1).
 * Throws a RangeError for shapes that are not positive or `x` outside [0, 1].
 */
export function regularizedIncompleteBeta(options: IncompleteBetaOptions): number {
  const { x, alpha, beta } = options;
  checkShapes(alpha, beta);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const front = Math.exp(alpha * Math.log(x) + beta * Math.log1p(-x) - logBeta(alpha, beta));
  if (x < (alpha + 1) / (alpha + beta + 2)) return (front * betaContinuedFraction(x, alpha, beta)) / alpha;
  return 1 - (front * betaContinuedFraction(1 - x, beta, alpha)) / beta;
}

export interface BetaQuantileOptions {
  /** The CDF value to invert, in [0, 1]. */
  readonly probability: number;
  /** First shape parameter, above 0. */
  readonly alpha: number;
  /** Second shape parameter, above 0. */
  readonly beta: number;
}

/**
 * The quantile (inverse CDF) of Beta(alpha, beta): the x with I_x(alpha, beta) = probability. The
 * Clopper-Pearson bounds are such quantiles. Throws a RangeError for invalid arguments.
 */
export function betaQuantile(options: BetaQuantileOptions): number {
  const { probability, alpha, beta } = options;
  checkShapes(alpha, beta);
  if (!(probability >= 0 && probability <= 1))
    throw new RangeError(`probability must be in [0, 1], got ${probability}`);
  if (probability === 0) return 0;
  if (probability === 1) return 1;
  const logNorm = logBeta(alpha, beta);
  let low = 0;
  let high = 1;
  let x = alpha / (alpha + beta);
  for (let iteration = 0; iteration < 300; iteration += 1) {
    const value = regularizedIncompleteBeta({ x, alpha, beta }) - probability;
    if (value === 0) return x;
    if (value < 0) low = x;
    else high = x;
    const density = Math.exp((alpha - 1) * Math.log(x) + (beta - 1) * Math.log1p(-x) - logNorm);
    let next = x - value / density;
    // Newton where it behaves, bisection where it would leave the bracket: always converges.
    if (!(next > low && next < high) || !Number.isFinite(next)) next = 0.5 * (low + high);
    if (Math.abs(next - x) <= 1e-15 * Math.max(x, 1e-290) || high - low <= 1e-15 * Math.max(low, 1e-290)) return next;
    x = next;
  }
  return x;
}

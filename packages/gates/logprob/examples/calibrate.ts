// Calibrating the gate from labelled past answers: a threshold with a statistical guarantee, and a
// logistic map that turns the raw measure into a probability of being correct.
// Runs offline: node --conditions=source packages/gates/logprob/examples/calibrate.ts
import { calibrateThreshold, fitLogistic, logprobGate } from '@llm-cascade/gate-logprob';

// Stand-in for real labels: 2,000 past answers of the small model, each with its mean logprob and whether
// a reviewer (or an exact-match check) found it correct. Generated here with a fixed seed.
let seed = 12345;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const samples = Array.from({ length: 2000 }, () => {
  const meanLogprob = -1.5 * random() ** 2;
  const probabilityCorrect = 1 / (1 + Math.exp(-(3 + 4 * meanLogprob)));
  return { confidence: meanLogprob, correct: random() < probabilityCorrect };
});

// 1. The lowest threshold whose accepted answers are at least 93% accurate, with 95% confidence.
const calibration = calibrateThreshold({ samples, targetAccuracy: 0.93, confidenceLevel: 0.95 });
if (calibration.found) {
  console.log(
    `threshold ${calibration.threshold.toFixed(3)}: accepts ${(100 * calibration.acceptanceRate).toFixed(1)}%, ` +
      `accuracy ${(100 * calibration.accuracy).toFixed(1)}%, error at most ${(100 * calibration.errorUpperBound).toFixed(1)}% (95%)`,
  );
} else {
  console.log(`no threshold meets the target: ${calibration.reason}`);
}

// 2. A logistic map from mean logprob to P(correct), and how well calibrated it is.
const fit = fitLogistic({ samples });
console.log(
  `P(correct) = logistic(${fit.intercept.toFixed(2)} + ${fit.slope.toFixed(2)} x mean logprob); ` +
    `Brier ${fit.quality.brierScore.toFixed(3)}, ECE ${fit.quality.expectedCalibrationError.toFixed(3)}`,
);

// 3. Gates built from either. With `calibration`, the score is P(correct) and the threshold a probability.
export const rawGate = calibration.found
  ? logprobGate({ measure: 'mean-logprob', threshold: calibration.threshold })
  : undefined;
export const calibratedGate = logprobGate({ measure: 'mean-logprob', calibration: fit, threshold: 0.9 });
console.log(`gates ready: ${rawGate?.name ?? 'none'} (raw threshold), ${calibratedGate.name} (P(correct) >= 0.9)`);

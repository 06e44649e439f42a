import { InputError } from "../errors.ts";

/*
 * Two-sided critical values for confidence intervals, computed from the distribution
 * functions rather than looked up, so any confidence level and any sample size work.
 * Both quantiles are found by bisection on a monotone CDF: slower than a rational
 * approximation but simple to verify, and reports call this a handful of times.
 */

/** The z such that a standard normal variable lies within ±z with probability `confidence`. */
export function normalCriticalValue(confidence: number): number {
  checkConfidence(confidence);
  const target = 1 - (1 - confidence) / 2;
  return bisect((z) => normalCdf(z), target, 0, 40);
}

/** The t such that a Student-t variable with `degreesOfFreedom` lies within ±t with probability `confidence`. */
export function studentTCriticalValue(confidence: number, degreesOfFreedom: number): number {
  checkConfidence(confidence);
  if (!(degreesOfFreedom > 0) || !Number.isFinite(degreesOfFreedom))
    throw new InputError(`degrees of freedom must be a positive number, got ${degreesOfFreedom}`);
  const target = 1 - (1 - confidence) / 2;
  let upper = 16;
  while (studentTCdf(upper, degreesOfFreedom) < target && upper < 1e12) upper *= 4;
  return bisect((t) => studentTCdf(t, degreesOfFreedom), target, 0, upper);
}

/** Standard normal cumulative distribution function. */
export function normalCdf(z: number): number {
  return 0.5 + 0.5 * errorFunction(z / Math.SQRT2);
}

/** Student-t cumulative distribution function. */
export function studentTCdf(t: number, degreesOfFreedom: number): number {
  const tail =
    0.5 * regularizedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1))
    throw new InputError(`confidence must be strictly between 0 and 1, got ${confidence}`);
}

function bisect(increasing: (x: number) => number, target: number, low: number, high: number): number {
  let lower = low;
  let upper = high;
  for (let step = 0; step < 200 && upper - lower > 1e-13 * Math.max(1, upper); step++) {
    const middle = (lower + upper) / 2;
    if (increasing(middle) < target) lower = middle;
    else upper = middle;
  }
  return (lower + upper) / 2;
}

/**
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum over n of 2^n x^(2n+1) / (1*3*...*(2n+1)).
 * Every term is positive, so the sum does not lose precision to cancellation.
 */
function errorFunction(x: number): number {
  if (x < 0) return -errorFunction(-x);
  if (x > 6) return 1;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** ln Γ(x) for x > 0: Stirling's series once x is large, the recurrence Γ(x+1) = xΓ(x) before that. */
function logGamma(x: number): number {
  let shift = 0;
  let value = x;
  while (value < 10) {
    shift += Math.log(value);
    value += 1;
  }
  const inverse = 1 / value;
  const inverseSquared = inverse * inverse;
  const series =
    inverse *
    (1 / 12 - inverseSquared * (1 / 360 - inverseSquared * (1 / 1260 - inverseSquared * (1 / 1680))));
  return (value - 0.5) * Math.log(value) - value + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/** I_x(a, b), via its continued fraction on the side where it converges quickly. */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log(1 - x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Evaluates 1/(1+ d1/(1+ d2/(1+ ...))) with the modified Lentz method. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const coefficient = (step: number): number => {
    const half = Math.floor(step / 2);
    return step % 2 === 0
      ? (half * (b - half) * x) / ((a + 2 * half - 1) * (a + 2 * half))
      : -((a + half) * (a + b + half) * x) / ((a + 2 * half) * (a + 2 * half + 1));
  };
  let numerator = 1;
  let denominator = 1 / nonZero(1 + coefficient(1), tiny);
  let result = denominator;
  for (let step = 2; step < 2000; step++) {
    const value = coefficient(step);
    denominator = 1 / nonZero(1 + value * denominator, tiny);
    numerator = nonZero(1 + value / numerator, tiny);
    const change = numerator * denominator;
    result *= change;
    if (Math.abs(change - 1) < 1e-15) break;
  }
  return result;
}

function nonZero(value: number, tiny: number): number {
  return Math.abs(value) < tiny ? tiny : value;
}

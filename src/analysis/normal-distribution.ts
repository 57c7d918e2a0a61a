// The standard normal distribution function, accurate to double precision in both tails.
// Hart's rational approximation (as given by G. West, "Better approximations to cumulative normal
// functions", 2005) in the body, and the continued fraction of Mills' ratio in the tails, which
// keeps full relative precision where p-values of 1e-20 are compared.

/** P(Z <= x) for a standard normal Z. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  let tail: number;
  if (a > 37) {
    tail = 0;
  } else {
    const e = Math.exp((-a * a) / 2);
    if (a < 5) {
      let num = 3.52624965998911e-2 * a + 0.700383064443688;
      num = num * a + 6.37396220353165;
      num = num * a + 33.912866078383;
      num = num * a + 112.079291497871;
      num = num * a + 221.213596169931;
      num = num * a + 220.206867912376;
      let den = 8.83883476483184e-2 * a + 1.75566716318264;
      den = den * a + 16.064177579207;
      den = den * a + 86.7807322029461;
      den = den * a + 296.564248779674;
      den = den * a + 637.333633378831;
      den = den * a + 793.826512519948;
      den = den * a + 440.413735824752;
      tail = (e * num) / den;
    } else {
      tail = e / millsDenominator(a) / 2.5066282746310002;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

/** P(Z > x), computed without the cancellation of 1 - normalCdf(x) for large x. */
export function normalSurvival(x: number): number {
  return normalCdf(-x);
}

/** a + 1/(a + 2/(a + 3/(a + …))), evaluated from the back; 120 terms are exact to double precision for a ≥ 5. */
function millsDenominator(a: number): number {
  let b = a;
  for (let k = 120; k >= 1; k--) b = a + k / b;
  return b;
}

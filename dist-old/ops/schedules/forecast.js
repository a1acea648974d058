/**
 * When the DockerRootDir filesystem fills at the recent trend: an ordinary least-squares line
 * through the stored usage samples (time → used bytes) within the window, extrapolated to the
 * filesystem's capacity. Says which window and how many samples it used, and says so plainly
 * when there is too little history or usage is not growing.
 */
const DAY_MS = 86_400_000;
/** Slope and intercept of y = a + b·x by least squares; null when x does not vary. */
export function leastSquares(points) {
    const n = points.length;
    if (n < 2)
        return null;
    const mx = points.reduce((s, p) => s + p.x, 0) / n;
    const my = points.reduce((s, p) => s + p.y, 0) / n;
    let sxx = 0;
    let sxy = 0;
    for (const p of points) {
        sxx += (p.x - mx) ** 2;
        sxy += (p.x - mx) * (p.y - my);
    }
    if (sxx === 0)
        return null;
    const slope = sxy / sxx;
    return { slope, intercept: my - slope * mx };
}
export function forecastFull(history, now, windowDays) {
    const from = now.getTime() - windowDays * DAY_MS;
    const pts = history.filter((p) => Date.parse(p.at) >= from && Date.parse(p.at) <= now.getTime());
    const base = { samples: pts.length, windowStart: pts[0]?.at ?? null, windowEnd: pts.at(-1)?.at ?? null, windowDays };
    const fit = leastSquares(pts.map((p) => ({ x: (Date.parse(p.at) - from) / DAY_MS, y: p.usedBytes })));
    if (pts.length < 3 || !fit) {
        return { ...base, daysUntilFull: null, bytesPerDay: fit?.slope ?? null, note: `not enough history for a trend: ${pts.length} sample(s) in the last ${windowDays} day(s), 3 at different times are needed` };
    }
    const last = pts.at(-1);
    if (fit.slope <= 0)
        return { ...base, daysUntilFull: null, bytesPerDay: fit.slope, note: `usage is not growing over the last ${windowDays} day(s) (${pts.length} samples)` };
    const nowX = (now.getTime() - from) / DAY_MS;
    const fullX = (last.capacityBytes - fit.intercept) / fit.slope;
    const days = Math.max(0, fullX - nowX);
    return { ...base, daysUntilFull: days, bytesPerDay: fit.slope, note: `least squares over ${pts.length} samples from ${base.windowStart} to ${base.windowEnd} (window ${windowDays} day(s))` };
}
//# sourceMappingURL=forecast.js.map
/**
 * A view's chart as a PNG (Slack uploads it; schedule reports write it beside their markdown
 * under reports/): the chart data becomes a Vega-Lite spec, Vega renders it to
 * SVG on the server (no browser, no canvas), and resvg turns the SVG into a PNG with the
 * system's fonts. Bytes are scaled to one readable unit; thresholds become labelled rule lines.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ViewChart } from '../view.js';

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Divisor and label so the largest value reads as 1..999 of a unit (decimal, like the docker CLI). */
function byteScale(max: number): { div: number; label: string } {
  let u = 0;
  let div = 1;
  while (max / div >= 1000 && u < BYTE_UNITS.length - 1) {
    div *= 1000;
    u++;
  }
  return { div, label: BYTE_UNITS[u] ?? 'B' };
}

export function chartSpec(chart: ViewChart): TopLevelSpec {
  const max = Math.max(0, ...chart.points.map((p) => p.value), ...(chart.thresholds ?? []).map((t) => t.value));
  const scale = chart.unit === 'bytes' ? byteScale(max) : { div: 1, label: chart.unit === 'percent' ? '%' : chart.unit === 'seconds' ? 's' : '' };
  const values = chart.points.map((p) => ({ x: p.x, series: p.series ?? chart.title, value: p.value / scale.div }));
  const yTitle = scale.label ? `${chart.title} (${scale.label})` : chart.title;
  const horizontal = chart.kind === 'gauge';
  const valueField = { field: 'value', type: 'quantitative' as const, title: yTitle, ...(chart.unit === 'percent' ? { scale: { domain: [0, 100] } } : {}) };
  const xField =
    chart.kind === 'line'
      ? { field: 'x', type: 'temporal' as const, title: null }
      : { field: 'x', type: 'nominal' as const, title: null, sort: null, axis: { labelLimit: 180, labelAngle: horizontal ? 0 : -30 } };
  const layers: Array<Record<string, unknown>> = [
    {
      data: { values },
      mark: chart.kind === 'line' ? { type: 'line', point: true } : { type: 'bar' },
      encoding: {
        [horizontal ? 'y' : 'x']: xField,
        [horizontal ? 'x' : 'y']: { ...valueField, ...(chart.kind === 'stacked-bar' ? { stack: 'zero' } : {}) },
        ...(chart.kind === 'stacked-bar' || chart.kind === 'line' ? { color: { field: 'series', type: 'nominal', title: null } } : {}),
      },
    },
  ];
  // Side by side on a horizontal gauge, full labels would overlap; the axis carries the numbers there.
  const thresholds = (chart.thresholds ?? []).map((t) => ({
    label: horizontal ? t.label : `${t.label} ${Number((t.value / scale.div).toPrecision(3))}${scale.label}`,
    value: t.value / scale.div,
  }));
  if (thresholds.length) {
    const axis = horizontal ? 'x' : 'y';
    layers.push({
      data: { values: thresholds },
      layer: [
        { mark: { type: 'rule', color: '#c0392b', strokeDash: [6, 4] }, encoding: { [axis]: { field: 'value', type: 'quantitative' } } },
        {
          mark: { type: 'text', color: '#c0392b', align: horizontal ? 'center' : 'right', dy: horizontal ? -4 : -6, baseline: 'bottom' },
          encoding: { [axis]: { field: 'value', type: 'quantitative' }, text: { field: 'label' }, ...(horizontal ? { y: { value: 0 } } : { x: { value: 'width' } }) },
        },
      ],
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    width: horizontal ? 480 : Math.min(720, Math.max(320, values.length * 48)),
    height: horizontal ? Math.max(60, new Set(values.map((v) => v.x)).size * 32) : 260,
    background: 'white',
    padding: 12,
    layer: layers,
    // The encodings are keyed by orientation at run time, which Vega-Lite's types cannot follow;
    // compile() validates the spec.
  } as unknown as TopLevelSpec;
}

/** Renders the chart to PNG bytes. */
export async function chartPng(chart: ViewChart): Promise<Buffer> {
  // Loaded on first use: Vega, Vega-Lite and resvg take 0.3-0.4 s and 30 MB to load, which
  // every CLI command (a backup too) paid at start-up while only chart images need them.
  const [{ Resvg }, vega, { compile }] = await Promise.all([import('@resvg/resvg-js'), import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(chartSpec(chart)).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG(2);
    return new Resvg(svg, { background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  } finally {
    view.finalize();
  }
}

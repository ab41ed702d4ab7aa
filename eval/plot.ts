// PNG plots without a browser: vega-lite spec -> vega view -> SVG -> @resvg/resvg-js.
import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderPng(spec: TopLevelSpec, file: string): Promise<void> {
  const vg = compile(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
    .render()
    .asPng();
  writeFileSync(file, png);
}

export interface Bar {
  name: string;
  group: string;
  value: number;
}

/** Horizontal bars of NDCG@10 per method (test targets), coloured by group. */
export function ablationSpec(title: string, bars: Bar[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 520,
    height: { step: 22 },
    data: { values: bars },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelLimit: 360 } },
          x: { field: 'value', type: 'quantitative', title: 'NDCG@10 (test)' },
          color: {
            field: 'group',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['tastegraph', 'ablation', 'baseline', 'experiment'],
              range: ['#2b6cb0', '#90cdf4', '#a0aec0', '#d69e2e'],
            },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3 },
        encoding: {
          y: { field: 'name', type: 'nominal', sort: null },
          x: { field: 'value', type: 'quantitative' },
          text: { field: 'value', type: 'quantitative', format: '.4f' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** NDCG@10 on validation targets against the long-term half-life (log scale), one point per grid value. */
export function halfLifeSpec(
  title: string,
  points: Array<{ halfLifeDays: number; ndcg10: number; chosen: boolean }>,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 480,
    height: 280,
    data: { values: points },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'halfLifeDays',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'long-term half-life (days, log scale)',
          },
          y: { field: 'ndcg10', type: 'quantitative', title: 'NDCG@10 (validation)', scale: { zero: false } },
        },
      },
      {
        transform: [{ filter: 'datum.chosen' }],
        mark: { type: 'point', size: 120, color: '#c53030', filled: true },
        encoding: {
          x: { field: 'halfLifeDays', type: 'quantitative' },
          y: { field: 'ndcg10', type: 'quantitative' },
        },
      },
    ],
  } as TopLevelSpec;
}

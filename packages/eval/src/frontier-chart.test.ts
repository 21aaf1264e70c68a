import { describe, expect, it } from 'vitest';
import { escapeXml, niceTicks, renderFrontierChart } from './frontier-chart.ts';
import { parseXml } from './testing/xml.ts';

describe('renderFrontierChart', () => {
  const svg = renderFrontierChart({
    title: 'cost <vs> accuracy & "more"',
    subtitle: "point labels: vote.threshold's",
    xLabel: 'cost, % of big alone',
    yLabel: 'accuracy (%)',
    points: [
      { x: 10, y: 50, label: '0.2', pareto: true },
      { x: 30, y: 70, label: '0.5', pareto: true, selected: true },
      { x: 40, y: 65, label: '0.6' },
      { x: 90, y: 88, label: '<0.9>', pareto: true },
      { x: Number.NaN, y: 10, label: 'unscored' },
    ],
    baselines: [
      { x: 5, y: 40, label: 'small alone' },
      { x: 100, y: 87, label: 'big & alone' },
    ],
  });
  const elements = parseXml(svg);
  const byClass = (name: string) => elements.filter((e) => e.attributes.class === name);

  it('is well-formed XML with an svg root, a title and escaped text', () => {
    expect(elements[0]?.name).toBe('svg');
    expect(elements[0]?.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(elements.find((e) => e.name === 'title')?.text).toBe('cost <vs> accuracy & "more"');
    const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toContain("point labels: vote.threshold's");
    expect(texts).toContain('<0.9>');
    expect(texts).toContain('big & alone');
  });

  it('draws axes, ticks and labels', () => {
    expect(byClass('axes')).toHaveLength(1);
    const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toContain('cost, % of big alone');
    expect(texts).toContain('accuracy (%)');
    for (const tick of ['0', '20', '40', '60', '80', '100']) expect(texts).toContain(tick);
  });

  it('marks Pareto points, the frontier line, the selection and the baselines; skips points it cannot place', () => {
    expect(byClass('pareto')).toHaveLength(3);
    expect(byClass('setting')).toHaveLength(1);
    expect(byClass('selected')).toHaveLength(1);
    expect(byClass('baseline')).toHaveLength(2);
    const frontier = byClass('frontier')[0];
    expect(frontier?.name).toBe('path');
    // Three points, a step (H then V) between each pair.
    expect(frontier?.attributes.d).toMatch(/^M[\d.]+,[\d.]+H[\d.]+V[\d.]+H[\d.]+V[\d.]+$/);
    expect(svg).not.toContain('unscored');
    expect(svg).not.toContain('NaN');
  });

  it('places costlier points further right and more accurate points higher', () => {
    const [cheap, mid, top] = byClass('pareto').map((e) => ({
      x: Number(e.attributes.cx),
      y: Number(e.attributes.cy),
    }));
    expect(cheap && mid && top).toBeTruthy();
    expect((cheap?.x ?? 0) < (mid?.x ?? 0)).toBe(true);
    expect((mid?.y ?? 0) > (top?.y ?? 0)).toBe(true);
  });

  it('renders an empty chart as well-formed XML', () => {
    expect(() => parseXml(renderFrontierChart({ title: 't', xLabel: 'x', yLabel: 'y', points: [] }))).not.toThrow();
  });
});

describe('chart helpers', () => {
  it('niceTicks covers the range with round steps', () => {
    expect(niceTicks(0, 83.3)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.2, 0.9)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
  });

  it('escapeXml escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });
});

"""What "legible" means in a browser, measured on the drawn page (shared by the projector tests).

Every chart: each piece of text (title, axis titles, tick labels, legend entries, annotations, bar and point
labels) lies inside the chart's own box, no two pieces of text overlap, and no legend sits on a plot area
(where it would cover curves and points). Every KPI card: its value and label are shown whole, not cut off
with an ellipsis.
"""

from __future__ import annotations

# JavaScript run in the page; returns one line per problem found.
CHART_PROBLEMS = """() => {
  const problems = [];
  const TOLERANCE = 1.5;  // px: anti-aliasing and sub-pixel layout
  const boxOf = (el) => { const r = el.getBoundingClientRect(); return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; };
  const visible = (b) => b.x1 - b.x0 > 0.5 && b.y1 - b.y0 > 0.5;
  const GAP = 3;  // px: two texts on one line closer than this read as one ("clean: share (%)with failures")
  const overlap = (a, b, gap = 0) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > (gap ? -gap : TOLERANCE) && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > TOLERANCE;
  const clipped = (el) => {  // the part of the page an element can show: its box cut by every ancestor that clips
    let box = boxOf(el);
    for (let a = el.parentElement; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
        const b = boxOf(a);
        box = {x0: Math.max(box.x0, b.x0), y0: box.y0, x1: Math.min(box.x1, b.x1), y1: box.y1};
      }
    }
    return box;
  };
  const inside = (a, outer) => a.x0 >= outer.x0 - TOLERANCE && a.y0 >= outer.y0 - TOLERANCE && a.x1 <= outer.x1 + TOLERANCE && a.y1 <= outer.y1 + TOLERANCE;
  const TEXT = [
    ['title', '.infolayer .gtitle'],
    ['axis title', '.infolayer text[class$="title"]:not(.gtitle)'],  // xtitle, x2title, ytitle, ...
    ['tick label', 'g[class$="tick"] > text'],  // xtick, x2tick, ytick, ...
    ['legend entry', '.legend .legendtext'],
    ['annotation', '.annotation-text'],
    ['bar label', '.bartext'],
    ['point label', '.textpoint text'],
  ];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, k) => {
    const svg = plot.querySelector('.main-svg');
    if (!svg) return;
    const chart = clipped(svg);
    const name = ((plot.layout && plot.layout.title && plot.layout.title.text) || `chart ${k + 1}`).replace(/<br>/g, ' ');
    const texts = [];
    const seen = new Set();
    for (const [kind, selector] of TEXT) {
      plot.querySelectorAll(selector).forEach((el) => {
        if (seen.has(el) || !el.textContent.trim()) return;
        seen.add(el);
        const box = boxOf(el);
        if (visible(box)) texts.push({kind, text: el.textContent.trim(), box});
      });
    }
    for (const t of texts) {
      if (!inside(t.box, chart)) problems.push(`${name}: ${t.kind} '${t.text}' is cut off by the chart's edge`);
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        // two texts of a kind (axis titles of two panels, tick labels of one axis) also need a gap between them
        if (overlap(texts[i].box, texts[j].box, texts[i].kind === texts[j].kind ? GAP : 0)) {
          problems.push(`${name}: ${texts[i].kind} '${texts[i].text}' overlaps ${texts[j].kind} '${texts[j].text}'`);
        }
      }
    }
    const legend = plot.querySelector('.legend .bg');
    if (legend && visible(boxOf(legend))) {
      plot.querySelectorAll('.draglayer .nsewdrag').forEach((area) => {
        const a = boxOf(area);
        if (visible(a) && overlap(boxOf(legend), a)) problems.push(`${name}: the legend covers the plot area`);
      });
    }
  });
  return Array.from(new Set(problems));
}"""

CARD_PROBLEMS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] *, '
    + '.rl-card-value, .rl-card-label, .rl-card-label *, .rl-card-delta, .rl-card-delta *'))
  .filter((el) => el.clientWidth > 0 && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 2 && getComputedStyle(el).overflow === 'hidden'))
  .map((el) => `card text '${el.textContent.trim()}' is cut off (${el.scrollWidth} px in ${el.clientWidth} px)`)"""


def chart_problems(page) -> list[str]:
    """Text outside its chart, overlapping text, legends on plot areas: one line each."""
    return page.evaluate(CHART_PROBLEMS)


def card_problems(page) -> list[str]:
    """KPI card values and labels that do not fit their card (st.metric cards and the Lab's HTML cards)."""
    return sorted(set(page.evaluate(CARD_PROBLEMS)))

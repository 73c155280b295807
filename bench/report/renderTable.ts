import type { Row } from './row.js';

const HEADER = ['Figure', 'Measured', 'Floor / baseline', 'Ratio', 'Target', 'Met', 'Notes'];

function cells(row: Row): string[] {
  const met = row.met === undefined ? '—' : row.met ? 'yes' : 'NO';
  return [row.metric, row.measured, row.floor, row.ratio, row.target, met, row.notes];
}

/** A Markdown table, its columns padded so it also reads as plain text on a terminal. */
export function renderTable(rows: readonly Row[]): string {
  const lines = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  const render = (line: readonly string[]) =>
    `| ${line.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [render(HEADER), rule, ...lines.slice(1).map(render)].join('\n');
}

import { html } from "hono/html";
import type { RunRecord } from "../../engine/store.ts";
import type { PairedRateComparison } from "../../metrics/paired-comparison.ts";
import type { Comparison } from "./compare-runs.ts";
import { type Html, layout } from "./viewer-layout.ts";

const percent = (value: number | null) => (value === null ? "–" : `${(100 * value).toFixed(1)}%`);
const signed = (value: number | null, digits = 1, scale = 100) =>
  value === null ? "–" : `${value * scale >= 0 ? "+" : ""}${(value * scale).toFixed(digits)}`;

function ratesRow(label: string, rates: PairedRateComparison): Html {
  return html`<tr><td>${label}</td><td>${rates.n}</td><td>${percent(rates.rateA)}</td><td>${percent(rates.rateB)}</td>
<td>${signed(rates.difference)} pts [${signed(rates.low)}, ${signed(rates.high)}]</td>
<td>${rates.onlyA} / ${rates.onlyB}</td><td>${rates.pValue < 0.0001 ? "<0.0001" : rates.pValue.toFixed(4)}</td></tr>`;
}

/** Two sides compared on the same cases: paired rates (McNemar), score differences, per category, flipped cases. */
export function comparePage(input: {
  a: { run: RunRecord; arm: string };
  b: { run: RunRecord; arm: string };
  comparison: Comparison;
}): Html {
  const { a, b, comparison } = input;
  const caseLink = (run: RunRecord, caseId: string) =>
    `/runs/${encodeURIComponent(run.id)}/cases/${encodeURIComponent(caseId)}`;
  const side = (x: { run: RunRecord; arm: string }) => `${x.run.name} · ${x.arm}`;
  const diff = comparison.scoreDifference;
  return layout(
    "Compare",
    html`<h1>Compare</h1>
<p><b>A</b>: ${side(a)} <span class="muted">(${a.run.id})</span><br><b>B</b>: ${side(b)} <span class="muted">(${b.run.id})</span><br>
Judge <b>${comparison.judge}</b>, failure verdict <b>${comparison.failLabel}</b>: ${comparison.paired} paired cases${
      comparison.unpaired
        ? html`, <span class="error">${comparison.unpaired} left out (verdict missing, unparsed or errored on a side)</span>`
        : ""
    }.</p>
<div class="table-wrap"><table id="rates">
<thead><tr><th>Cases</th><th>n</th><th>A fails</th><th>B fails</th><th>B − A (95% CI)</th><th>A only / B only</th><th>McNemar p (exact)</th></tr></thead>
<tbody>${ratesRow("all", comparison.rates)}${comparison.byCategory.map((group) => ratesRow(group.category, group.rates))}</tbody>
</table></div>
<p>Paired difference of the verdicts' values (B − A): ${
      diff.mean === null
        ? "no numeric values"
        : html`<b>${signed(diff.mean, 3, 1)}</b> [${signed(diff.low, 3, 1)}, ${signed(diff.high, 3, 1)}] over ${diff.n} cases (mean, 95% t interval)`
    }</p>
<h2>Flipped cases (${comparison.flippedTotal}${comparison.flipped.length < comparison.flippedTotal ? `, first ${comparison.flipped.length} shown` : ""})</h2>
<div class="table-wrap"><table id="flipped">
<thead><tr><th>Case</th><th>Category</th><th>A</th><th>B</th><th>Change</th></tr></thead>
<tbody>${comparison.flipped.map(
      (
        flip,
      ) => html`<tr class="row" tabindex="0"><td><a href="${caseLink(b.run, flip.caseId)}">${flip.caseId}</a> <a class="muted" href="${caseLink(a.run, flip.caseId)}">(A)</a></td>
<td>${flip.category ?? ""}</td>
<td><span class="pill ${flip.a.label ?? ""}">${flip.a.label ?? flip.a.value}</span></td>
<td><span class="pill ${flip.b.label ?? ""}">${flip.b.label ?? flip.b.value}</span></td>
<td>${flip.direction}</td></tr>`,
    )}</tbody></table></div>`,
  );
}

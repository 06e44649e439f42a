/**
 * The HTML report's whole stylesheet, inlined so the file needs nothing else. Case
 * filtering is pure CSS (radio buttons and `:has()`, rules per filter written beside the case
 * browser), so it works with scripts disabled, and the page's security policy allows no script.
 */
export const REPORT_STYLES = `
:root { --ink: #1b1f24; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa; --ok: #1a7f37; --warn: #9a6700;
  --bad: #cf222e; --info: #0969da; --warn-bg: #fff8c5; --bad-bg: #ffebe9; --ok-bg: #dafbe1; --info-bg: #ddf4ff; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #ffffff; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
  Helvetica, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 8px; line-height: 1.25; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; color: var(--muted); }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.banner { margin: 16px 0; padding: 12px 16px; border-radius: 6px; border: 2px solid; font-size: 15px; }
.banner.simulator { background: var(--warn-bg); border-color: #d4a72c; }
.banner.problem { background: var(--bad-bg); border-color: var(--bad); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--soft); }
.card .label { color: var(--muted); font-size: 12.5px; }
.card .value { font-size: 22px; font-weight: 650; overflow-wrap: anywhere; }
.card .value.long { font-size: 16px; line-height: 1.35; padding-top: 4px; }
.card .note { color: var(--muted); font-size: 12px; }
.card.warn { background: var(--warn-bg); border-color: #d4a72c; }
.card.bad { background: var(--bad-bg); border-color: var(--bad); }
.card.warn .value { color: var(--warn); }
.card.bad .value { color: var(--bad); }
.warnings { background: var(--warn-bg); border: 1px solid #d4a72c; border-radius: 6px; padding: 10px 16px 10px 34px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; break-inside: avoid; }
svg.chart { width: 100%; height: auto; display: block; max-width: 760px; margin: 0 auto; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 4px 0; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 650; border-top: 2px solid var(--line); }
.interval { color: var(--muted); font-size: 12px; }
.note, .footnote { color: var(--muted); margin: 4px 0; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; font-weight: 600;
  border: 1px solid var(--line); background: var(--soft); white-space: nowrap; }
.badge.ok { background: var(--ok-bg); color: var(--ok); border-color: #aceebb; }
.badge.warn { background: var(--warn-bg); color: var(--warn); border-color: #d4a72c; }
.badge.bad { background: var(--bad-bg); color: var(--bad); border-color: #ff818266; }
.badge.info { background: var(--info-bg); color: var(--info); border-color: #54aeff66; }
.filter-input { position: absolute; opacity: 0; pointer-events: none; }
.filters { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; align-items: baseline; }
.filter-legend { color: var(--muted); font-size: 12.5px; font-weight: 600; min-width: 64px; }
.filters label { border: 1px solid var(--line); border-radius: 16px; padding: 3px 12px; cursor: pointer; background: #fff; }
.filters label:has(.filter-input:checked) { background: var(--ink); color: #fff; border-color: var(--ink); }
.filters label:has(.filter-input:focus-visible) { outline: 2px solid var(--info); outline-offset: 2px; }
.cases { margin-top: 12px; }
.badge.expected { background: #fff; color: var(--muted); }
.calls { margin-top: 8px; color: var(--muted); font-size: 12.5px; }
.calls ul { margin: 2px 0; padding-left: 20px; }
.case { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; }
.case[data-errored] { border-left: 4px solid var(--bad); }
.case > summary { cursor: pointer; padding: 7px 12px; display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: baseline; }
.case[open] > summary { border-bottom: 1px solid var(--line); background: var(--soft); }
.case-title { font-weight: 600; overflow-wrap: anywhere; }
.case-body { padding: 10px 14px; }
.case-error { background: var(--bad-bg); border: 1px solid var(--bad); border-radius: 6px; padding: 8px 12px; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.transcript { list-style: none; padding: 0; margin: 8px 0; }
.turn { display: grid; grid-template-columns: 92px 1fr; gap: 10px; padding: 8px 0; border-bottom: 1px dashed var(--line); }
.turn .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: inherit; }
.turn > .role { justify-self: start; align-self: start; }
.role.user { background: var(--info-bg); color: var(--info); }
.role.assistant { background: var(--ok-bg); color: var(--ok); }
.role.system { background: #eeeeee; color: #444; }
.images { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 6px; }
.images figure { padding: 4px; max-width: 220px; }
.images img { max-width: 200px; max-height: 160px; display: block; }
.zoom > summary { list-style: none; cursor: zoom-in; }
.zoom > summary::-webkit-details-marker { display: none; }
.zoom .zoomed { display: none; }
.zoom[open] .zoomed { display: flex; position: fixed; inset: 0; z-index: 10; background: rgba(0, 0, 0, 0.85);
  align-items: center; justify-content: center; cursor: zoom-out; }
.images .zoomed img { max-width: 95vw; max-height: 95vh; background: #fff; }
.images figcaption, .image-label { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.explanation { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 640px; }
details.config pre { background: var(--soft); padding: 10px; border-radius: 6px; overflow-x: auto; max-height: 480px; }
footer { color: var(--muted); margin-top: 40px; font-size: 12px; }
@media print {
  main { max-width: none; padding: 0; }
  .filters, .filter-input { display: none; }
  .case, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .table-wrap { overflow: visible; }
  details::details-content { content-visibility: visible; display: block; }
  .charts { grid-template-columns: 1fr; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

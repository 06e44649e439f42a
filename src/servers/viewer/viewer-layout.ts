import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * Every page's shell: styles and the one script come from the viewer itself (the CSP allows
 * nothing else), a skip link and the keyboard help.
 */
export function layout(title: string, body: Html, crumbs: Html = html``): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · turnsafe view</title>
<link rel="stylesheet" href="/assets/viewer.css">
<script src="/assets/viewer.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><a href="/" class="brand">turnsafe view</a>${crumbs}
<span class="keys" title="Keyboard">j/k: next/previous row · Enter: open · /: search · g: runs · ?: help</span></header>
<main id="main" tabindex="-1">${body}</main>
<div id="lightbox" hidden role="dialog" aria-modal="true" aria-label="Image"><img alt=""><button type="button" class="close">Close (Esc)</button></div>
</body>
</html>`;
}

export const VIEWER_CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#1b1f24;background:#f6f7f9}
header{display:flex;gap:1rem;align-items:baseline;padding:.6rem 1rem;background:#1f2937;color:#fff;flex-wrap:wrap}
header a{color:#fff}
.brand{font-weight:700;text-decoration:none}
.keys{margin-left:auto;font-size:12px;opacity:.75}
main{padding:1rem;max-width:100%;outline:none}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;color:#000;padding:.3rem;z-index:9}
h1{font-size:1.3rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:1.2rem 0 .5rem}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid #d8dde3;border-radius:6px}
table{border-collapse:collapse;width:100%}
th,td{padding:.35rem .55rem;border-bottom:1px solid #e5e8ec;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eef1f4;font-weight:600;white-space:nowrap}
tr.row:focus,tr.row.current{outline:2px solid #2563eb;outline-offset:-2px;background:#eef4ff}
tr.row{cursor:pointer}
.pill{display:inline-block;padding:0 .4rem;border-radius:9px;font-size:12px;margin:1px 2px 1px 0;background:#e5e7eb;white-space:nowrap}
.pill.unsafe,.pill.errored,.pill.wrong{background:#fde2e1;color:#8a1c14}
.pill.safe,.pill.done,.pill.right,.pill.completed{background:#dcf5e3;color:#125c2b}
.pill.unparsed,.pill.running,.pill.pending{background:#fff1c2;color:#6b4f00}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem .8rem;align-items:end;margin:.5rem 0 1rem}
form.filters label{display:flex;flex-direction:column;font-size:12px;gap:2px}
select,input,textarea,button{font:inherit}
input[type=search]{min-width:16rem}
button{padding:.25rem .7rem;border:1px solid #9aa4b1;border-radius:4px;background:#fff;cursor:pointer}
button:focus,a:focus,select:focus,input:focus{outline:2px solid #2563eb;outline-offset:1px}
.pager{display:flex;gap:1rem;align-items:center;margin:.6rem 0}
.turn{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:.5rem .7rem;margin:.4rem 0;max-width:60rem}
.turn.assistant{background:#f3f7ff}.turn.system{background:#f5f5f5}
.turn .role{font-size:12px;font-weight:600;text-transform:uppercase;color:#475569}
.turn pre,.call pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0;font:inherit}
.thumb{max-width:160px;max-height:160px;border:1px solid #cbd5e1;border-radius:4px;cursor:zoom-in;margin:.3rem .3rem 0 0}
#lightbox{position:fixed;inset:0;background:rgba(0,0,0,.85);display:flex;align-items:center;justify-content:center;flex-direction:column;z-index:10}
#lightbox[hidden]{display:none}
#lightbox img{max-width:92vw;max-height:85vh;background:#fff;image-rendering:auto}
.grid2{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem}
@media (max-width:1000px){.grid2{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:.6rem .8rem;margin:.5rem 0}
.turn.evidence{outline:3px solid #f59e0b}
.muted{color:#64748b}.error{color:#8a1c14}
progress{width:8rem}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}dl.kv dt{color:#64748b}
`;

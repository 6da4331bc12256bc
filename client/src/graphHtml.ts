/**
 * The stage graph view's page: a strict Content Security Policy (nothing but the one script with
 * this page's nonce; WebAssembly allowed with 'wasm-unsafe-eval', never 'unsafe-eval'), the
 * toolbar, the viewport, and the styles (the theme's colours, `themeCss`). Pure (no `vscode`
 * import): the benchmark loads the same page in Chromium.
 */
import { themeCss } from '../../server/src/graph/palette';

export interface GraphPage {
    /** `webview.cspSource`. */
    cspSource: string;
    /** A fresh random nonce per page. */
    nonce: string;
    /** The URI of dist/graphView.js as the webview loads it. */
    script: string;
}

export function graphViewHtml(page: GraphPage): string {
    const n = page.nonce;
    const csp = [
        `default-src 'none'`,
        `img-src ${page.cspSource} data:`,
        `style-src 'nonce-${n}'`,
        `script-src 'nonce-${n}' 'wasm-unsafe-eval'`,
        `font-src ${page.cspSource}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stage Graph</title>
<style nonce="${n}">
${PAGE_CSS}
${themeCss('#canvas')}
</style>
</head>
<body>
<div id="toolbar">
  <span id="title"></span>
  <span id="actions" hidden><button id="build" class="primary"></button><button id="target"></button></span>
  <span class="spacer"></span>
  <span id="legend"><span class="l-from">FROM</span><span class="l-copy">COPY --from</span><span class="l-mount">RUN --mount from=</span></span>
  <button id="zoom-out" title="Zoom out">−</button><button id="zoom-in" title="Zoom in">+</button><button id="fit" title="Show the whole graph">Fit</button>
</div>
<div id="viewport" hidden><div id="canvas"></div></div>
<div id="message">Loading the stage graph…</div>
<div id="card" hidden></div>
<script nonce="${n}" src="${page.script}"></script>
</body>
</html>`;
}

const PAGE_CSS = `
html, body { height: 100%; }
body { margin: 0; padding: 0; overflow: hidden; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
#toolbar { position: absolute; top: 0; left: 0; right: 0; height: 30px; display: flex; align-items: center; gap: 6px; padding: 0 8px;
  border-bottom: 1px solid var(--vscode-panel-border, transparent); background: var(--vscode-editor-background); z-index: 2; white-space: nowrap; }
#title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; }
#actions { display: inline-flex; gap: 4px; }
#actions[hidden] { display: none; }
.spacer { flex: 1; }
button { font: inherit; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground);
  border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 2px 8px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button.primary { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
button.primary:hover { background: var(--vscode-button-hoverBackground); }
button:disabled { opacity: .6; cursor: default; }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
#legend { display: inline-flex; gap: 10px; color: var(--vscode-descriptionForeground); font-size: 0.9em; margin-right: 6px; }
#legend span::before { content: ""; display: inline-block; width: 22px; margin-right: 4px; vertical-align: middle; border-top: 2px solid; }
#legend .l-from::before { border-top-style: solid; border-color: var(--vscode-editor-foreground); }
#legend .l-copy::before { border-top-style: dashed; border-color: var(--vscode-charts-blue, var(--vscode-textLink-foreground)); }
#legend .l-mount::before { border-top-style: dotted; border-color: var(--vscode-charts-green, var(--vscode-testing-iconPassed)); }
#viewport { position: absolute; top: 31px; left: 0; right: 0; bottom: 0; overflow: hidden; }
#viewport[hidden] { display: none; }
#canvas { display: inline-block; }
#canvas svg { display: block; }
#canvas text { font-family: Arial, Helvetica, "Liberation Sans", "DejaVu Sans Condensed", sans-serif; }
#canvas g.node.stage { cursor: pointer; }
#canvas g.node.stage:focus { outline: none; }
#canvas g.node.unneeded, #canvas g.edge.unneeded { opacity: .6; }
#canvas g.node.stage.selected > path, #canvas g.node.stage.selected > polygon,
#canvas g.node.stage:focus-visible > path, #canvas g.node.stage:focus-visible > polygon { stroke: var(--vscode-focusBorder); stroke-width: 3; }
#canvas g.node.stage.building > path { stroke: var(--vscode-progressBar-background, var(--vscode-focusBorder)); stroke-width: 3; stroke-dasharray: 8 4; animation: building 0.8s linear infinite; }
@keyframes building { to { stroke-dashoffset: -12; } }
body.vscode-high-contrast #canvas g.node > path, body.vscode-high-contrast #canvas g.edge > path { stroke-width: 2; }
body.vscode-high-contrast #canvas g.node.unneeded, body.vscode-high-contrast #canvas g.edge.unneeded { opacity: .75; }
#message { position: absolute; top: 40%; left: 0; right: 0; text-align: center; color: var(--vscode-descriptionForeground); }
#message[hidden] { display: none; }
#card { position: fixed; z-index: 3; pointer-events: none; max-width: 460px; max-height: 70vh; overflow: auto; padding: 4px 10px;
  color: var(--vscode-editorHoverWidget-foreground); background: var(--vscode-editorHoverWidget-background);
  border: 1px solid var(--vscode-editorHoverWidget-border); box-shadow: 0 2px 8px var(--vscode-widget-shadow); }
#card[hidden] { display: none; }
#card h3 { margin: 6px 0; font-size: 1.05em; }
#card p, #card ul { margin: 4px 0; }
#card code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 2px; }
#card pre { white-space: pre-wrap; font-family: var(--vscode-editor-font-family); }
`;

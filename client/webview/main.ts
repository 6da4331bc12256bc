/**
 * The stage graph view's script, in the webview (a browser page under a strict CSP). It gets the
 * graph from the extension (which got it from the language server), writes its DOT, lays it out
 * with Graphviz (WebAssembly, bundled) and swaps the new SVG in whole: no flicker, and the zoom and
 * pan (on the element around the SVG) stay as they were while the same file changes.
 *
 * The user: clicks a node (the editor reveals its FROM; the node is selected and the toolbar
 * offers "Build with cache" and "Set as build target"), rests the pointer on it (the stage card),
 * drags to pan, wheels to zoom, "Fit" to see it all. Colours: the palette's print colours are
 * replaced by the theme's (`themeCss`, in the page's style).
 */
import Panzoom, { type PanzoomObject } from '@panzoom/panzoom';
import type { FromView, ToView } from '../../server/src/common/graphProtocol';
import { toDot } from '../../server/src/graph/dot';
import { graphviz, renderSvg } from '../../server/src/graph/layout';
import type { StageGraph } from '../../server/src/graph/model';

interface VsCodeApi {
    postMessage(message: FromView): void;
    getState(): unknown;
    setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives the view being hidden and shown again: which file, and where the user looked. */
interface ViewState {
    fileName: string;
    x: number;
    y: number;
    scale: number;
}

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const viewport = $<HTMLDivElement>('viewport');
const canvas = $<HTMLDivElement>('canvas');
const card = $<HTMLDivElement>('card');
const message = $<HTMLDivElement>('message');
const title = $<HTMLSpanElement>('title');
const actions = $<HTMLSpanElement>('actions');
const buildButton = $<HTMLButtonElement>('build');
const targetButton = $<HTMLButtonElement>('target');

const panzoom: PanzoomObject = Panzoom(canvas, { canvas: true, maxScale: 4, minScale: 0.05, step: 0.15, cursor: 'grab' });
viewport.addEventListener('wheel', (e) => panzoom.zoomWithWheel(e), { passive: false });

let graph: StageGraph | null = null;
let fileName = '';
let selected: number | null = null;
let drawing = 0;
let restored = false;

function post(m: FromView): void {
    vscode.postMessage(m);
}

function saveState(): void {
    const pan = panzoom.getPan();
    const state: ViewState = { fileName, x: pan.x, y: pan.y, scale: panzoom.getScale() };
    vscode.setState(state);
}
canvas.addEventListener('panzoomchange', saveState);

/** Shows all of the graph, centred, never larger than 1:1. */
function fit(): void {
    const svg = canvas.querySelector('svg');
    if (!svg) return;
    const w = canvas.offsetWidth;
    const h = canvas.offsetHeight;
    const vw = viewport.clientWidth;
    const vh = viewport.clientHeight;
    if (!w || !h || !vw || !vh) return;
    const scale = Math.max(0.05, Math.min(1, (vw - 24) / w, (vh - 24) / h));
    panzoom.zoom(scale, { animate: false, force: true });
    // The transform origin is the element's centre: this puts that centre in the viewport's.
    panzoom.pan((vw / 2 - w / 2) / scale, (vh / 2 - h / 2) / scale, { animate: false, force: true });
    saveState();
}

function stageIndexOf(el: Element | null): number | null {
    const node = el?.closest('g.node.stage');
    const m = node ? /^stage-(\d+)$/.exec(node.id) : null;
    return m ? Number(m[1]) : null;
}

function stageElement(index: number): SVGGElement | null {
    return canvas.querySelector(`g.node.stage#stage-${index}`);
}

function select(index: number | null): void {
    selected = index !== null && graph?.stages[index] ? index : null;
    for (const el of canvas.querySelectorAll('g.node.stage.selected')) el.classList.remove('selected');
    if (selected === null) { actions.hidden = true; return; }
    stageElement(selected)?.classList.add('selected');
    const label = graph!.stages[selected]!.label;
    buildButton.textContent = `▶ Build ${label} with cache`;
    targetButton.textContent = graph!.target === selected ? `◎ ${label} is the build target` : `◎ Make ${label} the build target`;
    targetButton.disabled = graph!.target === selected;
    actions.hidden = false;
}

/** Graphviz's SVG, made ours: no native tooltips (the card replaces them), focusable stages. */
function adopt(svgText: string): SVGSVGElement {
    const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    const svg = document.importNode(parsed.documentElement, true) as unknown as SVGSVGElement;
    for (const t of svg.querySelectorAll('title')) t.remove();
    for (const a of svg.querySelectorAll('a')) {
        a.removeAttribute('xlink:title');
        a.removeAttributeNS('http://www.w3.org/1999/xlink', 'title');
    }
    for (const g of svg.querySelectorAll<SVGGElement>('g.node.stage')) {
        g.setAttribute('tabindex', '0');
        g.setAttribute('role', 'button');
        const index = stageIndexOf(g);
        const node = index === null ? undefined : graph?.stages[index];
        if (node) {
            g.setAttribute('aria-label', `Stage ${node.label}, line ${node.line}`);
            g.dataset.vscodeContext = JSON.stringify({ webviewSection: 'stage', stageIndex: node.index, preventDefaultContextMenuItems: true });
        }
    }
    return svg;
}

async function draw(m: Extract<ToView, { type: 'graph' }>): Promise<void> {
    const mine = ++drawing;
    const t0 = performance.now();
    const svgText = await renderSvg(toDot(m.graph));
    if (mine !== drawing) return;            // a newer graph came while this one was laid out
    const previousFile = fileName;
    graph = m.graph;
    fileName = m.fileName;
    const svg = adopt(svgText);
    canvas.replaceChildren(svg);
    message.hidden = true;
    viewport.hidden = false;
    title.textContent = `${m.fileName} · ${m.graph.stages.length} stage${m.graph.stages.length === 1 ? '' : 's'}`;
    for (const i of m.building) stageElement(i)?.classList.add('building');
    select(selected !== null && m.sameDocument && previousFile === m.fileName ? selected : null);
    if (!m.sameDocument || previousFile !== m.fileName) {
        const state = vscode.getState() as ViewState | undefined;
        if (!restored && state && state.fileName === m.fileName) {
            panzoom.zoom(state.scale, { animate: false, force: true });
            panzoom.pan(state.x, state.y, { animate: false, force: true });
        } else {
            fit();
        }
    }
    restored = true;
    canvas.getBoundingClientRect();          // the layout of the new SVG is part of the cost
    const ms = performance.now() - t0;
    const stages = [...canvas.querySelectorAll<SVGGElement>('g.node.stage')].map((g) => ({
        index: stageIndexOf(g) ?? -1,
        text: [...g.querySelectorAll('text')].map((t) => t.textContent ?? '').join(' ').replace(/\s+/g, ' ').trim(),
    }));
    post({ type: 'rendered', version: m.version, ms, stages });
}

// ---- the pointer: click (not a drag) selects and reveals; resting on a stage shows its card ----

let down: { x: number; y: number } | null = null;
canvas.addEventListener('pointerdown', (e) => { down = { x: e.clientX, y: e.clientY }; }, { capture: true });
canvas.addEventListener('click', (e) => {
    const moved = down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4;
    down = null;
    if (moved) return;
    const index = stageIndexOf(e.target as Element);
    select(index);
    if (index !== null) post({ type: 'reveal', index });
});
canvas.addEventListener('keydown', (e) => {
    const index = stageIndexOf(e.target as Element);
    if (index === null || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    select(index);
    post({ type: 'reveal', index });
});

let cardFor: number | null = null;
let cardTimer: ReturnType<typeof setTimeout> | undefined;
let hideTimer: ReturnType<typeof setTimeout> | undefined;

function hideCard(): void {
    card.hidden = true;
    cardFor = null;
}

/** The stage a card is on its way for (the pointer rests on it). */
let pending: number | null = null;

// On every move, not only on entering a node: after a click (which puts the card away) the pointer
// may rest on the same node, and the card comes back.
canvas.addEventListener('pointermove', (e) => {
    const index = stageIndexOf(e.target as Element);
    if (index === null) {
        if (pending !== null || cardFor !== null) {
            clearTimeout(cardTimer);
            pending = null;
            clearTimeout(hideTimer);
            hideTimer = setTimeout(hideCard, 250);
        }
        return;
    }
    clearTimeout(hideTimer);
    if (index === cardFor || index === pending) return;
    clearTimeout(cardTimer);
    pending = index;
    cardTimer = setTimeout(() => {
        pending = null;
        cardFor = index;
        post({ type: 'card', index });
    }, 300);
});
viewport.addEventListener('pointerleave', () => {
    clearTimeout(cardTimer);
    pending = null;
    hideTimer = setTimeout(hideCard, 250);
});
// The card never takes the pointer (it would cover the next node); a press anywhere puts it away.
viewport.addEventListener('pointerdown', () => { clearTimeout(cardTimer); pending = null; hideCard(); });

function showCard(index: number, html: string): void {
    if (index !== cardFor) return;
    const el = stageElement(index);
    if (!el) return;
    card.innerHTML = html;
    card.hidden = false;
    const box = el.getBoundingClientRect();
    const room = viewport.getBoundingClientRect();
    const w = card.offsetWidth;
    const h = card.offsetHeight;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(lo, v), Math.max(lo, hi));
    let left: number;
    let top: number;
    if (box.right + 8 + w <= room.right || box.left - 8 - w >= room.left) {
        // beside the node, right if it fits, else left
        left = box.right + 8 + w <= room.right ? box.right + 8 : box.left - 8 - w;
        top = clamp(box.top, room.top + 4, room.bottom - h - 4);
    } else {
        // no room beside it: below the node, else above; never over it when either fits
        left = clamp(box.left, room.left + 4, room.right - w - 4);
        top = box.bottom + 8 + h <= room.bottom ? box.bottom + 8 : box.top - 8 - h >= room.top ? box.top - 8 - h : clamp(box.bottom + 8, room.top + 4, room.bottom - h - 4);
    }
    card.style.left = `${left}px`;
    card.style.top = `${top}px`;
}

// ---- the toolbar ----

$<HTMLButtonElement>('fit').addEventListener('click', fit);
$<HTMLButtonElement>('zoom-in').addEventListener('click', () => panzoom.zoomIn());
$<HTMLButtonElement>('zoom-out').addEventListener('click', () => panzoom.zoomOut());
buildButton.addEventListener('click', () => { if (selected !== null) post({ type: 'build', index: selected }); });
targetButton.addEventListener('click', () => { if (selected !== null) post({ type: 'setTarget', index: selected }); });

window.addEventListener('message', (event: MessageEvent<ToView>) => {
    const m = event.data;
    switch (m.type) {
        case 'graph':
            draw(m).catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
            break;
        case 'empty':
            drawing++;
            graph = null;
            select(null);
            hideCard();
            viewport.hidden = true;
            title.textContent = '';
            message.textContent = m.message;
            message.hidden = false;
            break;
        case 'card':
            showCard(m.index, m.html);
            break;
    }
});

// Graphviz loads while the extension asks the server for the graph.
void graphviz();
post({ type: 'ready' });

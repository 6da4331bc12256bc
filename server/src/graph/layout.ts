/**
 * Graphviz, compiled to WebAssembly (`@hpcc-js/wasm-graphviz`): DOT in, SVG out. The same module
 * runs in the CLI (Node) and in the editor's view (the webview), so both draw the same picture.
 * The WebAssembly is inside the package's JavaScript: nothing is fetched at run time. No I/O.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';

let loading: Promise<Graphviz> | null = null;

/** The Graphviz instance, loaded once (about 100 ms the first time). */
export function graphviz(): Promise<Graphviz> {
    loading ??= Graphviz.load();
    return loading;
}

/** Lays out and renders DOT as an SVG document (Graphviz's `dot` engine). Throws on malformed DOT. */
export async function renderSvg(dot: string): Promise<string> {
    return (await graphviz()).dot(dot, 'svg');
}

/**
 * The stage graph view's messages: the custom LSP request the client asks the server's graph
 * with, and what the extension and the view's webview say to each other. Shared by the server,
 * the client and the webview script; pure (no `vscode` import).
 */
import type { StageGraph } from '../graph/model';

/** `stagecraft/stageGraph`: the graph of an open document, from the server's current analysis. */
export const STAGE_GRAPH_METHOD = 'stagecraft/stageGraph';

export interface StageGraphParams {
    textDocument: { uri: string };
}

/** The answer; null when the document is not open in the server. */
export interface StageGraphResult {
    uri: string;
    /** The document version the graph is of. */
    version: number;
    graph: StageGraph;
}

/** Extension -> webview. */
export type ToView =
    /**
     * The graph to draw (build results already on its nodes). `sameDocument`: the view keeps its
     * zoom and pan (the file changed); else it fits the new graph. `building`: stage indexes whose
     * build is running.
     */
    | { type: 'graph'; fileName: string; version: number; graph: StageGraph; sameDocument: boolean; building: number[] }
    /** Nothing to draw, and why (no Dockerfile in the editor, no stage). */
    | { type: 'empty'; message: string }
    /** The stage card (the hover's Markdown, rendered) for a stage. */
    | { type: 'card'; index: number; html: string };

/** Webview -> extension. */
export type FromView =
    | { type: 'ready' }
    /** Reveal the stage's FROM line in the editor. */
    | { type: 'reveal'; index: number }
    | { type: 'build'; index: number }
    /** Make this stage `stagecraft.target` of the file's folder. */
    | { type: 'setTarget'; index: number }
    /** The pointer rests on a node: send its card. */
    | { type: 'card'; index: number }
    /** A graph was drawn: how long DOT + layout + insertion took, and what it shows. */
    | { type: 'rendered'; version: number; ms: number; stages: { index: number; text: string }[] }
    | { type: 'error'; message: string };

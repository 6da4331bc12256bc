/**
 * "Stagecraft: Show Stage Graph": a webview beside the editor with the graph of the active
 * Dockerfile. The graph comes from the language server (`stagecraft/stageGraph`, the server's own
 * analysis of the document it has); this file never reads the Dockerfile. It follows the active
 * editor, asks again after edits (debounced) and settings changes, puts the last build's report on
 * the nodes, and does what the view asks: reveal a stage's FROM, show its card (the server's
 * hover), build it, make it the build target.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { STAGE_GRAPH_METHOD, type FromView, type StageGraphParams, type StageGraphResult, type ToView } from '../../server/src/common/graphProtocol';
import { withReport } from '../../server/src/graph/build';
import type { StageNode } from '../../server/src/graph/model';
import { isDockerfileDocument } from './buildCommand';
import type { BuildReports } from './buildReports';
import { graphViewHtml } from './graphHtml';

export const SHOW_GRAPH_COMMAND = 'stagecraft.showStageGraph';
export const GRAPH_BUILD_COMMAND = 'stagecraft.graph.buildStage';
export const GRAPH_SET_TARGET_COMMAND = 'stagecraft.graph.setTarget';
export const GRAPH_VIEW_TYPE = 'stagecraft.stageGraph';
/** Typing pauses this long before the graph is asked for again. */
const REFRESH_DELAY_MS = 100;

/** What the view last drew, for the extension-host tests and the benchmark. */
export interface GraphRender {
    uri: string;
    version: number;
    ms: number;
    stages: { index: number; text: string }[];
}

export type BuildStage = (uri: vscode.Uri, index: number, name: string | null) => Promise<unknown>;

function nonce(): string {
    return crypto.randomBytes(18).toString('base64').replace(/[+/=]/g, '');
}

function escapeHtml(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export class StageGraphView implements vscode.Disposable {
    private panel: vscode.WebviewPanel | undefined;
    /** The Dockerfile shown. */
    private document: vscode.Uri | undefined;
    /** The last graph sent, with the document it is of. */
    private shown: { uri: string; result: StageGraphResult; graph: StageGraphResult['graph'] } | undefined;
    private ready = false;
    private timer: ReturnType<typeof setTimeout> | undefined;
    private readonly disposables: vscode.Disposable[] = [];
    private readonly renderEmitter = new vscode.EventEmitter<GraphRender>();
    /** Fires after the view drew a graph. */
    readonly onDidRender = this.renderEmitter.event;
    lastRender: GraphRender | undefined;
    lastError: string | undefined;

    constructor(
        private readonly extensionUri: vscode.Uri,
        private readonly client: LanguageClient,
        private readonly reports: BuildReports,
        private readonly buildStage: BuildStage,
    ) {
        this.disposables.push(
            vscode.window.onDidChangeActiveTextEditor((editor) => {
                if (!this.panel || !editor || !isDockerfileDocument(editor.document)) return;
                if (editor.document.uri.toString() === this.document?.toString()) return;
                this.document = editor.document.uri;
                this.refresh(0);
            }),
            vscode.workspace.onDidChangeTextDocument((e) => {
                if (this.panel && e.document.uri.toString() === this.document?.toString() && e.contentChanges.length > 0) this.refresh();
            }),
            vscode.workspace.onDidCloseTextDocument((d) => {
                if (this.panel && d.uri.toString() === this.document?.toString()) this.refresh();
            }),
            // The target, build args and diagnostic severities change the graph. The language client
            // sends the change to the server first (its listener was registered before this one).
            vscode.workspace.onDidChangeConfiguration((e) => {
                if (this.panel && e.affectsConfiguration('stagecraft')) this.refresh();
            }),
            reports.onDidChange((e) => {
                if (this.panel && e.dockerfile.toString() === this.document?.toString()) this.refresh(0);
                if (e.problem && e.dockerfile.toString() === this.document?.toString()) {
                    void vscode.window.showWarningMessage(`Stagecraft: no build results to show: ${e.problem}`);
                }
            }),
            vscode.commands.registerCommand(GRAPH_BUILD_COMMAND, (ctx: unknown) => this.fromContextMenu(ctx, 'build')),
            vscode.commands.registerCommand(GRAPH_SET_TARGET_COMMAND, (ctx: unknown) => this.fromContextMenu(ctx, 'setTarget')),
        );
    }

    /** Opens (or reveals) the view beside the editor, on `uri` or the active Dockerfile. */
    show(uri?: vscode.Uri): void {
        const editor = vscode.window.activeTextEditor;
        const target = uri ?? (editor && isDockerfileDocument(editor.document) ? editor.document.uri : this.document);
        if (target) this.document = target;
        if (this.panel) {
            this.panel.reveal(undefined, true);
        } else {
            this.ready = false;
            const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
            this.panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Stage Graph', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
                enableScripts: true,
                localResourceRoots: [dist],
            });
            this.panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'images', 'icon.png');
            this.panel.webview.html = this.html(this.panel.webview);
            this.panel.webview.onDidReceiveMessage((m: FromView) => this.onMessage(m), undefined, this.disposables);
            this.panel.onDidDispose(() => {
                this.panel = undefined;
                this.shown = undefined;
                this.ready = false;
            }, undefined, this.disposables);
            // Hidden and shown again, the webview starts over: it says `ready`, the graph is sent again.
        }
        this.refresh(0);
    }

    get visible(): boolean {
        return this.panel !== undefined;
    }

    /** The document the view shows. */
    get documentUri(): vscode.Uri | undefined {
        return this.document;
    }

    private html(webview: vscode.Webview): string {
        const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'graphView.js'));
        return graphViewHtml({ cspSource: webview.cspSource, nonce: nonce(), script: script.toString() });
    }

    /** Asks the server for the graph (after `delay` ms; calls in between coalesce) and sends it to the view. */
    refresh(delay = REFRESH_DELAY_MS): void {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.send(), delay);
    }

    private post(m: ToView): void {
        void this.panel?.webview.postMessage(m);
    }

    private async send(): Promise<void> {
        if (!this.panel || !this.ready) return;
        const uri = this.document;
        if (!uri) { this.post({ type: 'empty', message: 'Open a Dockerfile to see its stage graph.' }); return; }
        let result: StageGraphResult | null = null;
        try {
            const params: StageGraphParams = { textDocument: { uri: uri.toString() } };
            result = await this.client.sendRequest<StageGraphResult | null>(STAGE_GRAPH_METHOD, params);
        } catch (error) {
            this.lastError = error instanceof Error ? error.message : String(error);
        }
        if (!this.panel || uri.toString() !== this.document?.toString()) return;
        if (!result) {
            this.post({ type: 'empty', message: `${vscode.workspace.asRelativePath(uri)} is not open: open it to see its stage graph.` });
            return;
        }
        if (result.graph.stages.length === 0) {
            this.post({ type: 'empty', message: `${vscode.workspace.asRelativePath(uri)} has no stage yet (no FROM).` });
            return;
        }
        const { report } = await this.reports.latest(uri);
        const graph = withReport(result.graph, report);
        const sameDocument = this.shown?.uri === uri.toString();
        this.shown = { uri: uri.toString(), result, graph };
        this.post({
            type: 'graph', fileName: vscode.workspace.asRelativePath(uri), version: result.version, graph, sameDocument,
            building: this.reports.runningStages(uri),
        });
    }

    private stage(index: unknown): StageNode | undefined {
        return typeof index === 'number' ? this.shown?.graph.stages[index] : undefined;
    }

    private async onMessage(m: FromView): Promise<void> {
        const uri = this.shown ? vscode.Uri.parse(this.shown.uri) : undefined;
        switch (m.type) {
            case 'ready':
                this.ready = true;
                this.shown = undefined;
                this.refresh(0);
                return;
            case 'rendered':
                if (!this.shown) return;
                this.lastRender = { uri: this.shown.uri, version: m.version, ms: m.ms, stages: m.stages };
                this.renderEmitter.fire(this.lastRender);
                return;
            case 'error':
                this.lastError = m.message;
                void vscode.window.showErrorMessage(`Stagecraft: the stage graph could not be drawn: ${m.message}`);
                return;
        }
        const node = this.stage(m.index);
        if (!node || !uri) return;
        switch (m.type) {
            case 'reveal': await this.reveal(uri, node); break;
            case 'card': this.post({ type: 'card', index: node.index, html: await this.card(uri, node) }); break;
            case 'build': await this.buildStage(uri, node.index, node.name); break;
            case 'setTarget': await this.setTarget(uri, node); break;
        }
    }

    private fromContextMenu(ctx: unknown, action: 'build' | 'setTarget'): Promise<void> {
        const index = (ctx as { stageIndex?: unknown } | undefined)?.stageIndex;
        return this.onMessage({ type: action, index: typeof index === 'number' ? index : -1 });
    }

    /** Moves the cursor to the stage's FROM in an editor of the document (the one beside the view). */
    private async reveal(uri: vscode.Uri, node: StageNode): Promise<void> {
        const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
        const document = visible?.document ?? await vscode.workspace.openTextDocument(uri);
        const editor = await vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false });
        const position = new vscode.Position(node.line - 1, 0);
        editor.selection = new vscode.Selection(position, position);
        editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }

    /** The stage card: the server's hover on the stage's name, rendered by VS Code's Markdown renderer. */
    private async card(uri: vscode.Uri, node: StageNode): Promise<string> {
        let markdown = '';
        try {
            const hover = await this.client.sendRequest<{ contents: { value?: string } | string } | null>('textDocument/hover', {
                textDocument: { uri: uri.toString() }, position: node.selection.start,
            });
            const c = hover?.contents;
            markdown = typeof c === 'string' ? c : c?.value ?? '';
        } catch {
            markdown = '';
        }
        if (!markdown) return `<p><b>${escapeHtml(node.label)}</b> (#${node.index})</p>`;
        try {
            const html = await vscode.commands.executeCommand<string>('markdown.api.render', markdown);
            if (typeof html === 'string' && html) return html;
        } catch {
            // the built-in Markdown extension is disabled: plain text below
        }
        return `<pre>${escapeHtml(markdown)}</pre>`;
    }

    /** Makes the stage `stagecraft.target` of the file's workspace folder (the workspace, or the user settings, without one). */
    private async setTarget(uri: vscode.Uri, node: StageNode): Promise<void> {
        const folder = vscode.workspace.getWorkspaceFolder(uri);
        const where = folder ? vscode.ConfigurationTarget.WorkspaceFolder
            : vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
        await vscode.workspace.getConfiguration('stagecraft', uri).update('target', node.name ?? String(node.index), where);
        void vscode.window.setStatusBarMessage(`Stagecraft: build target ${node.label}${folder ? ` for ${folder.name}` : ''}`, 4000);
    }

    dispose(): void {
        clearTimeout(this.timer);
        this.panel?.dispose();
        for (const d of this.disposables) d.dispose();
        this.renderEmitter.dispose();
    }
}

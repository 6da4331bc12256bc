/**
 * The extension entry point: starts the Stagecraft language server for Dockerfiles and registers
 * the commands its code lenses and inlay hints carry. All Dockerfile knowledge lives in the server
 * and the shared analysis; this file only wires VS Code to them.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
    LanguageClient,
    TransportKind,
    type DocumentSelector,
    type LanguageClientOptions,
    type ServerOptions,
} from 'vscode-languageclient/node';
import { Commands, LANGUAGE_ID, SETTINGS_SECTION, type StagecraftInitializationOptions } from '../../server/src/common/protocol';
import { buildStageCommand, StagecraftTaskProvider, TASK_TYPE } from './buildCommand';
import { BuildReports } from './buildReports';
import { SHOW_GRAPH_COMMAND, StageGraphView } from './graphView';
import { chooseServerModule, hasOtherDockerExtension } from './clientConfig';
import { listStages } from './stages';

/** What `activate` returns, for the extension-host tests and for other extensions. */
export interface StagecraftApi {
    client: LanguageClient;
    /** Settles when the first start of the server has completed (rejects if it failed). */
    ready: Promise<void>;
    /** What the server was last told in `initializationOptions.otherDockerExtension`. */
    otherDockerExtension(): boolean;
    restartServer(): Promise<void>;
    /** The stage graph view (for the tests: what it last drew). */
    graphView: StageGraphView;
    /** The build reports of builds started from the editor. */
    reports: BuildReports;
}

/** The documents the server serves: the `dockerfile` language, and Dockerfile names in any language mode. */
export const DOCUMENT_SELECTOR: DocumentSelector = [
    { scheme: 'file', language: LANGUAGE_ID },
    { scheme: 'untitled', language: LANGUAGE_ID },
    ...['**/Dockerfile', '**/*.Dockerfile', '**/Dockerfile.*', '**/Containerfile'].map((pattern) => ({ scheme: 'file', pattern })),
];

export const RESTART_SERVER_COMMAND = 'stagecraft.restartServer';

function fileExists(file: string): boolean {
    try {
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

function detectOtherDockerExtension(): boolean {
    return hasOtherDockerExtension((id) => vscode.extensions.getExtension(id) !== undefined);
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): StagecraftApi {
    const serverModule = chooseServerModule(context.extensionPath, fileExists);
    const serverOptions: ServerOptions = {
        run: { module: serverModule, transport: TransportKind.ipc },
        debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };

    let otherDockerExtension = detectOtherDockerExtension();
    const clientOptions: LanguageClientOptions = {
        documentSelector: DOCUMENT_SELECTOR,
        synchronize: { configurationSection: SETTINGS_SECTION },
        // A function, so a restart after an extension change sends the new value.
        initializationOptions: (): StagecraftInitializationOptions => ({ otherDockerExtension }),
    };

    const languageClient = new LanguageClient('stagecraft', 'Stagecraft', serverOptions, clientOptions);
    client = languageClient;

    const ready = languageClient.start();
    ready.catch((error: unknown) => {
        void vscode.window.showErrorMessage(`Stagecraft: the language server did not start: ${error instanceof Error ? error.message : String(error)}`);
    });

    // Build reports go to the workspace's storage (the global one without a workspace).
    const reports = new BuildReports(context.storageUri ?? context.globalStorageUri);
    const buildStage = (uri?: unknown, stageIndex?: unknown, stageName?: unknown) =>
        buildStageCommand(context.extensionPath, reports, uri, stageIndex, stageName);
    const graphView = new StageGraphView(context.extensionUri, languageClient, reports, buildStage);

    const restartServer = async (): Promise<void> => {
        otherDockerExtension = detectOtherDockerExtension();
        if (languageClient.isRunning()) await languageClient.restart();
        else await languageClient.start();
    };

    context.subscriptions.push(
        languageClient,
        reports,
        graphView,
        vscode.commands.registerCommand(Commands.buildStage, buildStage),
        vscode.commands.registerCommand(SHOW_GRAPH_COMMAND, (uri?: unknown) => graphView.show(uri instanceof vscode.Uri ? uri : undefined)),
        vscode.commands.registerCommand(Commands.showStage, (uri?: unknown, stageIndex?: unknown) => showStage(uri, stageIndex)),
        vscode.commands.registerCommand(RESTART_SERVER_COMMAND, restartServer),
        vscode.tasks.registerTaskProvider(TASK_TYPE, new StagecraftTaskProvider(context.extensionPath)),
        // Installing or removing a Docker extension changes which features the server serves.
        vscode.extensions.onDidChange(() => {
            if (detectOtherDockerExtension() === otherDockerExtension) return;
            restartServer().catch((error: unknown) => {
                void vscode.window.showErrorMessage(`Stagecraft: restarting the language server failed: ${String(error)}`);
            });
        }),
    );

    return {
        client: languageClient,
        ready,
        otherDockerExtension: () => otherDockerExtension,
        restartServer,
        graphView,
        reports,
    };
}

export async function deactivate(): Promise<void> {
    const running = client;
    client = undefined;
    if (running?.isRunning()) await running.stop();
}

/**
 * `stagecraft.showStage(uri, stageIndex)`: moves the cursor to the stage's FROM and shows its
 * hover (the stage card). Without arguments: pick a stage of the active Dockerfile.
 */
async function showStage(uriArg?: unknown, stageIndexArg?: unknown): Promise<void> {
    let document: vscode.TextDocument | undefined;
    if (typeof uriArg === 'string' || uriArg instanceof vscode.Uri) {
        const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg;
        document = await vscode.workspace.openTextDocument(uri);
    } else {
        document = vscode.window.activeTextEditor?.document;
    }
    if (!document) return;
    const stages = listStages(document.getText());
    let stage = typeof stageIndexArg === 'number' ? stages.find((s) => s.index === stageIndexArg) : undefined;
    if (!stage) {
        const picked = await vscode.window.showQuickPick(
            stages.map((s) => ({ label: s.name ?? `stage ${s.index}`, description: `#${s.index} · line ${s.line} · FROM ${s.from}`, stage: s })),
            { title: 'Stagecraft: Show Stage' },
        );
        stage = picked?.stage;
    }
    if (!stage) return;
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    const position = new vscode.Position(stage.line - 1, 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    await vscode.commands.executeCommand('editor.action.showHover');
}

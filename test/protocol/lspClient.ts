/**
 * A real LSP client for protocol tests: starts the REAL server (`node out/server/src/lsp/server.js
 * --stdio`) as a child process and talks JSON-RPC to it with `vscode-languageserver-protocol/node`.
 *
 * General on purpose (code action tests reuse it): typed `request()`, document sync helpers,
 * answers to the server's `workspace/configuration` from `settings` (per URI if wanted),
 * a log of every `publishDiagnostics`, and waiting for a condition by awaiting notifications
 * (a timeout only guards against a hang; there are no fixed sleeps).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
    ApplyWorkspaceEditRequest,
    ConfigurationRequest,
    DidChangeConfigurationNotification,
    DidChangeTextDocumentNotification,
    DidCloseTextDocumentNotification,
    DidOpenTextDocumentNotification,
    ExitNotification,
    IPCMessageReader,
    IPCMessageWriter,
    InitializeRequest,
    InitializedNotification,
    LogMessageNotification,
    ShowMessageNotification,
    PublishDiagnosticsNotification,
    RegistrationRequest,
    ShutdownRequest,
    StreamMessageReader,
    StreamMessageWriter,
    UnregistrationRequest,
    WorkDoneProgressCreateRequest,
    createProtocolConnection,
    type ApplyWorkspaceEditParams,
    type ClientCapabilities,
    type InitializeResult,
    type ProtocolConnection,
    type PublishDiagnosticsParams,
    type Registration,
    type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

/** The compiled server, from `out/test/protocol/` to `out/server/src/lsp/server.js`. */
export const SERVER_PATH = path.resolve(__dirname, '..', '..', 'server', 'src', 'lsp', 'server.js');

/** The network guard every server of these tests runs under (`test/support/netGuard.ts`). */
export const NET_GUARD = path.resolve(__dirname, '..', 'support', 'netGuard.js');

/** `file:///.../test/fixtures/<name>` style URIs without touching the disk. */
export function fileUri(p: string): string {
    return pathToFileURL(p).toString();
}

export interface StartOptions {
    /** `initializationOptions` (e.g. `{ otherDockerExtension: true }`). */
    initializationOptions?: unknown;
    /** The `stagecraft` settings section answered to `workspace/configuration` (any URI). */
    settings?: Record<string, unknown>;
    /** Workspace folder paths (absolute). */
    workspaceFolders?: string[];
    /** Replaces the default client capabilities. */
    capabilities?: ClientCapabilities;
    /** Transport: `stdio` (default, `--stdio`) or `ipc` (`--node-ipc`, as the VS Code client starts it). */
    transport?: 'stdio' | 'ipc';
    /** Another server script to start instead of ours (the benchmark's transport floor). */
    serverPath?: string;
    /** Modules the server process loads first (`node --require`), after the network guard. */
    preload?: string[];
}

export const DEFAULT_CAPABILITIES: ClientCapabilities = {
    workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: false },
        applyEdit: true,
        workspaceEdit: { documentChanges: true },
    },
    textDocument: {
        synchronization: { dynamicRegistration: false, didSave: false },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown', 'plaintext'] } },
        publishDiagnostics: { versionSupport: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
        rename: { prepareSupport: true },
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite', 'refactor.extract'] } },
            dataSupport: true,
            isPreferredSupport: true,
        },
        foldingRange: { lineFoldingOnly: true },
        codeLens: {},
        inlayHint: {},
    },
};

type Waiter = { test: () => boolean; resolve: () => void };

export class LspClient {
    readonly connection: ProtocolConnection;
    /** The `stagecraft` section answered to `workspace/configuration`, unless `settingsByUri` has the URI. */
    settings: Record<string, unknown>;
    readonly settingsByUri = new Map<string, Record<string, unknown>>();
    /** Every `textDocument/publishDiagnostics`, in arrival order. */
    readonly diagnosticsLog: PublishDiagnosticsParams[] = [];
    /** Every `workspace/applyEdit` the server asked for (each is answered `applied: true`). */
    readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
    /** Every capability the server registered (`client/registerCapability`), in order. */
    readonly registrations: Registration[] = [];
    /** `window/logMessage` texts (errors the server logged land here). */
    readonly logMessages: { type: number; message: string }[] = [];
    /** `window/showMessage` notifications (what the editor pops up). */
    readonly shownMessages: { type: number; message: string }[] = [];
    /** Number of `workspace/configuration` requests answered. */
    configurationRequests = 0;
    initializeResult: InitializeResult | null = null;
    stderr = '';
    exitCode: number | null = null;
    private exited = false;
    private readonly waiters: Waiter[] = [];
    private readonly versions = new Map<string, number>();

    /**
     * @param netGuardLog where the server's network guard writes each connection it stopped:
     * `stop()` fails the test when there is any (editor features make no network calls).
     */
    private constructor(readonly child: ChildProcess, settings: Record<string, unknown>, transport: 'stdio' | 'ipc', readonly netGuardLog: string) {
        this.settings = settings;
        this.connection = transport === 'ipc'
            ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
            : createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
        child.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
        child.on('exit', (code) => {
            this.exited = true;
            this.exitCode = code;
            this.notify();
        });
        const c = this.connection;
        c.onNotification(PublishDiagnosticsNotification.type, (p) => {
            this.diagnosticsLog.push(p);
            this.notify();
        });
        c.onNotification(LogMessageNotification.type, (p) => {
            this.logMessages.push(p);
            this.notify();
        });
        c.onNotification(ShowMessageNotification.type, (p) => {
            this.shownMessages.push(p);
            this.notify();
        });
        c.onRequest(ConfigurationRequest.type, (p) => {
            this.configurationRequests++;
            return p.items.map((item) => {
                if (item.section !== 'stagecraft') return null;
                return (item.scopeUri && this.settingsByUri.get(item.scopeUri)) ?? this.settings;
            });
        });
        c.onRequest(RegistrationRequest.type, (p) => {
            this.registrations.push(...p.registrations);
            this.notify();
        });
        c.onRequest(UnregistrationRequest.type, () => undefined);
        c.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
        c.onRequest(ApplyWorkspaceEditRequest.type, (p) => {
            this.appliedEdits.push(p);
            return { applied: true };
        });
        c.onError(() => undefined);
        c.onClose(() => this.notify());
        c.listen();
    }

    /** Starts the server and completes `initialize` / `initialized`. */
    static async start(opts: StartOptions = {}): Promise<LspClient> {
        const transport = opts.transport ?? 'stdio';
        const server = opts.serverPath ?? SERVER_PATH;
        const netGuardLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-net-guard-')), 'attempts.log');
        const execArgv = ['--require', NET_GUARD, ...(opts.preload ?? []).flatMap((p) => ['--require', p])];
        const env = { ...process.env, STAGECRAFT_NET_GUARD_LOG: netGuardLog };
        const child = transport === 'ipc'
            ? fork(server, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv, env })
            : spawn(process.execPath, [...execArgv, server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
        const client = new LspClient(child, opts.settings ?? {}, transport, netGuardLog);
        const folders = (opts.workspaceFolders ?? []).map((f) => ({ uri: fileUri(f), name: path.basename(f) }));
        client.initializeResult = await client.connection.sendRequest(InitializeRequest.type, {
            processId: process.pid,
            rootUri: folders[0]?.uri ?? null,
            workspaceFolders: folders.length ? folders : null,
            capabilities: opts.capabilities ?? DEFAULT_CAPABILITIES,
            initializationOptions: opts.initializationOptions ?? { otherDockerExtension: false },
        });
        await client.connection.sendNotification(InitializedNotification.type, {});
        return client;
    }

    get alive(): boolean {
        return !this.exited;
    }

    /** A typed or untyped request: `client.request('textDocument/hover', params)`. */
    request<R>(method: string, params: unknown): Promise<R> {
        return this.connection.sendRequest(method, params) as Promise<R>;
    }

    /**
     * The code lenses of a document, resolved: `textDocument/codeLens` (lenses without commands),
     * then `codeLens/resolve` of every lens, sent together (VS Code does so for those on screen).
     */
    async resolvedCodeLenses<L = unknown>(uri: string): Promise<L[]> {
        const lenses = await this.request<unknown[] | null>('textDocument/codeLens', { textDocument: { uri } });
        return Promise.all((lenses ?? []).map((lens) => this.request<L>('codeLens/resolve', lens)));
    }

    /**
     * `textDocument/inlayHint` for a range of lines (default: the whole document; VS Code asks for
     * the visible lines, from character 0 of the first to the end of the last).
     */
    inlayHints<H = unknown>(uri: string, fromLine = 0, toLine = 1_000_000): Promise<H[]> {
        const range = { start: { line: fromLine, character: 0 }, end: { line: toLine, character: 100_000 } };
        return this.request<H[]>('textDocument/inlayHint', { textDocument: { uri }, range });
    }

    version(uri: string): number {
        return this.versions.get(uri) ?? 0;
    }

    async open(uri: string, text: string, languageId = 'dockerfile', version = 1): Promise<void> {
        this.versions.set(uri, version);
        await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
            textDocument: { uri, languageId, version, text },
        });
    }

    /** Sends one didChange (a full text, or incremental events); returns the new version. */
    async change(uri: string, changes: string | TextDocumentContentChangeEvent[]): Promise<number> {
        const version = this.version(uri) + 1;
        this.versions.set(uri, version);
        const contentChanges = typeof changes === 'string' ? [{ text: changes }] : changes;
        await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version },
            contentChanges,
        });
        return version;
    }

    async close(uri: string): Promise<void> {
        this.versions.delete(uri);
        await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    }

    /** Replaces the settings and tells the server (`workspace/didChangeConfiguration`). */
    async setSettings(settings: Record<string, unknown>): Promise<void> {
        this.settings = settings;
        await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { stagecraft: settings } });
    }

    /** Resolves when `test()` holds, checked now and after every message from the server. */
    waitFor(test: () => boolean, what = 'condition', timeoutMs = 10_000): Promise<void> {
        if (test()) return Promise.resolve();
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                const i = this.waiters.indexOf(waiter);
                if (i >= 0) this.waiters.splice(i, 1);
                reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; server stderr: ${this.stderr.slice(-2000)}`));
            }, timeoutMs);
            const waiter: Waiter = {
                test: () => test() || this.exited,
                resolve: () => {
                    clearTimeout(timer);
                    if (this.exited && !test()) reject(new Error(`server exited (code ${this.exitCode}) while waiting for ${what}: ${this.stderr.slice(-2000)}`));
                    else resolve();
                },
            };
            this.waiters.push(waiter);
        });
    }

    /** The latest diagnostics for `uri`, once one for at least `minVersion` (default: current) arrived. */
    async diagnostics(uri: string, minVersion = this.version(uri)): Promise<PublishDiagnosticsParams> {
        const find = () => {
            for (let i = this.diagnosticsLog.length - 1; i >= 0; i--) {
                const p = this.diagnosticsLog[i]!;
                if (p.uri === uri && (p.version ?? 0) >= minVersion) return p;
            }
            return undefined;
        };
        await this.waitFor(() => find() !== undefined, `diagnostics of ${uri} version ${minVersion}`);
        return find()!;
    }

    /** Waits for a diagnostics notification for `uri` that arrives after this call and passes `test`. */
    async nextDiagnostics(uri: string, test: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
        const from = this.diagnosticsLog.length;
        let found: PublishDiagnosticsParams | undefined;
        await this.waitFor(() => {
            for (let i = from; i < this.diagnosticsLog.length; i++) {
                const p = this.diagnosticsLog[i]!;
                if (p.uri === uri && test(p)) { found = p; return true; }
            }
            return false;
        }, `new diagnostics of ${uri}`);
        return found!;
    }

    /** Shutdown + exit; kills the process if it does not exit by itself. */
    /** Every connection off this machine the server tried (and the guard stopped), one per line. */
    networkAttempts(): string[] {
        try {
            return fs.readFileSync(this.netGuardLog, 'utf8').split('\n').filter(Boolean);
        } catch {
            return [];
        }
    }

    /** Shuts the server down; fails when it tried to reach the network on the way. */
    async stop(): Promise<void> {
        await this.shutdown();
        const attempts = this.networkAttempts();
        fs.rmSync(path.dirname(this.netGuardLog), { recursive: true, force: true });
        if (attempts.length > 0) throw new Error(`the server tried to reach the network (editor features must not):\n${attempts.join('\n')}`);
    }

    private async shutdown(): Promise<void> {
        if (this.exited) return;
        try {
            await Promise.race([
                this.connection.sendRequest(ShutdownRequest.type),
                new Promise((r) => setTimeout(r, 2000)),
            ]);
            await this.connection.sendNotification(ExitNotification.type);
        } catch {
            // already gone
        }
        await this.waitFor(() => this.exited, 'server exit', 3000).catch(() => {
            this.child.kill('SIGKILL');
        });
        this.connection.dispose();
    }

    private notify(): void {
        for (const w of [...this.waiters]) {
            if (w.test()) {
                this.waiters.splice(this.waiters.indexOf(w), 1);
                w.resolve();
            }
        }
    }
}

/**
 * The Stagecraft language server: wires the pure features (`../features/*`) to an LSP connection.
 * Works over stdio (`--stdio`) and IPC (`--node-ipc`), whatever `createConnection` detects.
 *
 * Every request handler goes through `serve()`: it looks up the document, its settings (cached
 * per document) and its analysis (one per document version), honours cancellation, and turns any
 * exception into an empty answer plus one log line per (feature, document version), so a
 * malformed document never crashes the server or floods the log.
 *
 * Compose, Bake and CI files (`workspace.ts`) are read, watched and served apart: a request in
 * one goes to the workspace's handler, never to the Dockerfile features.
 */
import {
    CodeActionKind,
    CodeLensRefreshRequest,
    DidChangeConfigurationNotification,
    LSPErrorCodes,
    MessageType,
    ProposedFeatures,
    ResponseError,
    ShowMessageNotification,
    TextDocumentSyncKind,
    TextDocuments,
    createConnection,
    type CancellationToken,
    type CodeAction,
    type CodeLens,
    type Command,
    type CompletionItem,
    type DocumentLink,
    type ClientCapabilities,
    type ExecuteCommandParams,
    type Diagnostic,
    type InitializeResult,
    type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../analysis';
import { parseInitializationOptions, SETTINGS_SECTION, type StagecraftInitializationOptions } from '../common/protocol';
import { defaultSettings, normalizeSettings, type StagecraftSettings } from '../common/settings';
import { provideCodeActions } from '../features/codeActions';
import { emptyLens, lensDocumentKey, provideCodeLenses, resolveCodeLens } from '../features/codeLens';
import { provideCompletion, STAGECRAFT_COMPLETION_DATA } from '../features/completion';
import { provideDefinition } from '../features/definition';
import { provideDiagnostics } from '../features/diagnostics';
import { provideFoldingRanges } from '../features/folding';
import {
    clampDiagnostics,
    createGeneralService,
    generalCompletion,
    generalEnabled,
    generalCommandIds,
    mergeCompletions,
    mergeDiagnostics,
    mergeFolding,
    mergeHover,
    type GeneralService,
} from '../features/general';
import { provideDocumentHighlights } from '../features/highlight';
import { provideHover, type FeatureEnv } from '../features/hover';
import { provideInlayHints } from '../features/inlayHints';
import { provideReferences } from '../features/references';
import { prepareRename, provideRename } from '../features/rename';
import { provideDocumentSymbols } from '../features/symbols';
import { provideStageGraph } from '../features/stageGraph';
import { STAGE_GRAPH_METHOD, type StageGraphParams, type StageGraphResult } from '../common/graphProtocol';
import { AnalysisCache, DocumentKeys, SettingsCache } from './documents';
import { Workspace } from './workspace';

/** At most this many diagnostics are published for one document version. */
export const MAX_DIAGNOSTICS = 200;
/** Diagnostics are computed this long after the last change (typing does not republish per key). */
const DIAGNOSTICS_DELAY_MS = 60;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let init: StagecraftInitializationOptions = { otherDockerExtension: false };
let hasConfigurationCapability = false;
let hasDynamicConfigurationRegistration = false;
let hasWorkspaceFolderCapability = false;
/** Whether the client re-asks for its code lenses / inlay hints when told to (`workspace/codeLens/refresh`, `workspace/inlayHint/refresh`). */
let hasCodeLensRefresh = false;
let hasInlayHintRefresh = false;
let clientCapabilities: ClientCapabilities = {};
/** Settings pushed with `didChangeConfiguration` when the client cannot be asked. */
let globalSettings: StagecraftSettings = defaultSettings();
const env: { workspaceFolders: string[] } = { workspaceFolders: [] };
let general: GeneralService | null = null;
/** The general service's quick-fix command ids, when it is offered. */
let generalCommands: string[] = [];

// ---- errors: each distinct failure logged once ---------------------------------------------

const logged = new Set<string>();
/**
 * Logs a caught failure once per (feature, document, error message): a document that keeps
 * failing the same way while it is typed (a new version per key) does not flood the log.
 * Failures inside dockerfile-language-service (a third-party library; e.g. dockerfile-ast 0.7.1
 * overflows its stack on some half-typed files) are warnings; ours are errors.
 */
function logError(feature: string, uri: string, version: number | string, error: unknown, thirdParty = false): void {
    const message = error instanceof Error ? error.message : String(error);
    const key = `${feature}|${uri}|${message.split('\n')[0]}`;
    if (logged.has(key)) return;
    if (logged.size > 1000) logged.clear();
    logged.add(key);
    const detail = error instanceof Error ? error.stack ?? error.message : String(error);
    const line = `[stagecraft] ${feature} failed on ${uri} (version ${version}): ${thirdParty ? detail.split('\n').slice(0, 4).join('\n') : detail}`;
    if (thirdParty) {
        connection.console.warn(line);
        return;
    }
    connection.console.error(line);
    showBugOnce(message.split('\n')[0]);
}

const shownBugs = new Set<string>();
/** A bug of ours is shown to the user once per distinct message (the log has every detail). */
function showBugOnce(message: string): void {
    if (shownBugs.has(message) || shownBugs.size > 100) return;
    shownBugs.add(message);
    const text = /a bug in Stagecraft/.test(message) ? message : `internal error (a bug in Stagecraft, please report it): ${message}`;
    // A notification, not `showErrorMessage` (a request, whose rejection by a client without it would be unhandled).
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `Stagecraft: ${text}. The Stagecraft output has the details.` });
}

const analyses = new AnalysisCache((uri, error) => logError('analysis', uri, documents.get(uri)?.version ?? '?', error));
const settingsCache = new SettingsCache(async (uri) => {
    if (!hasConfigurationCapability) return globalSettings;
    const raw: unknown = await connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION });
    return normalizeSettings(raw);
});

/** Small keys for open documents: a code lens's `data` names its document by one. */
const documentKeys = new DocumentKeys();

async function settingsFor(uri: string): Promise<StagecraftSettings> {
    try {
        return await settingsCache.get(uri);
    } catch (error) {
        logError('settings', uri, '-', error);
        return defaultSettings();
    }
}

/** The compose, Bake and CI files of the workspace folders (`workspace.ts`): stages across files. */
const workspace = new Workspace({
    connection,
    documents,
    analyses,
    settingsFor,
    logError: (feature, uri, error) => logError(feature, uri, '-', error),
    onBuildsChanged: () => {
        // The summaries, cards and unused-stage reports of the open Dockerfiles follow the builds.
        for (const doc of documents.all()) {
            if (workspace.isBuildFile(doc.uri)) continue;
            publishedVersion.delete(doc.uri);
            scheduleDiagnostics(doc.uri);
        }
        if (hasInlayHintRefresh) connection.languages.inlayHint.refresh().then(undefined, () => undefined);
    },
});

interface Ctx {
    document: TextDocument;
    analysis: Analysis;
    settings: StagecraftSettings;
    /** Whether the general Dockerfile features are served for this document. */
    general: GeneralService | null;
    env: FeatureEnv;
}

class Cancelled extends Error {}

/**
 * THE error-and-cancellation helper: runs `fn`, answers `RequestCancelled` when the client
 * cancelled, passes a deliberate `ResponseError` through, and turns anything else into one log
 * line per (feature, document version) and the `fallback` answer.
 */
function guard<P, R>(
    feature: string,
    fallback: (params: P) => R,
    where: (params: P) => { uri: string; version: () => number | string },
    fn: (params: P, token: CancellationToken) => R | Promise<R>,
): (params: P, token: CancellationToken) => Promise<R | ResponseError<void>> {
    return async (params, token) => {
        try {
            if (token.isCancellationRequested) throw new Cancelled();
            const result = await fn(params, token);
            if (token.isCancellationRequested) throw new Cancelled();
            return result;
        } catch (error) {
            if (error instanceof Cancelled) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
            if (error instanceof ResponseError) return error as ResponseError<void>;
            let uri = '-';
            let version: number | string = '-';
            try {
                const w = where(params);
                uri = w.uri;
                version = w.version();
            } catch {
                // malformed params: log without a location
            }
            logError(feature, uri, version, error);
            return fallback(params);
        }
    };
}

/**
 * `guard` for document requests: document + settings + analysis (one per version) in. A request
 * in a compose, Bake or CI file goes to `inBuildFile` (the fallback when there is none).
 */
function serve<P extends { textDocument: { uri: string } }, R>(
    feature: string,
    fallback: R,
    fn: (ctx: Ctx, params: P) => R | Promise<R>,
    inBuildFile?: (params: P, settings: StagecraftSettings) => R | Promise<R>,
): (params: P, token: CancellationToken) => Promise<R | ResponseError<void>> {
    return guard(feature, () => fallback,
        (p: P) => ({ uri: p.textDocument.uri, version: () => documents.get(p.textDocument.uri)?.version ?? '-' }),
        async (params, token) => {
            if (workspace.isBuildFile(params.textDocument.uri)) return inBuildFile ? inBuildFile(params, await settingsFor(params.textDocument.uri)) : fallback;
            const ctx = await contextOf(params.textDocument.uri, token);
            return ctx ? fn(ctx, params) : fallback;
        });
}

/** The context of an open document (null when it is not open): its latest version, settings, analysis. */
async function contextOf(uri: string, token: CancellationToken): Promise<Ctx | null> {
    if (!documents.get(uri) || workspace.isBuildFile(uri)) return null;
    const settings = await settingsFor(uri);
    if (token.isCancellationRequested) throw new Cancelled();
    // The document may have changed while the settings were fetched: use the latest.
    let document = documents.get(uri);
    if (!document) return null;
    if (!analyses.has(document, settings)) {
        // Analysing takes the only thread: first let the messages already here be handled (a newer
        // version while the user types, a cancellation), and analyse only the version still current.
        const version = document.version;
        await new Promise((resolve) => setImmediate(resolve));
        if (token.isCancellationRequested) throw new Cancelled();
        document = documents.get(uri);
        if (!document) return null;
        if (document.version !== version) throw new ResponseError(LSPErrorCodes.ContentModified, 'the document changed');
    }
    const analysis = analyses.get(document, settings);
    const docEnv: FeatureEnv = { ...env, workspace: workspace.usageFor(uri, analysis) };
    return { document, analysis, settings, general: generalFor(settings, analysis), env: docEnv };
}

/** The general service for a document, unless it is off or the file is too large to serve in time. */
function generalFor(settings: StagecraftSettings, analysis: Analysis): GeneralService | null {
    if (!general || !generalEnabled(init, settings)) return null;
    return analysis.problems.some((p) => p.code === 'too-large') ? null : general;
}

const nowhere = () => ({ uri: '-', version: () => '-' });

/** Runs a general-service call; its exceptions are logged and give `fallback`. */
function tryGeneral<T>(feature: string, ctx: Ctx, fallback: T, fn: (service: GeneralService) => T): T {
    if (!ctx.general) return fallback;
    try {
        return fn(ctx.general) ?? fallback;
    } catch (error) {
        logError(`general ${feature}`, ctx.document.uri, ctx.document.version, error, true);
        return fallback;
    }
}

// ---- lifecycle ---------------------------------------------------------------------------

connection.onInitialize((params): InitializeResult => {
    init = parseInitializationOptions(params.initializationOptions);
    const caps = params.capabilities;
    clientCapabilities = caps;
    hasConfigurationCapability = !!caps.workspace?.configuration;
    hasDynamicConfigurationRegistration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    env.workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (env.workspaceFolders.length === 0 && params.rootUri) env.workspaceFolders = [params.rootUri];

    const offerGeneral = !init.otherDockerExtension;
    if (offerGeneral) {
        const td = caps.textDocument;
        general = createGeneralService({
            ...(td?.completion ? { completion: td.completion } : {}),
            ...(td?.hover?.contentFormat ? { hover: { contentFormat: td.hover.contentFormat } } : {}),
            ...(td?.foldingRange ? { foldingRange: { lineFoldingOnly: !!td.foldingRange.lineFoldingOnly, ...(td.foldingRange.rangeLimit !== undefined ? { rangeLimit: td.foldingRange.rangeLimit } : {}) } } : {}),
        });
    }

    hasWorkspaceFolderCapability = !!caps.workspace?.workspaceFolders;
    hasCodeLensRefresh = !!caps.workspace?.codeLens?.refreshSupport;
    hasInlayHintRefresh = !!caps.workspace?.inlayHint?.refreshSupport;
    const capabilities: ServerCapabilities = {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeLensProvider: { resolveProvider: true },
        inlayHintProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentHighlightProvider: true,
        documentSymbolProvider: { label: 'Stagecraft' },
        foldingRangeProvider: true,
        completionProvider: { triggerCharacters: offerGeneral ? ['=', ' ', '$', '-'] : ['=', ' '], resolveProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, CodeActionKind.RefactorExtract], resolveProvider: false },
    };
    if (offerGeneral) {
        capabilities.documentFormattingProvider = true;
        capabilities.documentRangeFormattingProvider = true;
        capabilities.documentOnTypeFormattingProvider = { firstTriggerCharacter: '\\', moreTriggerCharacter: ['`'] };
        capabilities.signatureHelpProvider = { triggerCharacters: ['-', '[', ',', ' ', '='] };
        capabilities.documentLinkProvider = { resolveProvider: true };
        generalCommands = generalCommandIds();
        capabilities.executeCommandProvider = { commands: [...generalCommands] };
    }
    if (hasWorkspaceFolderCapability) {
        capabilities.workspace = { workspaceFolders: { supported: true, changeNotifications: true } };
    }
    return { capabilities, serverInfo: { name: 'stagecraft' } };
});

connection.onInitialized(() => {
    if (hasConfigurationCapability && hasDynamicConfigurationRegistration) {
        void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).then(undefined, () => undefined);
    }
    if (hasWorkspaceFolderCapability) {
        // Paths in the hover's build command are relative to the folder holding the file.
        connection.workspace.onDidChangeWorkspaceFolders((e) => {
            const removed = new Set(e.removed.map((f) => f.uri));
            env.workspaceFolders = [...env.workspaceFolders.filter((u) => !removed.has(u)), ...e.added.map((f) => f.uri)];
            workspace.foldersChanged(e.added.map((f) => f.uri), e.removed.map((f) => f.uri));
        });
    }
    workspace.start(env.workspaceFolders, clientCapabilities);
});

connection.onDidChangeWatchedFiles((params) => workspace.onWatchedFiles(params));

connection.onDidChangeConfiguration((change) => {
    if (!hasConfigurationCapability) {
        const raw = (change.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
        globalSettings = normalizeSettings(raw);
    }
    settingsCache.clear();
    for (const doc of documents.all()) if (!workspace.isBuildFile(doc.uri)) scheduleDiagnostics(doc.uri, 0);
    workspace.republishAll();
    // The lenses (feature switch) and the summaries (target, build args) may change with the
    // settings; VS Code asks for them again only after an edit unless told to.
    if (hasCodeLensRefresh) connection.sendRequest(CodeLensRefreshRequest.type).then(undefined, () => undefined);
    if (hasInlayHintRefresh) connection.languages.inlayHint.refresh().then(undefined, () => undefined);
});

// ---- diagnostics -------------------------------------------------------------------------

const timers = new Map<string, NodeJS.Timeout>();
/** Last version published per document: at most one publication per version. */
const publishedVersion = new Map<string, { version: number; settings: StagecraftSettings }>();

function scheduleDiagnostics(uri: string, delay = DIAGNOSTICS_DELAY_MS): void {
    const old = timers.get(uri);
    if (old) clearTimeout(old);
    timers.set(uri, setTimeout(() => {
        timers.delete(uri);
        void publishDiagnostics(uri);
    }, delay));
}

async function publishDiagnostics(uri: string): Promise<void> {
    let version: number | string = '-';
    try {
        const settings = await settingsFor(uri);
        const document = documents.get(uri);
        if (!document) return;
        version = document.version;
        const last = publishedVersion.get(uri);
        if (last && last.version === document.version && last.settings === settings) return;
        const analysis = analyses.get(document, settings);
        const ours = settings.features.diagnostics ? provideDiagnostics(document, analysis, settings, workspace.usageFor(uri, analysis)?.usage) : [];
        let generalDiags: Diagnostic[] = [];
        const service = generalFor(settings, analysis);
        if (service) {
            try {
                generalDiags = service.validate(document.getText());
            } catch (error) {
                logError('general diagnostics', uri, version, error, true);
            }
        }
        const diagnostics = clampDiagnostics(document, mergeDiagnostics(ours, generalDiags)).slice(0, MAX_DIAGNOSTICS);
        publishedVersion.set(uri, { version: document.version, settings });
        await connection.sendDiagnostics({ uri, version: document.version, diagnostics });
    } catch (error) {
        logError('diagnostics', uri, version, error);
    }
}

documents.onDidOpen((e) => {
    if (workspace.isBuildFile(e.document.uri)) workspace.documentChanged(e.document);
    else scheduleDiagnostics(e.document.uri, 0);
});
documents.onDidChangeContent((e) => {
    if (workspace.isBuildFile(e.document.uri)) return workspace.documentChanged(e.document);
    scheduleDiagnostics(e.document.uri);
    workspace.dockerfileChanged(e.document.uri);
});
documents.onDidClose((e) => {
    const uri = e.document.uri;
    if (workspace.isBuildFile(uri)) return workspace.documentClosed(uri);
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    timers.delete(uri);
    publishedVersion.delete(uri);
    settingsCache.delete(uri);
    analyses.delete(uri);
    documentKeys.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
});

// ---- requests ----------------------------------------------------------------------------

connection.onHover(serve('hover', null, (ctx, params) => {
    const ours = ctx.settings.features.hover ? provideHover(ctx.document, ctx.analysis, params, ctx.settings, ctx.env) : null;
    const gen = tryGeneral('hover', ctx, null, (s) => s.computeHover(ctx.document.getText(), params.position));
    return mergeHover(ours, gen);
}, (params, settings) => workspace.hover(params, settings, env.workspaceFolders)));

// Lenses come without commands (a range and the document's key each; 1,000 at 1,000 stages) and
// are resolved one by one, by VS Code only for those on screen: the key names the document, the
// lens's line the stage (the one whose FROM starts there in the current analysis).
// The list is built once per analysis (VS Code asks again whenever it repaints the lenses).
const lensLists = new WeakMap<Analysis, { key: number; lenses: CodeLens[] }>();
connection.onCodeLens(serve('codeLens', [], (ctx, params) => {
    if (!ctx.settings.features.codeLens) return [];
    const key = documentKeys.key(ctx.document.uri);
    const known = lensLists.get(ctx.analysis);
    if (known !== undefined && known.key === key) return known.lenses;
    const lenses = provideCodeLenses(ctx.document, ctx.analysis, params, ctx.settings, key);
    lensLists.set(ctx.analysis, { key, lenses });
    return lenses;
}));

/** The document a lens's `data` points at, for the resolve handler and its log line. */
const lensUri = (lens: CodeLens): string | undefined => {
    const key = lensDocumentKey(lens);
    return key === null ? undefined : documentKeys.uri(key);
};

// A lens of a closed document, of a stage that no longer exists, or with the feature turned off
// resolves to an empty title (VS Code logs an error for a resolved lens without a command).
connection.onCodeLensResolve(guard('codeLensResolve', (lens: CodeLens) => emptyLens(lens),
    (lens: CodeLens) => {
        const uri = lensUri(lens) ?? '-';
        return { uri, version: () => documents.get(uri)?.version ?? '-' };
    },
    async (lens: CodeLens, token) => {
        const uri = lensUri(lens);
        const ctx = uri === undefined ? null : await contextOf(uri, token);
        if (!ctx || !ctx.settings.features.codeLens) return emptyLens(lens);
        return resolveCodeLens(ctx.document, ctx.analysis, lens);
    }));

// The stage summaries, for the range VS Code shows (it asks again after every edit and scroll).
connection.languages.inlayHint.on(serve('inlayHint', [], (ctx, params) =>
    ctx.settings.features.inlayHints ? provideInlayHints(ctx.document, ctx.analysis, params, ctx.env.workspace) : []));

connection.onDefinition(serve('definition', null, (ctx, params) => {
    const ours = ctx.settings.features.navigation ? provideDefinition(ctx.document, ctx.analysis, params) : null;
    return ours ?? tryGeneral('definition', ctx, null, (s) => s.computeDefinition(params.textDocument, ctx.document.getText(), params.position));
}, (params, settings) => (settings.features.navigation ? workspace.definition(params) : null)));

connection.onReferences(serve('references', null, async (ctx, params) =>
    ctx.settings.features.navigation ? provideReferences(ctx.document, ctx.analysis, params, await workspace.buildsOf(ctx.document.uri)) : null,
(params, settings) => (settings.features.navigation ? workspace.references(params) : null)));

connection.onDocumentHighlight(serve('documentHighlight', null, (ctx, params) => {
    const ours = ctx.settings.features.navigation ? provideDocumentHighlights(ctx.document, ctx.analysis, params) : null;
    return ours ?? tryGeneral('documentHighlight', ctx, null, (s) => s.computeHighlightRanges(ctx.document.getText(), params.position));
}));

connection.onPrepareRename(serve('prepareRename', null, (ctx, params) => {
    const ours = ctx.settings.features.navigation ? prepareRename(ctx.document, ctx.analysis, params) : null;
    if (ours && 'error' in ours) throw new ResponseError(LSPErrorCodes.RequestFailed, ours.error);
    return ours ?? tryGeneral('prepareRename', ctx, null, (s) => s.prepareRename(ctx.document.getText(), params.position));
}, async (params, settings) => (settings.features.navigation ? workspace.prepareRename(params) : null)));

connection.onRenameRequest(serve('rename', null, async (ctx, params) => {
    const ours = ctx.settings.features.navigation ? provideRename(ctx.document, ctx.analysis, params, await workspace.buildsOf(ctx.document.uri)) : null;
    if (ours && 'error' in ours) throw new ResponseError(LSPErrorCodes.RequestFailed, ours.error);
    if (ours) return ours.edit;
    const edits = tryGeneral('rename', ctx, [], (s) => s.computeRename(params.textDocument, ctx.document.getText(), params.position, params.newName));
    return edits.length ? { changes: { [ctx.document.uri]: edits } } : null;
}, async (params, settings) => {
    const ours = settings.features.navigation ? await workspace.rename(params) : null;
    if (ours && 'error' in ours) throw new ResponseError(LSPErrorCodes.RequestFailed, ours.error);
    return ours?.edit ?? null;
}));

connection.onDocumentSymbol(serve('documentSymbol', [], (ctx, params) => {
    if (ctx.settings.features.navigation) return provideDocumentSymbols(ctx.document, ctx.analysis, params);
    return tryGeneral('documentSymbol', ctx, [], (s) => s.computeSymbols(params.textDocument, ctx.document.getText()));
}));

connection.onFoldingRanges(serve('foldingRange', [], (ctx, params) => {
    const ours = ctx.settings.features.navigation ? provideFoldingRanges(ctx.document, ctx.analysis, params) : [];
    return mergeFolding(ours, tryGeneral('foldingRange', ctx, [], (s) => s.computeFoldingRanges(ctx.document.getText())));
}));

connection.onCompletion(serve('completion', [], (ctx, params) => {
    const ours = ctx.settings.features.completion ? provideCompletion(ctx.document, ctx.analysis, params) : [];
    return mergeCompletions(ours, tryGeneral('completion', ctx, [], (s) => generalCompletion(s, ctx.document.getText(), params.position)));
}, (params, settings) => (settings.features.completion ? workspace.completion(params) : [])));

connection.onCompletionResolve(guard('completionResolve', (item: CompletionItem) => item, nowhere, (item: CompletionItem) => {
    if (item.data === STAGECRAFT_COMPLETION_DATA || !general) return item;
    return general.resolveCompletionItem(item);
}));

connection.onCodeAction(serve('codeAction', [], (ctx, params) => {
    const out: (CodeAction | Command)[] = [];
    if (ctx.settings.features.codeActions) out.push(...provideCodeActions(ctx.document, ctx.analysis, params, ctx.settings));
    const only = params.context.only;
    if (!only || only.some((k) => k === CodeActionKind.QuickFix || k.startsWith(CodeActionKind.QuickFix + '.') || CodeActionKind.QuickFix.startsWith(k + '.'))) {
        const foreign = params.context.diagnostics.filter((d) => d.source !== 'stagecraft');
        const commands = tryGeneral('codeAction', ctx, [], (s) => s.computeCodeActions(params.textDocument, params.range, { ...params.context, diagnostics: foreign }));
        out.push(...commands);
    }
    return out;
}, (params, settings) => (settings.features.codeActions ? workspace.codeActions(params) : [])));

connection.onExecuteCommand(guard('executeCommand', () => null, (p: ExecuteCommandParams) => ({ uri: String(p.arguments?.[0] ?? '-'), version: () => '-' }), async (params: ExecuteCommandParams) => {
    if (!general || !generalCommands.includes(params.command)) return null;
    const uri = params.arguments?.[0];
    const document = typeof uri === 'string' ? documents.get(uri) : undefined;
    if (!document) return null;
    const edits = general.computeCommandEdits(document.getText(), params.command, params.arguments ?? []);
    if (edits.length) await connection.workspace.applyEdit({ documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits }] });
    return null;
}));

connection.onDocumentFormatting(serve('formatting', [], (ctx, params) =>
    tryGeneral('formatting', ctx, [], (s) => s.format(ctx.document.getText(), params.options))));

connection.onDocumentRangeFormatting(serve('rangeFormatting', [], (ctx, params) =>
    tryGeneral('rangeFormatting', ctx, [], (s) => s.formatRange(ctx.document.getText(), params.range, params.options))));

connection.onDocumentOnTypeFormatting(serve('onTypeFormatting', [], (ctx, params) =>
    tryGeneral('onTypeFormatting', ctx, [], (s) => s.formatOnType(ctx.document.getText(), params.position, params.ch, params.options))));

connection.onSignatureHelp(serve('signatureHelp', null, (ctx, params) =>
    tryGeneral('signatureHelp', ctx, null, (s) => s.computeSignatureHelp(ctx.document.getText(), params.position))));

connection.onDocumentLinks(serve('documentLinks', [], (ctx) =>
    tryGeneral('documentLinks', ctx, [], (s) => s.computeLinks(ctx.document.getText()))));

connection.onDocumentLinkResolve(guard('documentLinkResolve', (link: DocumentLink) => link, nowhere, (link: DocumentLink) =>
    general ? general.resolveLink(link) : link));

// The stage graph view asks for the graph of the document it shows (after each edit, debounced).
connection.onRequest(STAGE_GRAPH_METHOD, serve<StageGraphParams, StageGraphResult | null>('stageGraph', null, (ctx) =>
    provideStageGraph(ctx.document, ctx.analysis, ctx.settings)));

documents.listen(connection);
connection.listen();

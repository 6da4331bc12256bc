/**
 * The workspace side of the server: finds the build files (compose, Bake, CI, Makefiles) in the
 * workspace folders, reads them (the editor's text when one is open, else the disk), keeps them in
 * the pure `WorkspaceIndex` (parsed once per change), watches them and the Dockerfiles
 * (`workspace/didChangeWatchedFiles`, registered with the client), reads the Dockerfiles their
 * builds name, and answers the stage requests made in a build file. All file I/O of the
 * cross-file features is here; what the files mean is `analysis/workspace`, what the editor shows
 * `features/buildFiles.ts` and `features/builtBy.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
    CodeActionKind,
    CodeActionRequest,
    CompletionRequest,
    DefinitionRequest,
    DidChangeTextDocumentNotification,
    DidChangeWatchedFilesNotification,
    DidCloseTextDocumentNotification,
    DidOpenTextDocumentNotification,
    FileChangeType,
    HoverRequest,
    ReferencesRequest,
    RenameRequest,
    TextDocumentSyncKind,
    type ClientCapabilities,
    type CodeAction,
    type CodeActionParams,
    type CompletionItem,
    type CompletionParams,
    type Connection,
    type DefinitionParams,
    type DidChangeWatchedFilesParams,
    type DocumentSelector,
    type Hover,
    type HoverParams,
    type Location,
    type PrepareRenameParams,
    type ReferenceParams,
    type RenameParams,
    type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { analyze, type Analysis } from '../analysis';
import {
    BUILD_FILE_GLOBS,
    DOCKERFILE_GLOBS,
    SKIPPED_DIRS,
    WorkspaceIndex,
    buildFileKind,
    canonicalUri,
    type BuildRef,
} from '../analysis/workspace';
import type { StagecraftSettings } from '../common/settings';
import {
    buildCompletion,
    buildDefinition,
    buildHover,
    buildFileDiagnostics,
    buildReferences,
    buildRename,
    prepareBuildRename,
    type DockerfileFacts,
} from '../features/buildFiles';
import { stageUsage, type StageUsage } from '../features/builtBy';
import { sameRange, typoActions } from '../features/codeActions';
import type { RenameResult } from '../features/rename';
import { analyzeOptions, type AnalysisCache } from './documents';

/** A scan stops after this many directory entries (a huge monorepo still starts fast). */
const MAX_SCAN_ENTRIES = 200_000;
/** Build-file diagnostics are computed this long after the last change. */
const DIAGNOSTICS_DELAY_MS = 60;

export interface WorkspaceHost {
    connection: Connection;
    documents: TextDocuments<TextDocument>;
    analyses: AnalysisCache;
    settingsFor(uri: string): Promise<StagecraftSettings>;
    logError(feature: string, uri: string, error: unknown): void;
    /** The builds of some Dockerfiles changed: their summaries, cards and diagnostics may have too. */
    onBuildsChanged(): void;
}

/** The file path of a `file:` URI, or null for other schemes. */
function fsPath(uri: string): string | null {
    try {
        const u = URI.parse(uri);
        return u.scheme === 'file' ? u.fsPath : null;
    } catch {
        return null;
    }
}

/** `fn` over `items`, at most 64 at a time (thousands of open directories would run out of file descriptors). */
async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < items.length; i += 64) out.push(...await Promise.all(items.slice(i, i + 64).map(fn)));
    return out;
}

export class Workspace {
    readonly index = new WorkspaceIndex();
    private folders: string[] = [];
    private scanned = false;
    /** Settles when the first scan of every folder is done. */
    ready: Promise<void> = Promise.resolve();
    /** Dockerfiles read from disk: their analysis per (mtime, size, settings). */
    private readonly onDisk = new Map<string, { stamp: string; key: string; analysis: Analysis }>();
    private readonly usages = new WeakMap<Analysis, { version: number; usage: StageUsage }>();
    private readonly timers = new Map<string, NodeJS.Timeout>();
    private readonly published = new Set<string>();
    private buildsTimer: NodeJS.Timeout | undefined;

    constructor(private readonly host: WorkspaceHost) {}

    /** Whether the server treats `uri` as a build file (not as a Dockerfile). */
    isBuildFile(uri: string): boolean {
        try {
            return buildFileKind(URI.parse(uri).path) !== null;
        } catch {
            return false;
        }
    }

    /**
     * After `initialized`: asks the client to sync build files and send their stage requests
     * (dynamic registration, with a selector of their names: the static capabilities stay the
     * Dockerfiles'), to watch build files and Dockerfiles, and scans the folders.
     */
    start(folders: readonly string[], caps: ClientCapabilities): void {
        this.folders = folders.filter((f) => fsPath(f) !== null);
        const selector: DocumentSelector = BUILD_FILE_GLOBS.map((pattern) => ({ scheme: 'file', pattern }));
        const client = this.host.connection.client;
        const ignore = () => undefined;
        const td = caps.textDocument;
        if (td?.synchronization?.dynamicRegistration) {
            void client.register(DidOpenTextDocumentNotification.type, { documentSelector: selector }).then(undefined, ignore);
            void client.register(DidChangeTextDocumentNotification.type, { documentSelector: selector, syncKind: TextDocumentSyncKind.Incremental }).then(undefined, ignore);
            void client.register(DidCloseTextDocumentNotification.type, { documentSelector: selector }).then(undefined, ignore);
        }
        if (td?.completion?.dynamicRegistration) void client.register(CompletionRequest.type, { documentSelector: selector, triggerCharacters: [' ', '"', '=', ':'] }).then(undefined, ignore);
        if (td?.hover?.dynamicRegistration) void client.register(HoverRequest.type, { documentSelector: selector }).then(undefined, ignore);
        if (td?.definition?.dynamicRegistration) void client.register(DefinitionRequest.type, { documentSelector: selector }).then(undefined, ignore);
        if (td?.references?.dynamicRegistration) void client.register(ReferencesRequest.type, { documentSelector: selector }).then(undefined, ignore);
        if (td?.rename?.dynamicRegistration) void client.register(RenameRequest.type, { documentSelector: selector, prepareProvider: true }).then(undefined, ignore);
        if (td?.codeAction?.dynamicRegistration) void client.register(CodeActionRequest.type, { documentSelector: selector, codeActionKinds: [CodeActionKind.QuickFix] }).then(undefined, ignore);
        if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
            const watchers = [...BUILD_FILE_GLOBS, ...DOCKERFILE_GLOBS].map((globPattern) => ({ globPattern }));
            void client.register(DidChangeWatchedFilesNotification.type, { watchers }).then(undefined, ignore);
        }
        this.ready = this.scan(this.folders);
    }

    foldersChanged(added: readonly string[], removed: readonly string[]): void {
        const gone = new Set(removed.map(canonicalUri));
        this.folders = [...this.folders.filter((f) => !gone.has(canonicalUri(f))), ...added.filter((f) => fsPath(f) !== null)];
        for (const file of this.index.all()) {
            if ([...gone].some((f) => file.uri.startsWith(f.endsWith('/') ? f : `${f}/`))) this.remove(file.uri);
        }
        const prev = this.ready;
        this.ready = prev.then(() => this.scan(added));
    }

    /**
     * Reads every build file under the folders (skipping dependencies and output folders): the
     * directories of one level listed together, then the files read together.
     */
    private async scan(folders: readonly string[]): Promise<void> {
        let entries = 0;
        const found: string[] = [];
        let level = folders.map(fsPath).filter((p): p is string => p !== null);
        while (level.length && entries <= MAX_SCAN_ENTRIES) {
            const lists = await inBatches(level, (dir) => fs.promises.readdir(dir, { withFileTypes: true }).then((l) => ({ dir, l }), () => ({ dir, l: [] as fs.Dirent[] })));
            const next: string[] = [];
            for (const { dir, l } of lists) {
                for (const e of l) {
                    if (++entries > MAX_SCAN_ENTRIES) break;
                    const p = path.join(dir, e.name);
                    if (e.isDirectory()) {
                        if (!SKIPPED_DIRS.has(e.name) && (!e.name.startsWith('.') || e.name === '.github')) next.push(p);
                    } else if (e.isFile() && buildFileKind(p.split(path.sep).join('/'))) {
                        found.push(URI.file(p).toString());
                    }
                }
            }
            level = next;
        }
        if (entries > MAX_SCAN_ENTRIES) this.host.connection.console.warn(`[stagecraft] the workspace scan stopped after ${MAX_SCAN_ENTRIES} entries; build files beyond them are read when they change`);
        await inBatches(found, (uri) => this.readFromDisk(uri));
        this.scanned = true;
        // Nothing found: nothing the editor shows changes (no refresh request for it).
        if (this.index.size) this.changed(this.index.all().map((f) => f.uri));
    }

    /** Reads a build file from disk unless the editor has it open (then the editor's text counts). */
    private async readFromDisk(uri: string): Promise<void> {
        const key = canonicalUri(uri);
        if (this.openDocument(key)) return;
        const p = fsPath(key);
        if (!p) return;
        let text: string;
        try {
            text = await fs.promises.readFile(p, 'utf8');
        } catch {
            this.remove(key);
            return;
        }
        if (this.openDocument(key)) return;
        if (this.index.set(key, text)) this.changed([key]);
    }

    private openDocument(uri: string): TextDocument | undefined {
        return this.host.documents.all().find((d) => canonicalUri(d.uri) === uri);
    }

    private remove(uri: string): void {
        if (this.index.delete(uri)) this.changed([]);
        if (this.published.delete(canonicalUri(uri))) void this.host.connection.sendDiagnostics({ uri, diagnostics: [] });
    }

    // ---- events ---------------------------------------------------------------------------

    /** An open build file was opened or edited: the editor's text replaces the disk's. */
    documentChanged(document: TextDocument): void {
        if (this.index.set(document.uri, document.getText())) this.changed([canonicalUri(document.uri)], true);
        else this.schedule(canonicalUri(document.uri));
    }

    /** A build file was closed: back to what is on disk. */
    documentClosed(uri: string): void {
        void this.readFromDisk(uri);
    }

    /** A Dockerfile was edited in the editor: the diagnostics of the build files that name it may change. */
    dockerfileChanged(uri: string): void {
        if (!this.scanned) return;
        this.scheduleFilesNaming(canonicalUri(uri), DIAGNOSTICS_DELAY_MS);
    }

    onWatchedFiles(params: DidChangeWatchedFilesParams): void {
        for (const change of params.changes) {
            const uri = canonicalUri(change.uri);
            if (this.isBuildFile(uri)) {
                if (change.type === FileChangeType.Deleted) this.remove(uri);
                else void this.readFromDisk(uri);
            } else {
                // A Dockerfile created, changed or deleted on disk: the build files that name it are checked again.
                this.onDisk.delete(uri);
                this.scheduleFilesNaming(uri);
            }
        }
    }

    private scheduleFilesNaming(dockerfile: string, delay = 0): void {
        const files = new Set(this.index.buildsOf(dockerfile).map((b) => b.file));
        for (const f of files) this.schedule(f, delay);
    }

    /** Build files changed: their diagnostics, and the Dockerfiles' summaries. */
    private changed(files: string[], typing = false): void {
        if (!this.scanned) return;
        for (const f of files) this.schedule(f, typing ? DIAGNOSTICS_DELAY_MS : 0);
        // Once per burst of changes (typing in a compose file): the Dockerfiles' summaries are asked for again.
        if (this.buildsTimer) clearTimeout(this.buildsTimer);
        this.buildsTimer = setTimeout(() => {
            this.buildsTimer = undefined;
            this.host.onBuildsChanged();
        }, typing ? DIAGNOSTICS_DELAY_MS : 0);
    }

    // ---- what the Dockerfile features get ------------------------------------------------

    /** The workspace's builds of a Dockerfile and the stages they build; undefined before the scan or without build files. */
    usageFor(dockerfile: string, analysis: Analysis): StageUsage | undefined {
        if (!this.scanned || this.index.size === 0) return undefined;
        const hit = this.usages.get(analysis);
        if (hit && hit.version === this.index.version) return hit.usage;
        const usage = stageUsage(analysis, this.index.buildsOf(dockerfile));
        this.usages.set(analysis, { version: this.index.version, usage });
        return usage;
    }

    /** The builds of a Dockerfile, once the first scan is done (a rename must not miss a file). */
    async buildsOf(dockerfile: string): Promise<BuildRef[]> {
        await this.ready;
        return this.index.buildsOf(dockerfile);
    }

    // ---- the Dockerfiles that builds name ---------------------------------------------------

    /** Whether a Dockerfile exists, and its analysis (the editor's text when it is open, else the disk's). */
    async facts(dockerfile: string): Promise<DockerfileFacts> {
        const open = this.openDocument(dockerfile);
        const settings = await this.host.settingsFor(dockerfile);
        if (open) return { exists: true, analysis: this.host.analyses.get(open, settings) };
        const p = fsPath(dockerfile);
        if (!p) return { exists: false, analysis: null };
        let stat: fs.Stats;
        try {
            stat = await fs.promises.stat(p);
        } catch {
            return { exists: false, analysis: null };
        }
        if (!stat.isFile()) return { exists: false, analysis: null };
        const stamp = `${stat.mtimeMs}:${stat.size}`;
        const key = JSON.stringify(analyzeOptions(settings));
        const hit = this.onDisk.get(dockerfile);
        if (hit && hit.stamp === stamp && hit.key === key) return { exists: true, analysis: hit.analysis };
        try {
            const analysis = analyze(await fs.promises.readFile(p, 'utf8'), analyzeOptions(settings));
            this.onDisk.set(dockerfile, { stamp, key, analysis });
            return { exists: true, analysis };
        } catch (error) {
            this.host.logError('workspace read', dockerfile, error);
            return { exists: true, analysis: null };
        }
    }

    // ---- diagnostics of build files --------------------------------------------------------

    private schedule(uri: string, delay = 0): void {
        const old = this.timers.get(uri);
        if (old) clearTimeout(old);
        this.timers.set(uri, setTimeout(() => {
            this.timers.delete(uri);
            void this.publish(uri);
        }, delay));
    }

    /** Republishes every build file's diagnostics (the settings changed). */
    republishAll(): void {
        for (const f of this.index.all()) this.schedule(f.uri);
    }

    private async publish(uri: string): Promise<void> {
        try {
            const file = this.index.file(uri);
            if (!file) return;
            const settings = await this.host.settingsFor(uri);
            const facts = new Map<string, DockerfileFacts>();
            for (const b of file.builds) if (b.dockerfile !== null && !facts.has(b.dockerfile)) facts.set(b.dockerfile, await this.facts(b.dockerfile));
            if (this.index.file(uri) !== file) return; // changed meanwhile: its own publication follows
            const diagnostics = settings.features.diagnostics ? buildFileDiagnostics(file, (d) => facts.get(d)!, settings) : [];
            if (diagnostics.length === 0 && !this.published.has(uri)) return;
            if (diagnostics.length) this.published.add(uri);
            else this.published.delete(uri);
            const open = this.openDocument(uri);
            await this.host.connection.sendDiagnostics({ uri: open?.uri ?? uri, ...(open ? { version: open.version } : {}), diagnostics });
        } catch (error) {
            this.host.logError('build file diagnostics', uri, error);
        }
    }

    // ---- requests in a build file ----------------------------------------------------------

    /** The build under the cursor and its Dockerfile's analysis, when the target names a Dockerfile. */
    private async at(uri: string, position: { line: number; character: number }): Promise<{ build: BuildRef; analysis: Analysis } | null> {
        await this.ready;
        const build = this.index.buildAt(uri, position);
        if (!build || build.dockerfile === null) return null;
        const { analysis } = await this.facts(build.dockerfile);
        return analysis ? { build, analysis } : null;
    }

    async hover(params: HoverParams, settings: StagecraftSettings, workspaceFolders: readonly string[]): Promise<Hover | null> {
        const hit = await this.at(params.textDocument.uri, params.position);
        if (!hit) return null;
        const dockerfileSettings = await this.host.settingsFor(hit.build.dockerfile!);
        const env = { workspaceFolders, workspace: this.usageFor(hit.build.dockerfile!, hit.analysis) };
        return settings.features.hover ? buildHover(hit.build, hit.analysis, dockerfileSettings, env) : null;
    }

    async definition(params: DefinitionParams): Promise<Location | null> {
        const hit = await this.at(params.textDocument.uri, params.position);
        return hit ? buildDefinition(hit.build, hit.analysis) : null;
    }

    async references(params: ReferenceParams): Promise<Location[] | null> {
        const hit = await this.at(params.textDocument.uri, params.position);
        if (!hit) return null;
        return buildReferences(hit.build, hit.analysis, this.index.buildsOf(hit.build.dockerfile!), params.context?.includeDeclaration !== false);
    }

    async prepareRename(params: PrepareRenameParams): Promise<ReturnType<typeof prepareBuildRename>> {
        const hit = await this.at(params.textDocument.uri, params.position);
        return hit ? prepareBuildRename(hit.build, hit.analysis) : null;
    }

    async rename(params: RenameParams): Promise<RenameResult | null> {
        const hit = await this.at(params.textDocument.uri, params.position);
        if (!hit) return null;
        return buildRename(hit.build, hit.analysis, params.newName, this.index.buildsOf(hit.build.dockerfile!));
    }

    async completion(params: CompletionParams): Promise<CompletionItem[]> {
        const hit = await this.at(params.textDocument.uri, params.position);
        return hit ? buildCompletion(hit.build, hit.analysis, params) : [];
    }

    /** The target typo fix, for a diagnostic that still matches a build's target in the file's current text. */
    codeActions(params: CodeActionParams): CodeAction[] {
        const uri = canonicalUri(params.textDocument.uri);
        const file = this.index.file(uri);
        if (!file) return [];
        const open = this.openDocument(uri);
        return typoActions(params.textDocument.uri, open?.version ?? null, params, (d) => {
            const build = file.builds.find((b) => { const r = b.targetRange ?? b.targetSlot; return r !== null && sameRange(r, d.range); });
            return build ? d.range : null;
        });
    }
}


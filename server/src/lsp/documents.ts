/**
 * Per-document state of the server: the settings (cached per document, cleared when the
 * configuration changes) and ONE analysis per document version and analysis options.
 * No connection here: the settings fetcher is handed in.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis, type AnalyzeOptions } from '../analysis';
import type { StagecraftSettings } from '../common/settings';

/** The analysis options the settings imply. */
export function analyzeOptions(settings: StagecraftSettings): AnalyzeOptions {
    const opts: AnalyzeOptions = { buildArgs: settings.buildArgs, platform: settings.platform };
    const t = settings.target.trim();
    if (t !== '') opts.target = /^\d+$/.test(t) ? Number(t) : t;
    return opts;
}

/** What features get when the analysis itself failed (it must not; this keeps the server up). */
export function emptyAnalysis(platform: string): Analysis {
    return { target: null, platform, buildPlatform: platform, stages: [], unused: [], globalArgs: [], problems: [], escapeChar: '\\' };
}

function keyOf(opts: AnalyzeOptions): string {
    return JSON.stringify([opts.target ?? null, opts.platform, Object.entries(opts.buildArgs ?? {}).sort()]);
}

interface Entry {
    version: number;
    key: string;
    analysis: Analysis;
}

export class AnalysisCache {
    private readonly entries = new Map<string, Entry>();
    /** Number of `analyze` runs, for tests and the benchmark. */
    runs = 0;

    constructor(private readonly onError: (uri: string, error: unknown) => void = () => undefined) {}

    /** Whether the analysis of this version and settings is made already (`get` then costs nothing). */
    has(document: TextDocument, settings: StagecraftSettings): boolean {
        const hit = this.entries.get(document.uri);
        return hit !== undefined && hit.version === document.version && hit.key === keyOf(analyzeOptions(settings));
    }

    get(document: TextDocument, settings: StagecraftSettings): Analysis {
        const opts = analyzeOptions(settings);
        const key = keyOf(opts);
        const hit = this.entries.get(document.uri);
        if (hit && hit.version === document.version && hit.key === key) return hit.analysis;
        let analysis: Analysis;
        try {
            this.runs++;
            analysis = analyze(document.getText(), opts);
        } catch (error) {
            this.onError(document.uri, error);
            analysis = emptyAnalysis(settings.platform);
        }
        // analyze() turns its own bugs into an `internal-error` problem: reported like a thrown one.
        for (const p of analysis.problems) {
            if (p.code !== 'internal-error') continue;
            const error = new Error(p.message);
            error.stack = p.detail ?? p.message;
            this.onError(document.uri, error);
        }
        this.entries.set(document.uri, { version: document.version, key, analysis });
        return analysis;
    }

    delete(uri: string): void {
        this.entries.delete(uri);
    }
}

/** Settings per document URI; the promise is cached so concurrent requests ask the client once. */
export class SettingsCache {
    private readonly entries = new Map<string, Promise<StagecraftSettings>>();

    constructor(private readonly fetch: (uri: string) => Promise<StagecraftSettings>) {}

    get(uri: string): Promise<StagecraftSettings> {
        let p = this.entries.get(uri);
        if (!p) {
            p = this.fetch(uri);
            this.entries.set(uri, p);
            // A failed fetch is not cached.
            p.catch(() => this.entries.get(uri) === p && this.entries.delete(uri));
        }
        return p;
    }

    delete(uri: string): void {
        this.entries.delete(uri);
    }

    clear(): void {
        this.entries.clear();
    }
}

/**
 * Small numbers standing for open documents, for payloads that must stay tiny and carry no URI
 * (a code lens's `data`: `codeLens/resolve` does not say which document the lens is from).
 * A key is never reused in the process, so a lens of a closed document never finds another one.
 */
export class DocumentKeys {
    private readonly keys = new Map<string, number>();
    private readonly uris = new Map<number, string>();
    private next = 1;

    /** The key of `uri`, handed out on first use. */
    key(uri: string): number {
        let k = this.keys.get(uri);
        if (k === undefined) {
            k = this.next++;
            this.keys.set(uri, k);
            this.uris.set(k, uri);
        }
        return k;
    }

    /** The URI of a key, or undefined when the key is unknown or its document was closed. */
    uri(key: number): string | undefined {
        return this.uris.get(key);
    }

    delete(uri: string): void {
        const k = this.keys.get(uri);
        if (k === undefined) return;
        this.keys.delete(uri);
        this.uris.delete(k);
    }
}

/**
 * The `stagecraft.*` settings: one typed record shared by the client (package.json contributions,
 * reading the configuration) and the server (per-document settings). Pure: no `vscode` import.
 */

export type DiagnosticSeverityName = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** Stable diagnostic codes the server publishes (`source: 'stagecraft'`). */
export const DIAGNOSTIC_CODES = [
    'unknown-stage',
    'self-reference',
    'duplicate-stage-name',
    'reserved-stage-name',
    'forward-reference',
    'unused-stage',
    'heavy-after-broad-copy',
    /** `stagecraft.target` names no stage of this file. */
    'unknown-target',
    /** `stagecraft.platform` is not `os/arch[/variant]`. */
    'bad-platform',
    /** In a compose, Bake or CI file: a target that names no stage of the Dockerfile it builds. */
    'unknown-build-target',
    /** In a compose, Bake or CI file: the Dockerfile a build names does not exist. */
    'missing-dockerfile',
    /** In a compose or Bake file: an inline Dockerfile, whose stages are not followed. */
    'inline-dockerfile',
    /** In a compose, Bake or CI file: a Dockerfile that is not a local path (a variable, a remote context). */
    'unresolved-dockerfile',
    /** A compose, Bake or CI file that could not be read (all of it, or a part). */
    'unreadable-build-file',
    /** An ARG or FROM left unresolved: its `${...}` nest too deep or expand too long. */
    'expansion-limit',
    /** The file is too large to analyse in the editor's time budget. */
    'too-large',
    /** A bug in Stagecraft's analysis (never the file's fault): also logged with its stack. */
    'internal-error',
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export type GeneralFeaturesMode = 'auto' | 'on' | 'off';

export type BuildBackend = 'auto' | 'classic' | 'buildkit' | 'buildx' | 'save-load';

export interface FeatureToggles {
    /**
     * General Dockerfile features from `dockerfile-language-service` (instruction hovers, keyword
     * completion, syntax diagnostics, formatting). `auto`: only when no other Docker extension is
     * installed; `on`: same as auto (never duplicates another Docker extension); `off`: never.
     */
    general: GeneralFeaturesMode;
    hover: boolean;
    /** The "Build with cache" code lens above every FROM. */
    codeLens: boolean;
    /** The stage summary (patterns, used by / unused by / build target) at the end of every FROM line. */
    inlayHints: boolean;
    diagnostics: boolean;
    /** Definition, references, rename, highlights, symbols, folding. */
    navigation: boolean;
    completion: boolean;
    codeActions: boolean;
}

export interface BuildSettings {
    /** Registry repository for per-stage cache images (`registry:5000/app/cache`); "" = local only. */
    cacheRepo: string;
    backend: BuildBackend;
    push: boolean;
    /** Build context: absolute, or relative to the workspace folder; "" = the Dockerfile's folder. */
    context: string;
}

export interface StagecraftSettings {
    /** Build target: a stage name or index; "" = the last stage. */
    target: string;
    buildArgs: Record<string, string>;
    /** `os/arch[/variant]`. */
    platform: string;
    /** Severity per diagnostic code; a missing code keeps its default. */
    diagnostics: { [code: string]: DiagnosticSeverityName };
    features: FeatureToggles;
    build: BuildSettings;
}

export const DEFAULT_DIAGNOSTIC_SEVERITIES: Readonly<Record<DiagnosticCode, DiagnosticSeverityName>> = {
    'unknown-stage': 'error',
    'self-reference': 'error',
    'duplicate-stage-name': 'error',
    'reserved-stage-name': 'error',
    'forward-reference': 'warning',
    'unused-stage': 'hint',
    'heavy-after-broad-copy': 'warning',
    'unknown-target': 'warning',
    'bad-platform': 'warning',
    'unknown-build-target': 'error',
    'missing-dockerfile': 'error',
    'inline-dockerfile': 'hint',
    'unresolved-dockerfile': 'hint',
    'unreadable-build-file': 'information',
    'expansion-limit': 'warning',
    'too-large': 'warning',
    'internal-error': 'error',
};

export function defaultSettings(): StagecraftSettings {
    return {
        target: '',
        buildArgs: {},
        platform: 'linux/amd64',
        diagnostics: { ...DEFAULT_DIAGNOSTIC_SEVERITIES },
        features: {
            general: 'auto',
            hover: true,
            codeLens: true,
            inlayHints: true,
            diagnostics: true,
            navigation: true,
            completion: true,
            codeActions: true,
        },
        build: { cacheRepo: '', backend: 'auto', push: false, context: '' },
    };
}

const SEVERITIES: readonly DiagnosticSeverityName[] = ['error', 'warning', 'information', 'hint', 'off'];
const GENERAL_MODES: readonly GeneralFeaturesMode[] = ['auto', 'on', 'off'];
const BACKENDS: readonly BuildBackend[] = ['auto', 'classic', 'buildkit', 'buildx', 'save-load'];

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pick<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
    return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

function bool(v: unknown, fallback: boolean): boolean {
    return typeof v === 'boolean' ? v : fallback;
}

/**
 * Turns whatever the client sent (the `stagecraft` section, possibly partial, possibly wrong)
 * into complete settings: unknown or mistyped values fall back to the defaults. Never throws.
 */
export function normalizeSettings(raw: unknown): StagecraftSettings {
    const d = defaultSettings();
    if (!isRecord(raw)) return d;
    const out = d;
    if (typeof raw.target === 'string') out.target = raw.target.trim();
    else if (typeof raw.target === 'number' && Number.isInteger(raw.target)) out.target = String(raw.target);
    if (isRecord(raw.buildArgs)) {
        const args: Record<string, string> = {};
        for (const [k, v] of Object.entries(raw.buildArgs)) {
            if (typeof v === 'string') args[k] = v;
            else if (typeof v === 'number' || typeof v === 'boolean') args[k] = String(v);
        }
        out.buildArgs = args;
    }
    if (typeof raw.platform === 'string' && raw.platform.trim() !== '') out.platform = raw.platform.trim();
    if (isRecord(raw.diagnostics)) {
        for (const [code, sev] of Object.entries(raw.diagnostics)) {
            if (typeof sev === 'string' && (SEVERITIES as readonly string[]).includes(sev)) {
                out.diagnostics[code] = sev as DiagnosticSeverityName;
            }
        }
    }
    if (isRecord(raw.features)) {
        const f = raw.features;
        out.features = {
            general: pick(f.general, GENERAL_MODES, d.features.general),
            hover: bool(f.hover, d.features.hover),
            codeLens: bool(f.codeLens, d.features.codeLens),
            inlayHints: bool(f.inlayHints, d.features.inlayHints),
            diagnostics: bool(f.diagnostics, d.features.diagnostics),
            navigation: bool(f.navigation, d.features.navigation),
            completion: bool(f.completion, d.features.completion),
            codeActions: bool(f.codeActions, d.features.codeActions),
        };
    }
    if (isRecord(raw.build)) {
        const b = raw.build;
        out.build = {
            cacheRepo: typeof b.cacheRepo === 'string' ? b.cacheRepo.trim() : d.build.cacheRepo,
            backend: pick(b.backend, BACKENDS, d.build.backend),
            push: bool(b.push, d.build.push),
            context: typeof b.context === 'string' ? b.context.trim() : d.build.context,
        };
    }
    return out;
}

/** The severity configured for a diagnostic code (`off` = not published). */
export function severityFor(settings: StagecraftSettings, code: string): DiagnosticSeverityName {
    return settings.diagnostics[code] ?? (DEFAULT_DIAGNOSTIC_SEVERITIES as Record<string, DiagnosticSeverityName>)[code] ?? 'warning';
}

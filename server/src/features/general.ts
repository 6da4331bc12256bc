/**
 * The general Dockerfile features (instruction hovers, keyword/flag completion, syntax
 * diagnostics, formatting, links, signature help, variable navigation, its quick-fix commands),
 * served through rcjsuen's `dockerfile-language-service` when no other Docker extension is
 * installed, and merged with the stage features: ours first, no duplicates.
 * Pure apart from holding the service object (which is itself pure: text in, LSP types out),
 * except for one thing we take out: the service's completion builds a registry client and, at
 * `FROM image:<tag>`, sends an HTTPS request to Docker Hub for the tags (not awaited, still sent).
 * Editor features make no network call the user did not ask for, so completion runs the service's
 * own `DockerAssist` with a registry client that answers no tags without a request; the protocol
 * tests run the server under a guard that fails on any connection off this machine.
 */
import type { Capabilities, DockerfileLanguageService } from 'dockerfile-language-service';
import {
    MarkupKind,
    type CompletionItem,
    type Diagnostic,
    type FoldingRange,
    type Hover,
    type MarkedString,
    type MarkupContent,
    type Position,
} from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { StagecraftSettings } from '../common/settings';
import type { StagecraftInitializationOptions } from '../common/protocol';

export type GeneralService = DockerfileLanguageService;

/**
 * The service is loaded on first use: when another Docker extension serves the general
 * features, the server never pays for loading it (about a third of its start-up time).
 */
function serviceModule(): typeof import('dockerfile-language-service') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('dockerfile-language-service') as typeof import('dockerfile-language-service');
}

/** The service's completion engine (not in its typed API; `computeCompletionItems` is `new DockerAssist(...).computeProposals`). */
interface DockerAssistModule {
    DockerAssist: new (document: TextDocument, registry: { getTags(image: string, prefix?: string): Promise<string[]> },
        capabilities: unknown) => { computeProposals(position: Position): CompletionItem[] | PromiseLike<CompletionItem[]> };
}

/** A registry client that knows no tags and asks nobody. */
const OFFLINE_REGISTRY = { getTags: (): Promise<string[]> => Promise.resolve([]) };

export function createGeneralService(capabilities: Capabilities): GeneralService {
    const service = serviceModule().DockerfileLanguageServiceFactory.createLanguageService();
    service.setCapabilities(capabilities);
    service.setLogger({ log: () => undefined });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DockerAssist } = require('dockerfile-language-service/lib/dockerAssist') as DockerAssistModule;
    const itemCapabilities = capabilities.completion?.completionItem;
    service.computeCompletionItems = (content: string, position: Position) =>
        new DockerAssist(TextDocument.create('', '', 0, content), OFFLINE_REGISTRY, itemCapabilities).computeProposals(position);
    return service;
}

/** The command ids of the service's quick-fixes (the server executes them). */
export function generalCommandIds(): string[] {
    return Object.values(serviceModule().CommandIds);
}

/** dockerfile-utils' `ValidationCode.DUPLICATE_BUILD_STAGE_NAME` (checked against it in the tests). */
export const DUPLICATE_BUILD_STAGE_NAME_CODE = 10;

/** Whether the general features are served for a document with these settings. */
export function generalEnabled(init: StagecraftInitializationOptions, settings: StagecraftSettings): boolean {
    return !init.otherDockerExtension && settings.features.general !== 'off';
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
    return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** General completion items, synchronous results only (tag completion would go to the network). */
export function generalCompletion(service: GeneralService, content: string, position: { line: number; character: number }): CompletionItem[] {
    const r = service.computeCompletionItems(content, position);
    if (isThenable(r)) {
        // Registry tag lookups: never wait for the network; swallow a late rejection.
        (r as PromiseLike<unknown>).then(undefined, () => undefined);
        return [];
    }
    return Array.isArray(r) ? r : [];
}

/**
 * Ours first; a general item with the label of one of ours (stage names compare
 * case-insensitively) is dropped, and so is a general item repeating an earlier label.
 */
export function mergeCompletions(ours: CompletionItem[], general: CompletionItem[]): CompletionItem[] {
    const stageLabels = new Set(ours.map((i) => i.label.toLowerCase()));
    const seen = new Set(ours.map((i) => i.label));
    const out = [...ours];
    for (const item of general) {
        if (stageLabels.has(item.label.toLowerCase()) || seen.has(item.label)) continue;
        seen.add(item.label);
        out.push(item);
    }
    return out;
}

function hoverText(contents: Hover['contents']): string {
    const one = (m: MarkedString | MarkupContent): string => {
        if (typeof m === 'string') return m;
        if ('kind' in m) return m.value;
        return '```' + m.language + '\n' + m.value + '\n```';
    };
    return Array.isArray(contents) ? contents.map(one).join('\n\n') : one(contents);
}

/** Ours first, then a rule, then the general hover; either may be missing. */
export function mergeHover(ours: Hover | null, general: Hover | null): Hover | null {
    if (!general) return ours;
    if (!ours) {
        // Normalised to Markdown content (the service may answer with plain MarkedStrings).
        const value = hoverText(general.contents);
        if (!value) return null;
        return { contents: { kind: MarkupKind.Markdown, value }, ...(general.range ? { range: general.range } : {}) };
    }
    return {
        contents: { kind: MarkupKind.Markdown, value: hoverText(ours.contents) + '\n\n---\n\n' + hoverText(general.contents) },
        ...(ours.range ? { range: ours.range } : {}),
    };
}

/**
 * General diagnostics that say what one of ours already says are dropped: dockerfile-utils'
 * duplicate build stage name, when our `duplicate-stage-name` is published.
 */
export function mergeDiagnostics(ours: Diagnostic[], general: Diagnostic[]): Diagnostic[] {
    const oursDuplicate = ours.some((d) => d.code === 'duplicate-stage-name');
    const kept = general.filter((d) => !(oursDuplicate && d.code === DUPLICATE_BUILD_STAGE_NAME_CODE));
    return [...ours, ...kept];
}

/**
 * Ranges clamped into the document: dockerfile-utils can end a diagnostic one line past the end
 * of a half-typed file (`RUN a \\` + newline at the end).
 */
export function clampDiagnostics(document: TextDocument, diagnostics: Diagnostic[]): Diagnostic[] {
    const clamp = (p: Position) => document.positionAt(document.offsetAt(p));
    return diagnostics.map((d) => {
        const start = clamp(d.range.start);
        const end = clamp(d.range.end);
        if (start.line === d.range.start.line && start.character === d.range.start.character
            && end.line === d.range.end.line && end.character === d.range.end.character) return d;
        return { ...d, range: { start, end } };
    });
}

/** Ours first; a general range with the same lines is dropped. */
export function mergeFolding(ours: FoldingRange[], general: FoldingRange[]): FoldingRange[] {
    const key = (f: FoldingRange) => `${f.startLine}:${f.endLine}`;
    const seen = new Set(ours.map(key));
    return [...ours, ...general.filter((f) => !seen.has(key(f)))];
}

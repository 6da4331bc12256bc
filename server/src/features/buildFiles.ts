/**
 * The stage features in a build file (compose, Bake, CI file, Makefile; `analysis/workspace`):
 * hover (the stage card), definition, references, rename and completion on a target, and the file's diagnostics (a
 * target that names no stage, with the nearest name for the quick-fix; a Dockerfile that does not
 * exist; what was not followed). The Dockerfile side is `builtBy.ts`.
 * Pure: the server hands in the index's builds and the Dockerfiles' analyses.
 */
import type { CompletionParams, Position } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CompletionItemKind, MarkupKind, type CompletionItem, type Diagnostic, type Hover, type Location, type Range } from 'vscode-languageserver-types';
import type { Analysis, Stage } from '../analysis';
import { buildStage, dirUri, relativePath, type BuildFile, type BuildRef } from '../analysis/workspace';
import { DIAGNOSTIC_SOURCE } from '../common/protocol';
import { severityFor, type StagecraftSettings } from '../common/settings';
import { nearestStageName, toSeverity } from './diagnostics';
import { code, stageCard, type FeatureEnv } from './hover';
import { buildLocations } from './builtBy';
import { stageOccurrences } from './references';
import { renameStage, STAGE_NAME_RE, type RenameResult } from './rename';
import { stageDetail } from './symbols';

/** What the server knows about the Dockerfile a build names. */
export interface DockerfileFacts {
    exists: boolean;
    /** Its analysis, when it exists and could be read. */
    analysis: Analysis | null;
}

/** The stage a build's target names, when it names one. */
export function namedStage(analysis: Analysis, build: BuildRef): Stage | null {
    if (build.target === null) return null;
    const i = buildStage(analysis, build);
    return i === null ? null : analysis.stages[i] ?? null;
}

/** Hover on a target: the stage card of the stage it names (the card the Dockerfile shows). */
export function buildHover(build: BuildRef, analysis: Analysis, settings: StagecraftSettings, env: FeatureEnv): Hover | null {
    const stage = namedStage(analysis, build);
    if (!stage || !build.dockerfile || !build.targetRange) return null;
    const dockerfile = TextDocument.create(build.dockerfile, 'dockerfile', 0, '');
    return { contents: { kind: MarkupKind.Markdown, value: stageCard(dockerfile, analysis, stage, settings, env) }, range: build.targetRange };
}

export function buildDefinition(build: BuildRef, analysis: Analysis): Location | null {
    const stage = namedStage(analysis, build);
    return stage && build.dockerfile ? { uri: build.dockerfile, range: stage.nameRange ?? stage.fromRange } : null;
}

/** The stage's occurrences in its Dockerfile, then every build that names it. */
export function buildReferences(build: BuildRef, analysis: Analysis, builds: readonly BuildRef[], includeDeclaration: boolean): Location[] | null {
    const stage = namedStage(analysis, build);
    if (!stage || !build.dockerfile) return null;
    const uri = build.dockerfile;
    return [
        ...stageOccurrences(analysis, stage.index).filter((o) => includeDeclaration || o.kind !== 'declaration').map((o) => ({ uri, range: o.range })),
        ...buildLocations(stage, builds),
    ];
}

export function prepareBuildRename(build: BuildRef, analysis: Analysis): { range: Range; placeholder: string } | null {
    const stage = namedStage(analysis, build);
    if (!stage || !build.targetRange) return null;
    return { range: build.targetRange, placeholder: build.target! };
}

/** Renames the stage a build's target names, in its Dockerfile and every build that names it. */
export function buildRename(build: BuildRef, analysis: Analysis, newName: string, builds: readonly BuildRef[]): RenameResult | null {
    const stage = namedStage(analysis, build);
    if (!stage || !build.dockerfile || !build.targetRange) return null;
    return renameStage(build.dockerfile, analysis, stage, newName, builds);
}

/** Stage names for a target being typed, with the stage's patterns as detail. */
export function buildCompletion(build: BuildRef, analysis: Analysis, params: CompletionParams): CompletionItem[] {
    const slot = build.targetSlot;
    if (!slot) return [];
    const pos: Position = params.position;
    const range = build.target === null ? { start: pos, end: pos } : slot;
    const seen = new Set<string>();
    const items: CompletionItem[] = [];
    for (const s of analysis.stages) {
        if (s.name === null || seen.has(s.name.toLowerCase())) continue;
        seen.add(s.name.toLowerCase());
        items.push({
            label: s.name,
            kind: CompletionItemKind.Reference,
            detail: `stage ${s.index} · ${stageDetail(s)}`,
            sortText: `0-${String(s.index).padStart(5, '0')}`,
            textEdit: { range, newText: s.name },
        });
    }
    return items;
}

/** Data of an `unknown-build-target` diagnostic: the quick-fix's name. */
export interface BuildDiagnosticData {
    code: string;
    suggestion?: string;
}

/** A build file's diagnostics: targets that name no stage, Dockerfiles that do not exist, what was not followed. */
export function buildFileDiagnostics(file: BuildFile, facts: (dockerfile: string) => DockerfileFacts, settings: StagecraftSettings): Diagnostic[] {
    const out: Diagnostic[] = [];
    const add = (codeId: string, range: Range, message: string, data?: BuildDiagnosticData) => {
        const severity = toSeverity(severityFor(settings, codeId));
        if (severity === null) return;
        out.push({ range, severity, code: codeId, source: DIAGNOSTIC_SOURCE, message, data: data ?? { code: codeId } });
    };
    const reported = new Set<string>();
    const once = (r: Range, codeId: string) => {
        const key = `${codeId}@${r.start.line}:${r.start.character}`;
        if (reported.has(key)) return false;
        reported.add(key);
        return true;
    };
    const dir = dirUri(file.uri);
    for (const b of file.builds) {
        if (b.dockerfile === null) continue;
        const f = facts(b.dockerfile);
        if (!f.exists) {
            const range = b.dockerfileRange ?? b.targetSlot;
            if (range && once(range, 'missing-dockerfile')) {
                add('missing-dockerfile', range, `${code(relativePath(dir, b.dockerfile))} does not exist: ${b.owner} cannot build.`);
            }
            continue;
        }
        if (!f.analysis || b.target === null || !b.literal || !b.targetSlot) continue;
        if (buildStage(f.analysis, b) !== null) continue;
        const range = b.targetRange ?? b.targetSlot;
        if (!once(range, 'unknown-build-target')) continue;
        const names = f.analysis.stages.filter((s) => s.name !== null).map((s) => s.name as string);
        const near = STAGE_NAME_RE.test(b.target) ? nearestStageName(f.analysis, b.target) : null;
        const path = relativePath(dir, b.dockerfile);
        const stages = names.length ? `its stages: ${names.map(code).join(', ')}` : 'it has no named stage';
        add('unknown-build-target', range,
            `${code(b.target)} names no stage of ${code(path)} (${stages})${near ? `; did you mean ${code(near.name)}?` : '.'} ${b.owner} fails to build.`,
            near ? { code: 'unknown-build-target', suggestion: near.name } : undefined);
    }
    const NOTE_CODE = { 'inline-dockerfile': 'inline-dockerfile', 'unresolved-dockerfile': 'unresolved-dockerfile', 'parse-error': 'unreadable-build-file' } as const;
    for (const n of file.notes) add(NOTE_CODE[n.code], n.range, n.message);
    return out;
}


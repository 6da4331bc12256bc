/**
 * Stage diagnostics (`source: 'stagecraft'`, stable codes, severity per code from the settings,
 * `off` removes it). Each carries in `data` what its quick-fix needs (see `StageDiagnosticData`).
 * Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { sameName, type Analysis, type StageRef } from '../analysis';
import type { StageBuilds } from '../analysis/workspace';
import { DIAGNOSTIC_SOURCE } from '../common/protocol';
import { severityFor, type DiagnosticSeverityName, type StagecraftSettings } from '../common/settings';
import { code } from './hover';
import { stageBodyRange, stageLabel } from './stageAt';

/** `Diagnostic.data` of every stagecraft diagnostic. */
export interface StageDiagnosticData {
    code: string;
    /** Index of the stage the diagnostic is in. */
    stage: number;
    /** unknown-stage: the nearest stage name and its index. */
    suggestion?: string;
    suggestionIndex?: number;
    /** unknown-stage, forward-reference, self-reference: the reference as written. */
    refText?: string;
    /** forward-reference: the stage it names. duplicate-stage-name: the first stage with that name. */
    refStage?: number;
    /** duplicate-stage-name, reserved-stage-name: the name. */
    name?: string;
    /** unused-stage: the target index. */
    target?: number;
    /** heavy-after-broad-copy: 1-based lines of the RUN and of the broad COPY/ADD, and the step. */
    line?: number;
    copyLine?: number;
    tool?: string;
    command?: string;
    kind?: string;
}

const RESERVED = ['scratch', 'context'];

/** Optimal-string-alignment Damerau-Levenshtein distance (case-insensitive). */
export function editDistance(a: string, b: string): number {
    a = a.toLowerCase();
    b = b.toLowerCase();
    const m = a.length;
    const n = b.length;
    const d: number[][] = Array.from({ length: m + 1 }, (_, i) => {
        const row = new Array<number>(n + 1).fill(0);
        row[0] = i;
        return row;
    });
    for (let j = 0; j <= n; j++) d[0]![j] = j;
    for (let i = 1; i <= m; i++) {
        for (let j = 1; j <= n; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
            d[i]![j] = v;
        }
    }
    return d[m]![n]!;
}

/** An `--from` value that is plainly an image or a named context, not a misspelt stage. */
export function looksLikeImage(text: string): boolean {
    return /[/:@]/.test(text) || text.includes('$');
}

/** Longer references get no "did you mean" (the edit distance costs their length squared). */
const MAX_SUGGESTED_LENGTH = 100;

/** The stage name `text` most plausibly misspells, or null. */
export function nearestStageName(analysis: Analysis, text: string): { name: string; index: number } | null {
    if (text === '' || text.length > MAX_SUGGESTED_LENGTH || looksLikeImage(text)) return null;
    const max = Math.min(2, Math.max(1, Math.floor(text.length / 3)));
    let best: { name: string; index: number; d: number } | null = null;
    for (const s of analysis.stages) {
        // The distance is at least the difference in length: most names need no table at all.
        if (s.name === null || Math.abs(s.name.length - text.length) > max || sameName(s.name, text)) continue;
        const d = editDistance(text, s.name);
        if (d <= max && (best === null || d < best.d)) best = { name: s.name, index: s.index, d };
    }
    return best ? { name: best.name, index: best.index } : null;
}

export function toSeverity(name: DiagnosticSeverityName): DiagnosticSeverity | null {
    switch (name) {
        case 'error': return DiagnosticSeverity.Error;
        case 'warning': return DiagnosticSeverity.Warning;
        case 'information': return DiagnosticSeverity.Information;
        case 'hint': return DiagnosticSeverity.Hint;
        default: return null;
    }
}

/**
 * `workspace`: which stages the workspace's builds (compose, Bake, CI) need, when the server knows
 * them: a stage one of them needs is not unused, and an unused one says that nothing builds it.
 */
export function provideDiagnostics(
    _document: TextDocument,
    analysis: Analysis,
    settings: StagecraftSettings,
    workspace?: StageBuilds,
): Diagnostic[] {
    const out: Diagnostic[] = [];
    const add = (codeId: string, range: Range, message: string, data: StageDiagnosticData, tags?: DiagnosticTag[]) => {
        const severity = toSeverity(severityFor(settings, codeId));
        if (severity === null) return;
        const d: Diagnostic = { range, severity, code: codeId, source: DIAGNOSTIC_SOURCE, message, data };
        if (tags) d.tags = tags;
        out.push(d);
    };
    const stages = analysis.stages;
    const isFlagRef = (r: StageRef) => r.kind !== 'from';

    for (const stage of stages) {
        // Stage names: reserved, duplicate.
        if (stage.name !== null && stage.nameRange) {
            if (RESERVED.some((r) => sameName(r, stage.name as string))) {
                add('reserved-stage-name', stage.nameRange,
                    `${code(stage.name)} is a reserved name: BuildKit refuses a stage named ${code(stage.name.toLowerCase())}. Choose another name.`,
                    { code: 'reserved-stage-name', stage: stage.index, name: stage.name });
            }
            const first = stages.find((s) => s.index < stage.index && s.name !== null && sameName(s.name, stage.name as string));
            if (first) {
                add('duplicate-stage-name', stage.nameRange,
                    `Duplicate stage name ${code(stage.name)}: stage ${first.index} (line ${first.line}) already has it; references resolve to the first one.`,
                    { code: 'duplicate-stage-name', stage: stage.index, name: stage.name, refStage: first.index });
            }
        }

        for (const r of stage.refs) {
            if (r.self) {
                add('self-reference', r.range,
                    `Stage ${code(stageLabel(stage))} refers to itself (${code(r.text)}): a stage cannot copy or mount from itself.`,
                    { code: 'self-reference', stage: stage.index, refText: r.text });
                continue;
            }
            if (r.forward && r.stage !== null) {
                const t = stages[r.stage];
                add('forward-reference', r.range,
                    `Stage ${code(t ? stageLabel(t) : String(r.stage))} is defined later (line ${t?.line ?? '?'}): BuildKit accepts a forward reference, the classic builder does not. Move it above stage ${code(stageLabel(stage))}.`,
                    { code: 'forward-reference', stage: stage.index, refText: r.text, refStage: r.stage });
                continue;
            }
            if (isFlagRef(r) && r.stage === null) {
                if (r.numeric) {
                    add('unknown-stage', r.range,
                        `${code(r.text)} names no stage: this file has ${stages.length} stage${stages.length === 1 ? '' : 's'} (0 to ${stages.length - 1}).`,
                        { code: 'unknown-stage', stage: stage.index, refText: r.text });
                    continue;
                }
                const near = nearestStageName(analysis, r.text);
                if (near) {
                    add('unknown-stage', r.range,
                        `${code(r.text)} names no stage; did you mean ${code(near.name)}? (As written it is pulled as an image or a named build context.)`,
                        { code: 'unknown-stage', stage: stage.index, refText: r.text, suggestion: near.name, suggestionIndex: near.index });
                }
            }
        }

        for (const h of stage.heavySteps) {
            const c = h.afterBroadCopy;
            if (!c) continue;
            const copyText = `${c.keyword} ${c.sources.join(' ')} ${c.dest}`;
            add('heavy-after-broad-copy', h.range,
                `${code(h.command)} runs after ${code(copyText)} (line ${c.line}): every source change busts its cache. Copy only the files it needs first, or split it into its own stage.`,
                { code: 'heavy-after-broad-copy', stage: stage.index, line: h.line, copyLine: c.line, tool: h.tool, command: h.command, kind: h.kind });
        }
    }

    if (analysis.target !== null) {
        const target = stages[analysis.target];
        for (const i of analysis.unused) {
            const s = stages[i];
            if (!s || !target || (workspace?.neededBy[i]?.length ?? 0) > 0) continue;
            const nothing = workspace ? ', and no compose service, Bake target, workflow or Makefile in the workspace builds it' : '';
            add('unused-stage', stageBodyRange(s),
                `Stage ${code(stageLabel(s))} is not needed by the target ${code(stageLabel(target))}${nothing}: BuildKit skips it, the classic builder still builds it.`,
                { code: 'unused-stage', stage: i, target: analysis.target }, [DiagnosticTag.Unnecessary]);
        }
    }

    for (const p of analysis.problems) {
        if (p.code === 'no-stages') continue;
        add(p.code, p.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, p.message,
            { code: p.code, stage: -1 });
    }
    return out;
}

/**
 * Quick-fixes and refactorings, each a WorkspaceEdit the editor can preview:
 * - split a heavy step into its own stage (splitStep.ts), for `heavy-after-broad-copy` and on
 *   the RUN itself;
 * - name an unnamed stage (`AS name`) and use the name in its numeric `--from=N` references;
 * - extract an external image used by several stages into an alias stage.
 * Pure: the analysis and the text in, actions out. `settings.features.codeActions` is applied by
 * the server before calling this.
 *
 * Every edit is checked against the current document before it is offered (an action whose range
 * is not inside it is dropped; the typo fix takes its range from the current analysis, not from
 * the diagnostic the client sends back), and goes out as versioned `documentChanges`: an editor
 * whose document has changed since refuses the edit instead of applying it at the wrong place.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeActionParams } from 'vscode-languageserver-protocol';
import type { CodeAction, Diagnostic, Position, Range, TextEdit } from 'vscode-languageserver-types';
import type { Analysis, Stage } from '../analysis';
import { DIAGNOSTIC_SOURCE } from '../common/protocol';
import type { StagecraftSettings } from '../common/settings';
import { planSplit, splitAction } from './splitStep';
import {
    nameFromImage,
    normalizeEdits,
    numericShifts,
    takenNames,
    toLines,
    uniqueName,
    type Lines,
} from './splitSupport';

export const HEAVY_CODE = 'heavy-after-broad-copy';

function overlaps(a: Range, b: Range): boolean {
    const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
    return !before(a.end, b.start) && !before(b.end, a.start);
}

export function provideCodeActions(
    document: TextDocument,
    analysis: Analysis,
    params: CodeActionParams,
    _settings: StagecraftSettings,
): CodeAction[] {
    const only = params.context.only;
    const wants = (kind: string) => !only || only.length === 0 || only.some((k) => kind === k || kind.startsWith(k + '.'));
    const text = document.getText();
    const doc = toLines(text);
    const out: CodeAction[] = [];
    // Errors are not caught here: the server's handler wrapper logs them and answers [].
    if (wants('quickfix')) out.push(...splitActions(document.uri, text, analysis, params));
    if (wants('quickfix')) out.push(...typoActions(document.uri, document.version, params, (d) => stageRefRange(analysis, d)));
    if (wants('refactor.rewrite')) out.push(...nameStageActions(document.uri, analysis, params.range));
    if (wants('refactor.extract')) out.push(...extractBaseActions(document.uri, doc, analysis, params.range));
    return out.flatMap((action) => {
        const checked = versioned(document, action);
        return checked ? [checked] : [];
    });
}

/**
 * The action with its edits (`changes` of this document) as versioned `documentChanges`, or null
 * when an edit's range is not inside the current document (the action is then not offered).
 */
export function versioned(document: TextDocument, action: CodeAction): CodeAction | null {
    const edits = action.edit?.changes?.[document.uri];
    if (!edits) return action;
    // Inside the document: a position the document maps to an offset and back unchanged.
    const inside = (p: Position) => {
        if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return false;
        const q = document.positionAt(document.offsetAt(p));
        return q.line === p.line && q.character === p.character;
    };
    for (const e of edits) {
        if (!inside(e.range.start) || !inside(e.range.end) || document.offsetAt(e.range.start) > document.offsetAt(e.range.end)) return null;
    }
    return { ...action, edit: { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits }] } };
}

export const sameRange = (a: Range, b: Range): boolean => a.start.line === b.start.line && a.start.character === b.start.character
    && a.end.line === b.end.line && a.end.character === b.end.character;

/**
 * `--from=buildr` -> `--from=builder` (and `target: buildr` in a compose, Bake or CI file): the
 * nearest stage name the diagnostic suggests, at the range `rangeOf` finds for the diagnostic in the
 * current text (null: the diagnostic is from an older version, or made up, and gets no edit).
 * A versioned edit (`version` null: a file not open in the editor).
 */
export function typoActions(uri: string, version: number | null, params: CodeActionParams, rangeOf: (d: Diagnostic) => Range | null): CodeAction[] {
    const out: CodeAction[] = [];
    for (const d of params.context.diagnostics) {
        const data = d.data as { code?: string; suggestion?: string } | undefined;
        if (d.source !== DIAGNOSTIC_SOURCE || (d.code !== 'unknown-stage' && d.code !== 'unknown-build-target') || !data?.suggestion) continue;
        const range = rangeOf(d);
        if (!range) continue;
        out.push({
            title: `Change to \`${data.suggestion}\``,
            kind: 'quickfix',
            diagnostics: [d],
            isPreferred: true,
            edit: { documentChanges: [{ textDocument: { uri, version }, edits: [{ range, newText: data.suggestion }] }] },
        });
    }
    return out;
}

/** In a Dockerfile: the unknown `--from` reference of the current analysis the diagnostic points at (same range, same text). */
function stageRefRange(analysis: Analysis, d: Diagnostic): Range | null {
    const data = d.data as { refText?: string; suggestion?: string } | undefined;
    if (d.code !== 'unknown-stage') return null;
    const ref = analysis.stages.flatMap((s) => s.refs).find((r) => sameRange(r.range, d.range) && r.kind !== 'from' && r.stage === null);
    if (!ref || (data?.refText !== undefined && ref.text !== data.refText)) return null;
    return analysis.stages.some((s) => s.name === data?.suggestion) ? ref.range : null;
}

function splitActions(uri: string, text: string, analysis: Analysis, params: CodeActionParams): CodeAction[] {
    const out: CodeAction[] = [];
    const seen = new Set<number>();
    for (const stage of analysis.stages) {
        for (const heavy of stage.heavySteps) {
            if (!heavy.afterBroadCopy || seen.has(heavy.line)) continue;
            const diagnostics = params.context.diagnostics.filter(
                (d: Diagnostic) => d.source === DIAGNOSTIC_SOURCE && d.code === HEAVY_CODE && overlaps(d.range, heavy.range),
            );
            if (diagnostics.length === 0 && !overlaps(params.range, heavy.range)) continue;
            seen.add(heavy.line);
            const result = planSplit(text, analysis, stage, heavy);
            if (result.plan) out.push(splitAction(uri, result.plan, diagnostics));
        }
    }
    return out;
}

/** `Name this stage`: on an unnamed stage's FROM, or on a numeric reference to it. */
function nameStageActions(uri: string, analysis: Analysis, range: Range): CodeAction[] {
    const targets = new Set<number>();
    for (const stage of analysis.stages) {
        if (stage.name === null && stage.imageRange && overlaps(range, stage.fromRange)) targets.add(stage.index);
        for (const ref of stage.refs) {
            if (ref.numeric && ref.stage !== null && overlaps(range, ref.range)) {
                const target = analysis.stages[ref.stage];
                if (target && target.name === null && target.imageRange) targets.add(target.index);
            }
        }
    }
    const out: CodeAction[] = [];
    for (const index of targets) {
        const stage = analysis.stages[index];
        const name = uniqueName(nameFromImage(stage.fromResolved ?? stage.from), takenNames(analysis));
        const asKeyword = stage.fromKeyword === stage.fromKeyword.toLowerCase() ? 'as' : 'AS';
        const edits: TextEdit[] = [{ range: { start: stage.imageRange!.end, end: stage.imageRange!.end }, newText: ` ${asKeyword} ${name}` }];
        let refs = 0;
        for (const s of analysis.stages) {
            for (const ref of s.refs) {
                if (ref.numeric && ref.stage === index) {
                    edits.push({ range: ref.range, newText: name });
                    refs++;
                }
            }
        }
        const also = refs === 0 ? '' : ` and use it in ${refs} numeric reference${refs === 1 ? '' : 's'}`;
        out.push({
            title: `Name this stage "${name}"${also}`,
            kind: 'refactor.rewrite',
            edit: { changes: { [uri]: normalizeEdits(edits) } },
        });
    }
    return out;
}

/** Stages that take the same external image (same text, same --platform) straight from a registry. */
function externalGroups(analysis: Analysis): Stage[][] {
    const groups = new Map<string, Stage[]>();
    for (const stage of analysis.stages) {
        if (stage.parent !== null || !stage.imageRange || stage.from === '') continue;
        const image = stage.fromResolved ?? stage.from;
        if (image.toLowerCase() === 'scratch') continue;
        if (stage.fromResolved === null && stage.from.includes('$')) continue;
        const key = `${stage.platformFlag ?? ''}\u0000${stage.from}`;
        groups.set(key, [...(groups.get(key) ?? []), stage]);
    }
    return [...groups.values()].filter((g) => g.length >= 2);
}

/** `Extract a shared base image into an alias stage`: on the FROM of any stage of such a group. */
function extractBaseActions(uri: string, doc: Lines, analysis: Analysis, range: Range): CodeAction[] {
    const out: CodeAction[] = [];
    for (const group of externalGroups(analysis)) {
        if (!group.some((s) => overlaps(range, s.fromRange))) continue;
        const existing = group.find((s) => s.name !== null && s.instructions.length === 0);
        if (existing) {
            const action = reuseAliasAction(uri, existing, group);
            if (action) out.push(action);
            continue;
        }
        const first = group[0];
        const taken = takenNames(analysis);
        const base = nameFromImage(first.fromResolved ?? first.from);
        const alias = taken.has(base) ? uniqueName(`${base}-base`, taken) : uniqueName(base, taken);
        const eol = doc.eol;
        const platform = first.platformFlag !== null ? ` --platform=${first.platformFlag}` : '';
        const aliasText = `# ${alias}: the ${first.from} image, shared by ${group.length} stages${eol}` +
            `${first.fromKeyword}${platform} ${first.from} AS ${alias}${eol}${eol}`;
        const insertLine = first.commentsAbove ?? first.fromRange.start.line;
        const edits: TextEdit[] = [{ range: { start: { line: insertLine, character: 0 }, end: { line: insertLine, character: 0 } }, newText: aliasText }];
        for (const stage of group) {
            const edit = fromAliasEdit(stage, alias);
            if (edit) edits.push(edit);
        }
        for (const s of numericShifts(analysis, first.index)) edits.push({ range: s.range, newText: s.newText });
        out.push({
            title: `Extract ${first.from} (used by ${group.length} stages) into an alias stage "${alias}"`,
            kind: 'refactor.extract',
            edit: { changes: { [uri]: normalizeEdits(edits) } },
        });
    }
    return out;
}

/** Rewrites a stage's `FROM [--platform=p] image` to `FROM alias` (the platform belongs to the alias stage now). */
function fromAliasEdit(stage: Stage, alias: string): TextEdit | null {
    if (!stage.imageRange) return null;
    const flags = stage.fromFlags.filter((f) => f.name.toLowerCase() !== 'platform').map((f) => f.text).join(' ');
    return { range: { start: stage.fromRange.start, end: stage.imageRange.end }, newText: `${stage.fromKeyword} ${flags ? `${flags} ` : ''}${alias}` };
}

/** The group already has an alias stage (named, no instructions): the later stages use it. */
function reuseAliasAction(uri: string, alias: Stage, group: Stage[]): CodeAction | null {
    const users = group.filter((s) => s.index > alias.index);
    if (users.length === 0 || !alias.name) return null;
    const edits = users.map((s) => fromAliasEdit(s, alias.name!)).filter((e): e is TextEdit => e !== null);
    return {
        title: `Use the alias stage "${alias.name}" for ${alias.from} in ${users.length} stage${users.length === 1 ? '' : 's'}`,
        kind: 'refactor.extract',
        edit: { changes: { [uri]: normalizeEdits(edits) } },
    };
}

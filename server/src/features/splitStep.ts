/**
 * "Split heavy step into its own stage": for a dependency install that runs after a broad COPY
 * of the build context, a new stage before the stage copies only the manifests that install
 * reads and runs it; the stage then builds `FROM` it and keeps its broad COPY and the rest.
 *
 *   FROM node:20 AS app               # app-deps: npm dependencies of app, ...
 *   WORKDIR /app                      FROM node:20 AS app-deps
 *   COPY . .                    ==>   WORKDIR /app
 *   RUN npm ci                        COPY package.json package-lock.json* ... ./
 *   RUN npm run build                 RUN npm ci
 *
 *                                     FROM app-deps AS app
 *                                     COPY . .
 *                                     RUN npm run build
 *
 * Why the result has the same files: everything before the broad COPY runs unchanged in the new
 * stage; the instructions between the COPY and the install may only be image settings (ENV, ARG,
 * USER, LABEL, ...), which the stage inherits (ARGs, which are not inherited, are declared again);
 * the install reads only its manifests, which the COPY brings at the same paths; the stage's own
 * broad COPY then lays the sources over the result exactly as before. The fix is not offered when
 * any of that cannot be shown (unknown commands in the RUN, a WORKDIR change in between, ...).
 * Assumed, and said in the new stage's comment: files the install writes into the source folder
 * (node_modules, vendor, obj) are excluded by .dockerignore, so the COPY does not overlay them.
 */
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import type { Analysis, HeavyStep, Stage } from '../analysis';
import { runMove, sourcesToCopy } from '../analysis/tools';
import {
    lineInside,
    nameFromImage,
    normalizeEdits,
    numericShifts,
    sliceLines,
    takenNames,
    textOf,
    toLines,
    uniqueName,
    type Replacement,
} from './splitSupport';

export const SPLIT_TITLE = 'Split heavy step into its own stage';

/** Instructions that may sit between the broad COPY and the install: image settings only. */
const SETTINGS_ONLY = new Set(['ENV', 'ARG', 'LABEL', 'USER', 'EXPOSE', 'STOPSIGNAL', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT', 'MAINTAINER', 'SHELL']);

export interface SplitPlan {
    /** The new stage's name. */
    depsName: string;
    edits: TextEdit[];
    title: string;
}

export type SplitResult = { plan: SplitPlan; reason: null } | { plan: null; reason: string };

const refuse = (reason: string): SplitResult => ({ plan: null, reason });

function normalizeDir(p: string): string {
    const s = p.replace(/\/+$/, '').replace(/\/\.$/, '');
    return s === '' ? '/' : s;
}

/** Plans the split of the RUN holding `heavy` in `stage`; or says why it is not offered. */
export function planSplit(text: string, analysis: Analysis, stage: Stage, heavy: HeavyStep): SplitResult {
    const copy = heavy.afterBroadCopy;
    if (!copy) return refuse('the step does not come after a broad COPY');
    const doc = toLines(text);
    const instrs = stage.instructions;
    const b = instrs.findIndex((i) => i.line === copy.line);
    const h = instrs.findIndex((i) => i.line === heavy.line && i.keyword === 'RUN');
    if (b < 0 || h <= b) return refuse('the COPY and the RUN are not in order');
    if (!stage.imageRange || stage.from === '') return refuse('the FROM has no image');

    // The broad COPY: the whole context, to a plain destination.
    if (copy.sources.length !== 1 || !['.', './'].includes(copy.sources[0])) return refuse('the COPY does not take the whole context');
    const broadCopy = instrs[b];
    if (copy.dest.includes('$') || broadCopy.args.includes('$') || broadCopy.flags.some((f) => f.text.includes('$'))) return refuse('the COPY uses variables');
    const prefix = instrs.slice(0, b);
    const middle = instrs.slice(b + 1, h);
    if (prefix.some((i) => i.keyword === 'ONBUILD')) return refuse('the stage has ONBUILD triggers');
    if (stage.contextCopies.some((c) => c.broad && c.line < copy.line)) return refuse('an earlier broad COPY');
    const bad = middle.find((i) => !SETTINGS_ONLY.has(i.keyword));
    if (bad) return refuse(`${bad.keyword} on line ${bad.line} runs between the COPY and the install`);

    // The RUN: only installs (and harmless housekeeping).
    const run = instrs[h];
    const needs = runMove(run.script ?? '');
    if (!needs.movable) return refuse(needs.reason ?? 'the RUN needs the sources');

    // Where the manifests go: the COPY's destination must be the RUN's working directory, or
    // the install would not read what we copy.
    let destDir: string;
    if (copy.dest === '.' || copy.dest === './') {
        destDir = '.';
    } else if (copy.dest.startsWith('/')) {
        const workdirs = prefix.filter((i) => i.keyword === 'WORKDIR');
        const wd = workdirs.length > 0 ? workdirs[workdirs.length - 1].args.trim() : null;
        if (needs.files.length > 0 && (wd === null || !wd.startsWith('/') || wd.includes('$') || normalizeDir(wd) !== normalizeDir(copy.dest))) {
            return refuse('the COPY destination is not the working directory of the install');
        }
        destDir = normalizeDir(copy.dest);
    } else {
        if (needs.files.length > 0) return refuse('the COPY destination is a relative folder');
        destDir = copy.dest;
    }

    // Names and renumbering.
    const taken = takenNames(analysis);
    const depsName = uniqueName(`${stage.name ?? nameFromImage(stage.from)}-deps`, taken);
    const shifts = numericShifts(analysis, stage.index);

    const fromFirst = stage.fromRange.start.line;
    const fromLast = stage.fromRange.end.line;
    const copyFirst = copy.range.start.line;
    const copyLast = copy.range.end.line;
    const runLast = run.range.end.line;
    const blockStart = stage.commentsAbove ?? fromFirst;
    const movedPrefix = (r: Replacement) => lineInside(r, fromLast + 1, copyFirst - 1);
    const movedTail = (r: Replacement) => lineInside(r, copyLast + 1, runLast);

    // The new stage.
    const eol = doc.eol;
    const out: string[] = [];
    const label = stage.name ?? `stage ${stage.index}`;
    const caveats = needs.caveats.length > 0 ? ` (${needs.caveats.join('; ')})` : '';
    out.push(`# ${depsName}: ${needs.tools.join(', ')} dependencies of ${label}, installed from the manifests only so that their cache survives source changes${caveats}`);
    const fromEdit: Replacement = stage.nameRange
        ? { range: stage.nameRange, newText: depsName }
        : { range: { start: stage.fromRange.end, end: stage.fromRange.end }, newText: ` AS ${depsName}` };
    out.push(sliceLines(doc, fromFirst, fromLast, [fromEdit]));
    if (copyFirst > fromLast + 1) out.push(sliceLines(doc, fromLast + 1, copyFirst - 1, shifts.filter(movedPrefix)));
    const sources = sourcesToCopy(needs.files);
    if (sources.length > 0) {
        // Every flag of the broad COPY (--chown, --chmod, --link, ...), as written: the manifests
        // land with the owner, mode and layer semantics the COPY gave them.
        const flags = broadCopy.flags.map((f) => f.text);
        // One COPY per folder: a COPY of several files flattens them into its destination.
        const byDir = new Map<string, string[]>();
        for (const s of sources) {
            const slash = s.lastIndexOf('/');
            const dir = slash < 0 ? '' : s.slice(0, slash);
            byDir.set(dir, [...(byDir.get(dir) ?? []), s]);
        }
        for (const [dir, files] of byDir) {
            // A COPY whose sources are all optional (`x*`) fails when none exists: keep only folders with a required file.
            if (files.every((f) => f.endsWith('*'))) continue;
            const dest = dir === '' ? (destDir === '.' ? './' : `${destDir}/`) : `${destDir === '.' ? '.' : destDir}/${dir}/`;
            out.push([copy.keyword, ...flags, ...files, dest.replace(/^\.\/\.\//, './')].join(' '));
        }
    }
    out.push(sliceLines(doc, copyLast + 1, runLast, shifts.filter(movedTail)));
    out.push('');

    // The stage itself: the description block, then FROM the new stage, the ARGs again.
    if (blockStart < fromFirst) out.push(sliceLines(doc, blockStart, fromFirst - 1));
    const tail = textOf(doc, { start: stage.imageRange.end, end: stage.fromRange.end });
    out.push(`${stage.fromKeyword} ${depsName}${tail}`);
    for (const arg of [...prefix, ...middle].filter((i) => i.keyword === 'ARG')) {
        out.push(sliceLines(doc, arg.range.start.line, arg.range.end.line));
    }

    const edits: TextEdit[] = [
        // From the description block through the prefix: the new stage, then the new FROM.
        { range: { start: { line: blockStart, character: 0 }, end: { line: copyFirst, character: 0 } }, newText: out.join(eol) + eol },
    ];
    // The settings between the COPY and the install, and the install: now in the new stage.
    if (runLast + 1 < doc.lines.length) {
        edits.push({ range: { start: { line: copyLast + 1, character: 0 }, end: { line: runLast + 1, character: 0 } }, newText: '' });
    } else {
        edits.push({
            range: { start: { line: copyLast, character: doc.lines[copyLast].length }, end: { line: runLast, character: doc.lines[runLast].length } },
            newText: '',
        });
    }
    for (const s of shifts) {
        if (!lineInside(s, blockStart, copyFirst - 1) && !lineInside(s, copyLast + 1, runLast)) edits.push({ range: s.range, newText: s.newText });
    }
    return {
        // The title is the name of the fix (the UI tests click it); the preview shows the new stage.
        plan: { depsName, edits: normalizeEdits(edits), title: SPLIT_TITLE },
        reason: null,
    };
}

/** The split quick-fix as a code action for the document at `uri`. */
export function splitAction(uri: string, plan: SplitPlan, diagnostics: Diagnostic[]): CodeAction {
    return {
        title: plan.title,
        kind: 'quickfix',
        diagnostics: diagnostics.length > 0 ? diagnostics : undefined,
        isPreferred: diagnostics.length > 0 ? true : undefined,
        edit: { changes: { [uri]: plan.edits } },
    };
}

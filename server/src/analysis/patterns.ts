/**
 * The talk's five patterns, as rules over the stage graph. Each label comes with a one-line reason.
 * Pure; reads the stages, writes only their `patterns`.
 */
import type { Stage } from './model';
import { isManifestPath } from './commands';

const ALIAS_ONLY = new Set(['ARG', 'ENV', 'WORKDIR', 'LABEL']);

const BLANKS = /\s+/g;

function label(stage: Stage): string {
    return (stage.name ?? `stage ${stage.index}`).replace(BLANKS, ' ');
}

function names(stages: Stage[], indexes: number[]): string {
    let out = label(stages[indexes[0]]);
    for (let k = 1; k < indexes.length; k++) { out += ', ' + label(stages[indexes[k]]); }
    return out;
}

/** Sorted, without repeats; a new array. */
function uniq(xs: number[]): number[] {
    return xs.length < 2 ? xs.slice() : [...new Set(xs)].sort((a, b) => a - b);
}

/** Appends `value` to the list at `lists[i]`, made on first use (most stages have none). */
function add(lists: (number[] | undefined)[], i: number, value: number): void {
    const list = lists[i];
    if (list === undefined) { lists[i] = [value]; } else { list.push(value); }
}

/** No instructions, or a single ARG, ENV, WORKDIR or LABEL. */
export function isAliasShaped(stage: Stage): boolean {
    return stage.instructions.length === 0
        || (stage.instructions.length === 1 && ALIAS_ONLY.has(stage.instructions[0].keyword));
}

/**
 * Labels every stage. In phases (small functions are optimised sooner by V8 than one big one),
 * with indexed loops; the order of the labels on a stage is the order of the phases.
 */
export function classify(stages: Stage[]): void {
    const refs = whoRefers(stages);
    for (let k = 0; k < stages.length; k++) { labelUsed(stages, stages[k], refs); }
    // tested-app needs the builder labels above.
    for (let k = 0; k < stages.length; k++) { if (stages[k].testSteps.length > 0) { labelTested(stages, stages[k]); } }
    for (let k = 0; k < stages.length; k++) {
        const s = stages[k];
        if (s.heavySteps.length > 0 && s.usedBy.length > 0) { labelSplitStep(s); }
    }
}

interface Referrers {
    /** Stages that name it (not by number). */
    byNameUsers: (number[] | undefined)[];
    /** Stages that build on it (FROM). */
    fromChildren: (number[] | undefined)[];
    /** Stages that take from it (COPY --from, RUN --mount from=). */
    consumers: (number[] | undefined)[];
}

/** Who refers to whom, and how (lists made only for stages that are referred to). */
function whoRefers(stages: Stage[]): Referrers {
    const n = stages.length;
    const r: Referrers = { byNameUsers: new Array(n), fromChildren: new Array(n), consumers: new Array(n) };
    for (let k = 0; k < n; k++) {
        const s = stages[k];
        for (let j = 0; j < s.refs.length; j++) {
            const ref = s.refs[j];
            if (ref.stage === null || ref.self) { continue; }
            if (!ref.numeric) { add(r.byNameUsers, ref.stage, s.index); }
            if (ref.kind === 'from') { add(r.fromChildren, ref.stage, s.index); } else { add(r.consumers, ref.stage, s.index); }
        }
    }
    return r;
}

/** alias, builder-app and inner-base: what the other stages do with this one. */
function labelUsed(stages: Stage[], s: Stage, r: Referrers): void {
    if (s.patterns.length > 0) { s.patterns = []; }
    const users = r.byNameUsers[s.index];
    const alias = isAliasShaped(s) && s.name !== null && users !== undefined && users.length > 0;
    if (alias) {
        s.patterns.push({
            label: 'alias',
            reason: `names ${s.fromResolved ?? s.from} once for ${names(stages, uniq(users!))}`,
        });
    }
    const consumers = r.consumers[s.index];
    if (!alias && consumers !== undefined && consumers.length > 0) {
        const cons = uniq(consumers);
        s.patterns.push({
            label: 'builder-app',
            reason: `builds what ${names(stages, cons)} ${cons.length === 1 ? 'takes' : 'take'} from it (COPY --from or RUN --mount from=)`,
        });
    }
    const children = r.fromChildren[s.index];
    if (children !== undefined && children.length >= 2 && !isAliasShaped(s)) {
        const unique = uniq(children);
        if (unique.length >= 2) {
            s.patterns.push({
                label: 'inner-base',
                reason: `a base image built in this Dockerfile for ${names(stages, unique)}`,
            });
        }
    }
}

/** tested-app: runs tests on what other (non-alias) stages built. */
function labelTested(stages: Stage[], s: Stage): void {
    const refd: number[] = [];
    for (let j = 0; j < s.refs.length; j++) {
        const r = s.refs[j];
        if (r.stage !== null && !r.self && !isAliasShaped(stages[r.stage])) { refd.push(r.stage); }
    }
    const builders = uniq(refd);
    if (builders.length > 0) {
        s.patterns.push({
            label: 'tested-app',
            reason: `runs ${s.testSteps[0].command} on what ${names(stages, builders)} built`,
        });
    }
}

/** split-step: a heavy step in a stage that copies only manifests (or nothing), others building on it. */
function labelSplitStep(s: Stage): void {
    const sources: string[] = []; // (not flatMap: slow in V8)
    for (let k = 0; k < s.contextCopies.length; k++) {
        const c = s.contextCopies[k];
        if (c.broad) { return; }
        for (let j = 0; j < c.sources.length; j++) {
            if (!isManifestPath(c.sources[j])) { return; }
            sources.push(c.sources[j]);
        }
    }
    for (let k = 0; k < s.heavySteps.length; k++) { if (s.heavySteps[k].afterBroadCopy !== null) { return; } }
    const what = s.contextCopies.length === 0 ? 'nothing from the build context' : `only ${sources.join(', ')}`;
    s.patterns.push({
        label: 'split-step',
        reason: `isolates ${s.heavySteps[0].command}; copies ${what}, so its cache survives source changes`,
    });
}

/**
 * The talk's five patterns, as rules over the stage graph, each label with a one-line reason; and
 * for the labels a stage almost has, why not (`nearMisses`). The rules were checked against the
 * hand-labelled real files in test/fixtures/real (the README there says how they were labelled).
 * Pure; reads the stages, writes only their `patterns` and `nearMisses`.
 *
 * - alias: named; no instructions or one setting (ARG, ENV, WORKDIR, LABEL); other stages name it,
 *   also through a FROM that picks it by platform or ARG (`FROM binaries-$TARGETOS`).
 * - builder-app: not an alias; another stage takes its files (COPY --from, RUN --mount from=),
 *   directly or through an alias of it.
 * - inner-base: real instructions; two or more stages build on it (counting the FROMs that pick it).
 * - tested-app: runs tests on a non-alias stage it builds on or takes files from.
 * - split-step: one heavy step isolated from the sources, which another stage uses (split()).
 */
import type { PatternLabel, Stage } from './model';
import { isManifestPath } from './tools';

const ALIAS_ONLY = new Set(['ARG', 'ENV', 'WORKDIR', 'LABEL']);
const SETTINGS = new Set(['ARG', 'ENV', 'WORKDIR', 'LABEL', 'USER', 'EXPOSE', 'STOPSIGNAL', 'SHELL', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'VOLUME', 'MAINTAINER']);

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

interface Referrers {
    /** Stages that name it (not by number), also by picking it through a variable FROM. */
    byNameUsers: (number[] | undefined)[];
    /** Stages that build on it (FROM), also by picking it through a variable FROM. */
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
        for (let j = 0; j < s.choices.length; j++) {
            const c = s.choices[j];
            if (c === s.parent) { continue; }
            add(r.byNameUsers, c, s.index);
            add(r.fromChildren, c, s.index);
        }
    }
    return r;
}

/** Labels every stage; the order of the labels on a stage is the order of the phases. */
export function classify(stages: Stage[]): void {
    const refs = whoRefers(stages);
    const alias: boolean[] = stages.map((s) => isAliasShaped(s) && s.name !== null && (refs.byNameUsers[s.index]?.length ?? 0) > 0);
    for (let k = 0; k < stages.length; k++) {
        const s = stages[k];
        if (s.patterns.length > 0) { s.patterns = []; }
        if (s.nearMisses.length > 0) { s.nearMisses = []; }
        labelAlias(stages, s, refs, alias);
        labelBuilder(stages, s, refs, alias);
        labelInnerBase(stages, s, refs);
    }
    // tested-app needs nothing above; split-step reads the earlier stages' split-step labels.
    for (let k = 0; k < stages.length; k++) { if (stages[k].testSteps.length > 0) { labelTested(stages, stages[k]); } }
    const split: boolean[] = new Array(stages.length).fill(false);
    const readers: number[] = new Array(stages.length);
    for (let k = 0; k < stages.length; k++) { split[k] = labelSplitStep(stages, stages[k], refs, split, readers); }
}

function labelAlias(stages: Stage[], s: Stage, r: Referrers, alias: boolean[]): void {
    const users = r.byNameUsers[s.index];
    if (alias[s.index]) {
        s.patterns.push({ label: 'alias', reason: `names ${s.fromResolved ?? s.from} once for ${names(stages, uniq(users!))}` });
        return;
    }
    // Settings only, named and used, but more than one of them.
    if (s.name !== null && users !== undefined && s.instructions.length > 1 && s.instructions.every((i) => SETTINGS.has(i.keyword))) {
        miss(s, 'alias', `it has ${s.instructions.length} instructions (${s.instructions.map((i) => i.keyword).join(', ')}); an alias has one setting at most`);
    }
}

/**
 * The stages that take files made by `s`: its consumers, and the consumers of the aliases built on
 * it (`FROM builder AS out`, `FROM out-$TARGETOS AS out`), through any chain of aliases.
 */
function takers(s: Stage, r: Referrers, alias: boolean[], seen: Set<number>): { taker: number; via: number | null }[] {
    const out: { taker: number; via: number | null }[] = (r.consumers[s.index] ?? []).map((taker) => ({ taker, via: null }));
    for (const child of r.fromChildren[s.index] ?? []) {
        if (!alias[child] || seen.has(child)) { continue; }
        seen.add(child);
        for (const t of takersOfAlias(child, r, alias, seen)) { out.push({ taker: t, via: child }); }
    }
    return out;
}

function takersOfAlias(a: number, r: Referrers, alias: boolean[], seen: Set<number>): number[] {
    const out = [...(r.consumers[a] ?? [])];
    for (const child of r.fromChildren[a] ?? []) {
        if (!alias[child] || seen.has(child)) { continue; }
        seen.add(child);
        out.push(...takersOfAlias(child, r, alias, seen));
    }
    return out;
}

function labelBuilder(stages: Stage[], s: Stage, r: Referrers, alias: boolean[]): void {
    if (alias[s.index] || (r.consumers[s.index] === undefined && r.fromChildren[s.index] === undefined)) { return; }
    const found = takers(s, r, alias, new Set([s.index]));
    if (found.length === 0) { return; }
    const direct = uniq(found.filter((f) => f.via === null).map((f) => f.taker));
    const all = uniq(found.map((f) => f.taker));
    const verb = all.length === 1 ? 'takes' : 'take';
    const through = found.find((f) => f.via !== null);
    const reason = direct.length > 0
        ? `builds what ${names(stages, all)} ${verb} from it (COPY --from or RUN --mount from=)`
        : `builds what ${names(stages, all)} ${verb} from it through the alias ${label(stages[through!.via!])}`;
    s.patterns.push({ label: 'builder-app', reason });
}

function labelInnerBase(stages: Stage[], s: Stage, r: Referrers): void {
    if (isAliasShaped(s)) { return; }
    const children = uniq(r.fromChildren[s.index] ?? []);
    if (children.length >= 2) {
        s.patterns.push({ label: 'inner-base', reason: `a base image built in this Dockerfile for ${names(stages, children)}` });
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
        s.patterns.push({ label: 'tested-app', reason: `runs ${s.testSteps[0].command} on what ${names(stages, builders)} built` });
    } else {
        miss(s, 'tested-app', `it runs ${s.testSteps[0].command} on an image, not on a stage built in this Dockerfile`);
    }
}

function miss(s: Stage, l: PatternLabel, why: string): void {
    s.nearMisses.push({ label: l, reason: `not ${l === 'alias' || l === 'inner-base' ? 'an' : 'a'} ${NAMES[l]}: ${why}` });
}

const NAMES: Record<PatternLabel, string> = {
    'builder-app': 'builder', alias: 'alias', 'inner-base': 'inner base', 'tested-app': 'tested app', 'split-step': 'split step',
};

/**
 * The stage, this one or one it builds on (FROM, FROM, ...), that reads the whole source: a broad
 * COPY or a bind mount of the context. -1 when none does. Memoised per stage in `memo`.
 */
function sourceReader(stages: Stage[], i: number, memo: number[]): number {
    if (memo[i] !== undefined) { return memo[i]; }
    const s = stages[i];
    let found = -1;
    if (s.contextCopies.some((c) => c.broad) || s.contextMounts.some((m) => m.broad)) {
        found = i;
    } else if (s.parent !== null && s.parent < i) {
        // Through the stages it builds on, only the whole context counts (`COPY . .`): a base that
        // copies `tools/npm` (a file or a folder, the text cannot tell) is not the project's source.
        const up = sourceReader(stages, s.parent, memo);
        found = up !== -1 && wholeContext(stages[up]) ? up : -1;
    }
    memo[i] = found;
    return found;
}

const WHOLE = /^(\.|\.\/|\*|\.\/\*)$/;

function wholeContext(s: Stage): boolean {
    return s.contextCopies.some((c) => c.sources.some((src) => WHOLE.test(src))) || s.contextMounts.some((m) => WHOLE.test(m.source));
}

/** Why the stage's cache cannot survive a source change: the whole source it (or its base) reads. */
function readsSources(stages: Stage[], s: Stage, memo: number[]): string | null {
    const i = sourceReader(stages, s.index, memo);
    if (i === -1) { return null; }
    const t = stages[i];
    const copy = i === s.index ? t.contextCopies.find((c) => c.broad) : t.contextCopies.find((c) => c.sources.some((src) => WHOLE.test(src)));
    if (copy) {
        const what = copy.sources.some((src) => WHOLE.test(src)) ? 'the whole source' : 'a folder of the sources';
        return `${i === s.index ? 'it copies' : `it builds on ${label(t)}, which copies`} ${what} (${copy.keyword} ${copy.sources.join(' ')} on line ${copy.line})`;
    }
    const mount = i === s.index ? t.contextMounts.find((m) => m.broad)! : t.contextMounts.find((m) => WHOLE.test(m.source))!;
    const what = WHOLE.test(mount.source) ? 'the whole source' : 'a folder of the sources';
    return `${i === s.index ? 'it reads' : `it builds on ${label(t)}, which reads`} ${what} through a bind mount (line ${mount.line})`;
}

/**
 * split-step: the stage runs a heavy step (a dependency install from manifests, a pinned tool or
 * dependency fetched or built, OS packages another stage copies) without the project's sources,
 * and another stage uses it. Not a split step: a stage that reads the whole source (or builds on
 * one that does), copies source files besides manifests, runs tests, takes files built from the
 * sources, or only serves as a base (OS packages or tools that other stages build on).
 */
function labelSplitStep(stages: Stage[], s: Stage, r: Referrers, split: boolean[], readers: number[]): boolean {
    const heavy = s.heavySteps[0];
    // A build of what it takes from another stage or image (a clone, a mounted source), with nothing from the context.
    const thirdPartyBuild = heavy === undefined && s.buildSteps.length > 0 && s.contextCopies.length === 0 && s.contextMounts.length === 0
        && s.refs.some((r) => r.kind !== 'from');
    if (heavy === undefined && !thirdPartyBuild) { return false; }
    const what = heavy !== undefined ? heavy.command : s.buildSteps[0].command;
    const consumers = r.consumers[s.index] ?? [];
    const children = r.fromChildren[s.index] ?? [];
    // A stage nobody uses (often the image itself) is no near miss: there is nothing to split it from.
    if (consumers.length === 0 && children.length === 0) { return false; }
    const no = (why: string): false => { miss(s, 'split-step', why); return false; };

    const sources = readsSources(stages, s, readers);
    if (sources !== null) { return no(sources); }
    const script = s.heavySteps.some((h) => h.tool === 'script');
    for (const c of s.contextCopies) {
        const other = c.sources.find((src) => !isManifestPath(src));
        // An installer script copied to run is the step itself; other files are the project's.
        if (other !== undefined && !script) { return no(`it copies ${other} besides the manifests`); }
    }
    if (s.testSteps.length > 0) { return no(`it runs ${s.testSteps[0].command}`); }
    const built = takesBuiltFiles(stages, s, split);
    if (built !== null) { return no(`it takes files built from the sources (from ${label(built)})`); }
    if (consumers.length === 0 && !s.heavySteps.some((h) => h.kind === 'dependencies')) {
        const kind = s.heavySteps.every((h) => h.kind === 'system-packages') ? 'OS packages' : 'tools';
        return no(`it installs ${kind} that ${names(stages, uniq(children))} ${children.length === 1 ? 'builds' : 'build'} on: a base, not a split step`);
    }
    const copied = s.contextCopies.flatMap((c) => c.sources);
    const from = copied.length === 0 ? 'nothing from the build context' : `only ${copied.join(', ')}`;
    s.patterns.push({ label: 'split-step', reason: `isolates ${what}; copies ${from}, so its cache survives source changes` });
    return true;
}

/**
 * The first stage `s` takes files from (COPY --from, mount from=) that is neither a split step nor
 * an alias of an image or of one: its files were built from the sources. Null when there is none.
 */
function takesBuiltFiles(stages: Stage[], s: Stage, split: boolean[]): Stage | null {
    for (const ref of s.refs) {
        if (ref.kind === 'from' || ref.stage === null || ref.self) { continue; }
        const bad = builtFrom(stages, ref.stage, split, new Set());
        if (bad !== null) { return bad; }
    }
    return null;
}

function builtFrom(stages: Stage[], i: number, split: boolean[], seen: Set<number>): Stage | null {
    if (seen.has(i) || i >= split.length) { return null; }
    seen.add(i);
    const t = stages[i];
    if (split[i]) { return null; }
    if (!isAliasShaped(t)) { return t; }
    // An alias: what it names decides (an image is fine, a stage is checked in turn).
    const named = t.choices.length > 0 ? t.choices : t.parent !== null ? [t.parent] : [];
    for (const n of named) {
        const bad = builtFrom(stages, n, split, seen);
        if (bad !== null) { return bad; }
    }
    return null;
}

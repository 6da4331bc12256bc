/**
 * The talk's five patterns, as rules over the stage graph. Each label comes with a one-line reason.
 * Pure; reads the stages, writes only their `patterns`.
 */
import type { Stage } from './model';
import { isManifestPath } from './commands';

const ALIAS_ONLY = new Set(['ARG', 'ENV', 'WORKDIR', 'LABEL']);

function label(stage: Stage): string {
    return (stage.name ?? `stage ${stage.index}`).replace(/\s+/g, ' ');
}

function names(stages: Stage[], indexes: number[]): string {
    return indexes.map((i) => label(stages[i])).join(', ');
}

/** No instructions, or a single ARG, ENV, WORKDIR or LABEL. */
export function isAliasShaped(stage: Stage): boolean {
    return stage.instructions.length === 0
        || (stage.instructions.length === 1 && ALIAS_ONLY.has(stage.instructions[0].keyword));
}

export function classify(stages: Stage[]): void {
    // Who refers to whom, and how.
    const byNameUsers: number[][] = stages.map(() => []);
    const fromChildren: number[][] = stages.map(() => []);
    const consumers: number[][] = stages.map(() => []);
    for (const s of stages) {
        for (const ref of s.refs) {
            if (ref.stage === null || ref.self) { continue; }
            if (!ref.numeric) { byNameUsers[ref.stage].push(s.index); }
            if (ref.kind === 'from') { fromChildren[ref.stage].push(s.index); } else { consumers[ref.stage].push(s.index); }
        }
    }
    const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

    for (const s of stages) {
        s.patterns = [];
        const alias = isAliasShaped(s) && s.name !== null && byNameUsers[s.index].length > 0;
        if (alias) {
            s.patterns.push({
                label: 'alias',
                reason: `names ${s.fromResolved ?? s.from} once for ${names(stages, uniq(byNameUsers[s.index]))}`,
            });
        }
        const cons = uniq(consumers[s.index]);
        if (!alias && cons.length > 0) {
            s.patterns.push({
                label: 'builder-app',
                reason: `builds what ${names(stages, cons)} ${cons.length === 1 ? 'takes' : 'take'} from it (COPY --from or RUN --mount from=)`,
            });
        }
        const children = uniq(fromChildren[s.index]);
        if (!isAliasShaped(s) && children.length >= 2) {
            s.patterns.push({
                label: 'inner-base',
                reason: `a base image built in this Dockerfile for ${names(stages, children)}`,
            });
        }
    }
    // tested-app needs the builder labels above.
    for (const s of stages) {
        if (s.testSteps.length === 0) { continue; }
        const builders = uniq(s.refs
            .filter((r) => r.stage !== null && !r.self && !isAliasShaped(stages[r.stage]))
            .map((r) => r.stage as number));
        if (builders.length > 0) {
            s.patterns.push({
                label: 'tested-app',
                reason: `runs ${s.testSteps[0].command} on what ${names(stages, builders)} built`,
            });
        }
    }
    for (const s of stages) {
        if (s.heavySteps.length === 0 || s.usedBy.length === 0) { continue; }
        const onlyManifests = s.contextCopies.every((c) => !c.broad && c.sources.every(isManifestPath));
        const clean = s.heavySteps.every((h) => h.afterBroadCopy === null);
        if (onlyManifests && clean) {
            const what = s.contextCopies.length === 0 ? 'nothing from the build context'
                : `only ${s.contextCopies.flatMap((c) => c.sources).join(', ')}`;
            s.patterns.push({
                label: 'split-step',
                reason: `isolates ${s.heavySteps[0].command}; copies ${what}, so its cache survives source changes`,
            });
        }
    }
}

/** The `stagecraft analyze --json` shape: stable, documented in the README. */
import type { Analysis, PatternLabel } from './model';

export interface StageJson {
    index: number;
    name: string | null;
    line: number;
    from: string;
    fromResolved: string | null;
    parent: number | null;
    dependsOn: number[];
    externalFrom: string[];
    patterns: PatternLabel[];
    reachable: boolean;
    usedBy: number[];
    reasons: Record<string, string>;
    /** For the patterns the stage almost has: why not. */
    nearMisses: Record<string, string>;
    description: string | null;
    heavySteps: { line: number; command: string; kind: string; afterBroadCopyLine: number | null }[];
    testSteps: { line: number; command: string }[];
}

export interface AnalysisJson {
    target: number | null;
    platform: string;
    stages: StageJson[];
    unused: number[];
    args: { name: string; value: string | null; line: number }[];
    problems: { code: string; message: string }[];
}

export function toJson(a: Analysis): AnalysisJson {
    return {
        target: a.target,
        platform: a.platform,
        stages: a.stages.map((s) => ({
            index: s.index,
            name: s.name,
            line: s.line,
            from: s.from,
            fromResolved: s.fromResolved,
            parent: s.parent,
            dependsOn: s.dependsOn,
            externalFrom: s.externalFrom,
            patterns: s.patterns.map((p) => p.label),
            reachable: s.reachable,
            usedBy: s.usedBy,
            reasons: Object.fromEntries(s.patterns.map((p) => [p.label, p.reason])),
            nearMisses: Object.fromEntries(s.nearMisses.map((m) => [m.label, m.reason])),
            description: s.description,
            heavySteps: s.heavySteps.map((h) => ({
                line: h.line, command: h.command, kind: h.kind, afterBroadCopyLine: h.afterBroadCopy?.line ?? null,
            })),
            testSteps: s.testSteps.map((t) => ({ line: t.line, command: t.command })),
        })),
        unused: a.unused,
        args: a.globalArgs.map((g) => ({ name: g.name, value: g.value, line: g.line })),
        problems: a.problems.map((p) => ({ code: p.code, message: p.message })),
    };
}

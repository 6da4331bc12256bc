/**
 * Invariants of the analysis model (`server/src/analysis/model.ts`) that hold for ANY text: checked
 * by the property test (test/unit/analysisProperty.test.ts) and by the fuzzer (test/fuzz/fuzz.ts).
 * Each failed check throws an AssertionError that names it.
 */
import * as assert from 'node:assert/strict';
import { toJson, type Analysis } from '../../server/src/analysis';
import { MAX_EXPANDED_LENGTH } from '../../server/src/analysis/expand';

function assertRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }, lines: number, what: string) {
    assert.ok(r.start.line >= 0 && r.end.line <= lines && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character)),
        `${what}: bad range ${JSON.stringify(r)}`);
}

export function assertWellFormed(an: Analysis, text: string): void {
    const n = an.stages.length;
    const lines = text.split(/\r\n|\r|\n/).length; // dockerfile-ast's line ends
    assert.ok(an.target === null || (Number.isInteger(an.target) && an.target >= 0 && an.target < n), 'target in range');
    an.stages.forEach((s, i) => {
        assert.equal(s.index, i, 'indexes are positions');
        assert.ok(s.line >= 1 && s.line <= lines, 'FROM line inside the file');
        assert.ok(s.parent === null || (s.parent < i && s.parent >= 0), 'a parent is an earlier stage');
        for (const d of s.dependsOn) { assert.ok(Number.isInteger(d) && d >= 0 && d < n && d !== i, 'dependsOn in range'); }
        assert.deepEqual(s.dependsOn, [...new Set(s.dependsOn)].sort((x, y) => x - y), 'dependsOn sorted and unique');
        if (s.parent !== null) { assert.ok(s.dependsOn.includes(s.parent), 'the parent is a dependency'); }
        for (const u of s.usedBy) { assert.ok(an.stages[u].dependsOn.includes(i), 'usedBy mirrors dependsOn'); }
        for (const r of s.refs) { assertRange(r.range, lines, 'ref'); }
        assertRange(s.range, lines, 'stage');
        if (s.patterns.some((p) => p.label === 'alias')) { assert.ok(!s.patterns.some((p) => p.label === 'builder-app'), 'an alias is never a builder'); }
        for (const p of [...s.patterns, ...s.nearMisses]) { assert.ok(p.reason.length > 0 && !p.reason.includes('\n'), 'one-line reasons'); }
        for (const c of s.choices) { assert.ok(Number.isInteger(c) && c >= 0 && c < i, 'a FROM picks earlier stages'); }
        for (const ins of s.instructions) {
            for (const f of ins.flags) { assert.ok(!f.text.includes('\n') && f.text.startsWith('--'), `a flag as one line: ${JSON.stringify(f.text)}`); }
            assert.equal(ins.script !== null, ins.keyword === 'RUN', 'a RUN has its script');
        }
        assert.equal(s.reachable, !an.unused.includes(i), 'unused lists the stages the target does not need');
        if (s.reachable) { for (const d of s.dependsOn) { assert.ok(an.stages[d].reachable, 'what a needed stage needs is needed'); } }
    });
    if (an.target !== null) { assert.ok(an.stages[an.target].reachable, 'the target is needed'); }
    assertBounded(an, text);
}

/**
 * What is printed or shown stays in proportion to the file: every resolved value within the
 * expansion limit, and the JSON at most that much per stage and ARG over the text itself.
 */
export function assertBounded(an: Analysis, text: string): number {
    for (const s of an.stages) {
        assert.ok(s.fromResolved === null || s.fromResolved.length <= MAX_EXPANDED_LENGTH, 'a resolved FROM is within the expansion limit');
    }
    for (const g of an.globalArgs) {
        assert.ok(g.value === null || g.value.length <= MAX_EXPANDED_LENGTH, 'an ARG value is within the expansion limit');
    }
    const json = JSON.stringify(toJson(an));
    JSON.parse(json);
    const bound = 10_000 + 20 * text.length + 2 * MAX_EXPANDED_LENGTH * (an.stages.length + an.globalArgs.length);
    assert.ok(json.length <= bound, `the JSON (${json.length} characters) is within ${bound}`);
    return json.length;
}


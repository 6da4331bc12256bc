/**
 * Property test: thousands of randomly mutated and truncated Dockerfiles. The analysis and the CLI
 * never throw, and every result is well-formed. Seeded, so a failure reproduces.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { analyze, toJson, type Analysis } from '../../server/src/analysis';
import { main } from '../../server/src/cli/main';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'analysis');
const corpus = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('Dockerfile')).map((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8'));

/** Pieces of Dockerfile syntax to splice in: the places a parser and a graph are likely to break. */
const SNIPPETS = ['FROM ', ' AS ', 'as', '--from=', '--from=0', '--from=99', '--mount=type=bind,from=', ',from=', '${', '}', '$', ':-',
    ':+', '\\\n', '`\n', '\n', '# ', '<<EOF\n', '\nEOF\n', '"', "'", 'ARG X', '=', 'COPY . .\n', 'RUN npm ci\n', 'scratch', '0', '-1',
    '\t', ' ', '\r\n', '\u0000', 'é', '# escape=`\n', '# escape=\\\n', 'FROM base AS base\n', 'ONBUILD ', '[', ']', '","'];

type Mutation = { at: number; del: number; insert: string };

const mutation = fc.record({
    at: fc.nat(),
    del: fc.nat({ max: 40 }),
    insert: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 8 }), fc.constant('')),
});

const mutatedDockerfile = fc.tuple(
    fc.nat({ max: corpus.length - 1 }),
    fc.array(mutation, { maxLength: 8 }),
    fc.option(fc.nat(), { nil: undefined }),
).map(([i, muts, cut]) => {
    let text = corpus[i];
    for (const m of muts as Mutation[]) {
        const at = text.length === 0 ? 0 : m.at % (text.length + 1);
        text = text.slice(0, at) + m.insert + text.slice(at + m.del);
    }
    if (cut !== undefined) { text = text.slice(0, cut % (text.length + 1)); }
    return text;
});

function assertRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }, lines: number, what: string) {
    assert.ok(r.start.line >= 0 && r.end.line <= lines && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character)),
        `${what}: bad range ${JSON.stringify(r)}`);
}

export function assertWellFormed(an: Analysis, text: string): void {
    const n = an.stages.length;
    const lines = text.split('\n').length;
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
        for (const p of s.patterns) { assert.ok(p.reason.length > 0 && !p.reason.includes('\n'), 'one-line reasons'); }
        assert.equal(s.reachable, !an.unused.includes(i), 'unused lists the stages the target does not need');
        if (s.reachable) { for (const d of s.dependsOn) { assert.ok(an.stages[d].reachable, 'what a needed stage needs is needed'); } }
    });
    if (an.target !== null) { assert.ok(an.stages[an.target].reachable, 'the target is needed'); }
    JSON.parse(JSON.stringify(toJson(an)));
}

describe('analysis on random input', () => {
    it('never throws and stays well-formed on 3000 mutated and truncated Dockerfiles', () => {
        fc.assert(fc.property(mutatedDockerfile, fc.option(fc.constantFrom('app', 'build', '0', '3', 'missing'), { nil: undefined }), (text, target) => {
            const an = analyze(text, { target, buildArgs: { GO_VERSION: '1.23', NODE: '22' } });
            assert.ok(!an.problems.some((p) => p.message.startsWith('internal error')), an.problems.map((p) => p.message).join('; '));
            assertWellFormed(an, text);
        }), { numRuns: 3000, seed: 20261128 });
    });

    it('never throws on arbitrary unicode text', () => {
        fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
            const an = analyze(text);
            assert.ok(!an.problems.some((p) => p.message.startsWith('internal error')));
            assertWellFormed(an, text);
        }), { numRuns: 2000, seed: 7 });
    });
});

describe('the CLI on random input', () => {
    it('answers JSON with exit 0, or one line on stderr with exit 2, never a stack trace', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-prop-'));
        try {
            await fc.assert(fc.asyncProperty(mutatedDockerfile, async (text) => {
                const file = path.join(dir, 'Dockerfile');
                fs.writeFileSync(file, text);
                let out = '';
                let err = '';
                const code = await main(['analyze', '--json', file], {
                    stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { err += s; } }, cwd: dir, env: {},
                });
                if (code === 0) {
                    const j = JSON.parse(out);
                    assert.ok(Array.isArray(j.stages) && j.stages.length > 0);
                    assert.equal(err, '');
                } else {
                    assert.equal(code, 2, `exit ${code}: ${err}`);
                    assert.match(err, /^stagecraft analyze: [^\n]+\n$/);
                    assert.doesNotMatch(err, /\bat .*\.js:\d+/);
                }
            }), { numRuns: 500, seed: 42 });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

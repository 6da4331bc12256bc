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
import { analyze } from '../../server/src/analysis';
import { assertWellFormed } from '../support/invariants';
import { main } from '../../server/src/cli/main';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'analysis');
const corpus = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('Dockerfile')).map((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8'));
/** The real files of test/fixtures/real: heredocs, backtick escapes, --mount flags, platform-picked stages. */
const REAL = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'real');
const realCorpus = fs.readdirSync(REAL).filter((f) => f.endsWith('.Dockerfile')).map((f) => fs.readFileSync(path.join(REAL, f), 'utf8'));

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

const mutatedFrom = (files: string[]) => fc.tuple(
    fc.nat({ max: files.length - 1 }),
    fc.array(mutation, { maxLength: 8 }),
    fc.option(fc.nat(), { nil: undefined }),
).map(([i, muts, cut]) => {
    let text = files[i];
    for (const m of muts as Mutation[]) {
        const at = text.length === 0 ? 0 : m.at % (text.length + 1);
        text = text.slice(0, at) + m.insert + text.slice(at + m.del);
    }
    if (cut !== undefined) { text = text.slice(0, cut % (text.length + 1)); }
    return text;
});
const mutatedDockerfile = mutatedFrom(corpus);

describe('analysis on random input', () => {
    // The corpus files are fetched, not committed (test/fixtures/real/README.md): without them, skipped.
    it('never throws and stays well-formed on 400 mutated real files (test/fixtures/real)', { skip: realCorpus.length === 0 ? 'the real-file corpus is not fetched here (test/fixtures/real/README.md)' : false }, () => {
        fc.assert(fc.property(mutatedFrom(realCorpus), (text) => {
            const an = analyze(text);
            assert.ok(!an.problems.some((p) => p.message.startsWith('internal error')), an.problems.map((p) => p.message).join('; '));
            assertWellFormed(an, text);
        }), { numRuns: 400, seed: 20261205 });
    });

    it('never throws and stays well-formed on 3000 mutated and truncated Dockerfiles', () => {
        fc.assert(fc.property(mutatedDockerfile, fc.option(fc.constantFrom('app', 'build', '0', '3', 'missing'), { nil: undefined }), (text, target) => {
            const an = analyze(text, { target, buildArgs: { GO_VERSION: '1.23', NODE: '22' } });
            assert.ok(!an.problems.some((p) => p.code === 'internal-error'), an.problems.map((p) => p.message).join('; '));
            assertWellFormed(an, text);
        }), { numRuns: 3000, seed: 20261128 });
    });

    it('never throws on arbitrary unicode text', () => {
        fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
            const an = analyze(text);
            assert.ok(!an.problems.some((p) => p.code === 'internal-error'));
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

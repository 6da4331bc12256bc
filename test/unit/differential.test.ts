/**
 * Differential property tests of the analysis' fast paths against what they replace, on thousands
 * of random and mutated inputs (seeded, so a failure reproduces):
 * - our one-pass tokeniser (`analysis/tokens.ts`) against the dockerfile-ast it mirrors: every
 *   instruction's arguments (values AND ranges, before and after the flags), its flags, the
 *   positions, and what the analysis reads from them (FROM image, name, platform; instruction text);
 * - `expandWord` (ARG expansion, `analysis/expand.ts`) against its former, character-by-character
 *   (and recursive) implementation;
 * - the analysis over our parse (`analysis/parse.ts`, which skips dockerfile-ast's quadratic
 *   per-stage comment bookkeeping) against the analysis over the library's full parse.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import fc from 'fast-check';
import { DockerfileParser, type Argument, type Flag, type From, type Instruction } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../server/src/analysis';
import { analyzeWith } from '../../server/src/analysis/analyze';
import { parseDockerfileFully } from '../../server/src/analysis/parse';
import { commentContent, LineIndex, newTokens, readFlags, tokenize, type FlagToken } from '../../server/src/analysis/tokens';
import { expandWord, type VariableLookup } from '../../server/src/analysis/expand';
import { corpusFiles } from '../support/corpus';

/** Real files: the fixtures, the grammar tests (heredocs, edge cases), the examples, the benchmark's. */
const corpus = corpusFiles().map((f) => fs.readFileSync(f, 'utf8'));
corpus.push(
    'FROM a\\\n  lpine AS na\\\nme\nRUN a\\ b \\  \n c\nRUN \\\n\n  x\nRUN a--b --mount=from=na x\nHEALTHCHECK --interval=1s --x CMD true\n',
    '# escape=`\nFROM alpine AS a\nRUN echo `\n  hi`\n  there\nCOPY --from=a`\n  /x /y\nRUN --mount=type=bind,from=a `\n # c\n  true\n',
    'FROM alpine AS x\r\nRUN echo hi \\\r\n  && npm ci\r\nCOPY --from=x . .\rRUN a\\\rb\n',
);

/** Syntax that tokenisers get wrong: escapes before blanks and line ends, comments in continuations, CRs. */
const PIECES = ['FROM', 'RUN', 'COPY', 'ADD', 'ARG', 'ENV', 'HEALTHCHECK', 'ONBUILD', 'CMD', 'LABEL', ' ', ' ', '\t', '\n', '\n', '\r\n', '\r',
    '\\', '\\', '`', '#', '"', "'", '--', '=', 'from', 'mount', 'platform', ',', 'a', 'b0', '$', '{', '}', '<<', 'EOF', '-', '[', ']', 'AS',
    'x y', 'CMD', 'NONE', 'é', '\u0000', '\\ \n', '\\  \r\n', '\\\t\n', '\\\n#c\n', '\\\r', '`\n'];
const line = fc.tuple(
    fc.constantFrom('FROM ', 'RUN ', 'COPY ', 'ADD ', 'ARG ', 'ENV ', 'HEALTHCHECK ', 'ONBUILD RUN ', 'CMD ', 'WORKDIR ', 'from ', 'RU\\\nN ', ''),
    fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }),
).map(([k, ps]) => k + ps.join(''));
const randomFile = fc.tuple(fc.constantFrom('', '', '# escape=`\n', '# escape=\\\n', '\ufeff'), fc.array(line, { maxLength: 6 }))
    .map(([head, ls]) => head + ls.join('\n'));

const mutatedFile = fc.tuple(
    fc.nat({ max: corpus.length - 1 }),
    fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 20 }), insert: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })) }), { maxLength: 8 }),
).map(([i, muts]) => {
    let text = corpus[i];
    for (const m of muts) {
        const at = text.length === 0 ? 0 : m.at % (text.length + 1);
        text = text.slice(0, at) + m.insert + text.slice(at + m.del);
    }
    return text;
});

/** dockerfile-ast's tokeniser (private in its types) and, on FROM/RUN/COPY/ADD/HEALTHCHECK/CMD..., its flags. */
function rawArguments(ins: Instruction): Argument[] {
    return (ins as unknown as { getRawArguments(): Argument[] }).getRawArguments();
}
function libraryFlags(ins: Instruction): Flag[] {
    const f = (ins as unknown as { getFlags?: () => Flag[] }).getFlags;
    return typeof f === 'function' ? f.call(ins) : [];
}

/** Runs `check`; on failure, says which instruction of which text (built only then: texts can be long). */
function about(what: () => string, check: () => void): void {
    try {
        check();
    } catch (e) {
        if (e instanceof assert.AssertionError) { e.message = `${what()}: ${e.message}`; }
        throw e;
    }
}

/** Every instruction of the file: ours against the library's. */
function sameAsLibrary(text: string): void {
    const dockerfile = DockerfileParser.parse(text);
    const index = new LineIndex(text);
    const escape = dockerfile.getEscapeCharacter().charCodeAt(0);
    const tokens = newTokens();
    for (const ins of dockerfile.getInstructions()) {
        about(() => `${JSON.stringify(ins.getTextContent())} in ${JSON.stringify(text)}`, () => {
            const t = tokenize(text, index.offsetAt(ins.getInstructionRange().end), index.offsetAt(ins.getRange().end), escape, tokens);
            const ours = [];
            for (let k = 0; k < t.count; k++) { ours.push([t.values[k], index.range(t.starts[k], t.ends[k])]); }
            assert.deepEqual(ours, rawArguments(ins).map((a) => [a.getValue(), a.getRange()]), 'raw arguments');

            const flags: FlagToken[] = [];
            const skip = readFlags(ins.getKeyword(), t, index, true, flags);
            assert.deepEqual(ours.slice(skip), ins.getArguments().map((a) => [a.getValue(), a.getRange()]), 'getArguments()');
            const libFlags = libraryFlags(ins);
            assert.deepEqual(flags.map((f) => [f.name, f.value]), libFlags.map((f) => [f.getName(), f.getValue()]), 'flags');
            assert.equal(skip, libFlags.length, 'flag count');
        });
    }
    for (const c of dockerfile.getComments()) {
        about(() => `comment ${JSON.stringify(c.getTextContent())} in ${JSON.stringify(text)}`, () => {
            assert.equal(commentContent(index, c.getRange()), c.getContent(), 'comment content');
        });
    }
}

describe('the tokeniser is dockerfile-ast\'s getArguments() (and comments\' getContent())', () => {
    it('on the real Dockerfiles of the repository', () => {
        assert.ok(corpus.length >= 10, `found ${corpus.length} files`);
        for (const text of corpus) { sameAsLibrary(text); }
    });

    it('on 4000 random instruction lines dense in escapes, blanks, comments and line ends', () => {
        fc.assert(fc.property(randomFile, (text) => { sameAsLibrary(text); }), { numRuns: 4000, seed: 20261128 });
    });

    it('on 1000 mutated real Dockerfiles', () => {
        fc.assert(fc.property(mutatedFile, (text) => { sameAsLibrary(text); }), { numRuns: 1000, seed: 4242 });
    });

    it('on arbitrary text, dense in line ends, escapes and comment signs', () => {
        const unit = fc.oneof(fc.constantFrom('\n', '\r', '\\', '`', '#', ' ', '\t', '"', '-', '=', '<', 'é', '\u2028'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
        fc.assert(fc.property(fc.string({ unit, maxLength: 200, size: 'medium' }), (text) => { sameAsLibrary(text); }), { numRuns: 1000, seed: 11 });
    });
});

describe('LineIndex is the text document\'s positionAt/offsetAt', () => {
    it('on random text with \\n, \\r\\n and lone \\r, every offset and position', () => {
        const eolText = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r\n', '\r', '\n\n', 'é'), { maxLength: 40 }).map((a) => a.join(''));
        fc.assert(fc.property(eolText, (text) => {
            const doc = TextDocument.create('file:///x', 'dockerfile', 1, text);
            const index = new LineIndex(text);
            for (let o = -1; o <= text.length + 1; o++) {
                assert.deepEqual(index.positionAt(o), doc.positionAt(o), `positionAt(${o})`);
                for (let hint = -1; hint <= doc.lineCount; hint++) {
                    assert.deepEqual(index.positionAt(o, hint), doc.positionAt(o), `positionAt(${o}, hint ${hint})`);
                }
            }
            const lines = doc.lineCount;
            for (let l = -1; l <= lines; l++) {
                for (let c = -1; c <= 6; c++) {
                    assert.equal(index.offsetAt({ line: l, character: c }), doc.offsetAt({ line: l, character: c }), `offsetAt(${l}:${c})`);
                }
            }
        }), { numRuns: 1000, seed: 3 });
    });
});

describe('what the analysis reads through the tokeniser is what dockerfile-ast answers', () => {
    it('FROM image, name and platform, and each instruction\'s arguments, on mutated and random files', () => {
        const check = (text: string): void => {
            const an = analyze(text);
            assert.ok(!an.problems.some((p) => p.message.startsWith('internal error')), an.problems.map((p) => p.message).join('; '));
            const dockerfile = DockerfileParser.parse(text);
            const froms = dockerfile.getFROMs() as From[];
            assert.equal(an.stages.length, froms.length);
            froms.forEach((from, i) => about(() => `${JSON.stringify(from.getTextContent())} in ${JSON.stringify(text)}`, () => {
                const s = an.stages[i];
                assert.deepEqual(s.imageRange, from.getImageRange(), 'image range');
                assert.deepEqual(s.nameRange, from.getBuildStageRange(), 'name range');
                if (s.nameRange === null) { assert.equal(s.name, null); }
                if (!s.from.includes('\n')) { assert.equal(s.from, from.getImage() ?? '', 'image'); }
                if (s.name !== null && !s.name.includes('\n') && !(from.getBuildStage() ?? '').includes('\n')) {
                    assert.equal(s.name, from.getBuildStage(), 'name');
                }
                assert.equal(s.platformFlag, from.getPlatformFlag()?.getValue() ?? null, 'platform');
            }));
            // Instructions after the first FROM, in order, with what getArguments() gives (no heredoc: bodies are added then).
            const all = dockerfile.getInstructions();
            const first = all.findIndex((ins) => ins.getKeyword() === 'FROM');
            const after = first < 0 ? [] : all.slice(first + 1).filter((ins) => ins.getKeyword() !== 'FROM');
            const ours = an.stages.flatMap((s) => s.instructions);
            assert.equal(ours.length, after.length);
            after.forEach((ins, k) => about(() => `${JSON.stringify(ins.getTextContent())} in ${JSON.stringify(text)}`, () => {
                const args = ins.getArguments();
                assert.equal(ours[k].keyword, ins.getKeyword());
                assert.deepEqual(ours[k].range, ins.getRange());
                if (!args.some((a) => a.getValue().includes('<<'))) {
                    assert.equal(ours[k].args, args.map((a) => a.getValue()).join(' '), 'arguments');
                }
            }));
        };
        fc.assert(fc.property(fc.oneof(mutatedFile, randomFile), check), { numRuns: 1000, seed: 77 });
    });
});

describe('ARG expansion is what it was before its fast paths', () => {
    /** expandWord as it was: one character at a time. */
    function expandAsWas(text: string, lookup: VariableLookup, escapeChar: string): { value: string; certain: boolean } {
        const state = { certain: true };
        const substitute = (name: string): string => {
            const v = lookup(name);
            if (v === undefined || v === null) { state.certain = false; return ''; }
            return v;
        };
        const closing = (t: string, from: number): number => {
            let depth = 1;
            for (let i = from; i < t.length; i++) {
                const c = t[i];
                if (c === escapeChar) { i++; continue; }
                if (c === '{') { depth++; }
                if (c === '}') { depth--; if (depth === 0) { return i; } }
            }
            return -1;
        };
        const braced = (inner: string): string => {
            let j = 0;
            while (j < inner.length && /[A-Za-z0-9_]/.test(inner[j])) { j++; }
            const name = inner.slice(0, j);
            const rest = inner.slice(j);
            if (name === '') { return ''; }
            if (rest === '') { return substitute(name); }
            const m = /^(:?)([-+?])([\s\S]*)$/.exec(rest);
            if (!m) { state.certain = false; return ''; }
            const raw = lookup(name);
            const set = raw !== undefined && raw !== null;
            const use = m[1] === ':' ? set && raw !== '' : set;
            switch (m[2]) {
                case '-': return use ? (raw as string) : inner2(m[3], false);
                case '+': return use ? inner2(m[3], false) : '';
                default: if (!use) { state.certain = false; return ''; } return raw as string;
            }
        };
        function inner2(t: string, removeQuotes: boolean): string {
            let out = '';
            let quote: string | null = null;
            for (let i = 0; i < t.length; i++) {
                const c = t[i];
                if (quote === "'") { if (c === "'") { quote = null; } else { out += c; } continue; }
                if (c === escapeChar && i + 1 < t.length) { out += t[i + 1]; i++; continue; }
                if (removeQuotes && (c === '"' || c === "'")) {
                    if (quote === '"' && c === '"') { quote = null; continue; }
                    if (quote === null) { quote = c; continue; }
                }
                if (c === '$' && i + 1 < t.length) {
                    const next = t[i + 1];
                    if (next === '{') {
                        const close = closing(t, i + 2);
                        if (close < 0) { out += t.slice(i); break; }
                        out += braced(t.slice(i + 2, close));
                        i = close;
                        continue;
                    }
                    if (/[A-Za-z_]/.test(next)) {
                        let j = i + 1;
                        while (j < t.length && /[A-Za-z0-9_]/.test(t[j])) { j++; }
                        out += substitute(t.slice(i + 1, j));
                        i = j - 1;
                        continue;
                    }
                }
                out += c;
            }
            return out;
        }
        const value = inner2(text, true);
        return { value, certain: state.certain };
    }

    const PARTS = ['$', '${', '}', '{', ':-', ':+', '-', '+', '?', ':?', '#', '%', '/', '"', "'", '\\', '`', 'A', 'B_1', 'x', '1', ' ', '\n', 'golang:', 'é', 'EMPTY', 'UNSET', 'NULL'];
    const word = fc.array(fc.constantFrom(...PARTS), { maxLength: 16 }).map((a) => a.join(''));
    const values: Record<string, string | null> = { A: 'alpine', B_1: '1.22', EMPTY: '', NULL: null, x: 'y z' };
    const lookup: VariableLookup = (n) => Object.prototype.hasOwnProperty.call(values, n) ? values[n] : undefined;

    it('on 5000 random words with variables, modifiers, quotes and escapes', () => {
        fc.assert(fc.property(word, fc.constantFrom('\\', '`'), (text, esc) => {
            assert.deepEqual(expandWord(text, lookup, esc), expandAsWas(text, lookup, esc));
        }), { numRuns: 5000, seed: 9 });
    });
});

describe('the parse without dockerfile-ast\'s per-stage comment bookkeeping (analysis/parse.ts) gives the same analysis', () => {
    const full = (text: string) => analyzeWith(text, {}, parseDockerfileFully);
    it('on the real Dockerfiles of the repository', () => {
        for (const text of corpus) { assert.deepEqual(analyze(text), full(text)); }
    });

    it('on 3000 mutated files, comments spliced in', () => {
        fc.assert(fc.property(mutatedFile, fc.array(fc.tuple(fc.nat(), fc.constantFrom('# c\n', '#x\n', ' # y', '\n#\n')), { maxLength: 4 }), (text, comments) => {
            for (const [at, c] of comments) { const i = at % (text.length + 1); text = text.slice(0, i) + c + text.slice(i); }
            assert.deepEqual(analyze(text), full(text));
        }), { numRuns: 3000, seed: 16 });
    });

    it('and the library is itself again after our parse (a later parse organises its comments)', () => {
        analyze('# a\nFROM a AS x\n# b\nRUN b\n');
        const d = DockerfileParser.parse('FROM a AS x\n# inside\nRUN b\n');
        const stage = (d as unknown as { buildStages: { getComments(): unknown[] }[] }).buildStages[0];
        assert.equal(stage.getComments().length, 1);
    });
});

/** Table tests of the pure helpers behind the server features (no process started). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, normalizeSettings } from '../../server/src/common/settings';
import { parseInitializationOptions } from '../../server/src/common/protocol';
import { buildCommandFor, shellQuote, uriToPath } from '../../server/src/features/buildCommand';
import { completionContext } from '../../server/src/features/completion';
import { editDistance, looksLikeImage, nearestStageName } from '../../server/src/features/diagnostics';
import { ValidationCode } from 'dockerfile-utils';
import { DUPLICATE_BUILD_STAGE_NAME_CODE, mergeCompletions, mergeFolding } from '../../server/src/features/general';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../server/src/analysis';
import { lensDocumentKey, provideCodeLenses, resolveCodeLens, stageOnFromLine } from '../../server/src/features/codeLens';
import { provideInlayHints } from '../../server/src/features/inlayHints';
import { provideCodeActions } from '../../server/src/features/codeActions';
import { DocumentKeys } from '../../server/src/lsp/documents';

describe('buildCommandFor', () => {
    const s = defaultSettings();
    const cases: [string, string[], string, Partial<typeof s>, string][] = [
        ['file:///ws/Dockerfile', ['file:///ws'], 'app', {}, 'stagecraft build -f Dockerfile --target app .'],
        ['file:///ws/svc/api/Dockerfile', ['file:///ws/'], 'app', {}, 'stagecraft build -f svc/api/Dockerfile --target app svc/api'],
        ['file:///elsewhere/x.Dockerfile', ['file:///ws'], '2', {}, 'stagecraft build -f x.Dockerfile --target 2 .'],
        ['file:///ws/a%20b/Dockerfile', ['file:///ws'], 'app', { buildArgs: { V: "it's", 'bad name': 'x' } }, "stagecraft build -f 'a b/Dockerfile' --target app --build-arg 'V=it'\\''s' 'a b'"],
        ['file:///ws/docker/Dockerfile', ['file:///ws'], 'app', { build: { cacheRepo: 'r:5000/c', backend: 'save-load', push: false, context: '.' } }, 'stagecraft build -f docker/Dockerfile --target app --cache-repo r:5000/c --backend save-load .'],
        ['untitled:Untitled-1', [], 'app', {}, 'stagecraft build -f untitled:Untitled-1 --target app .'],
    ];
    for (const [uri, folders, target, over, expected] of cases) {
        it(`${uri} ${JSON.stringify(over)}`, () => {
            assert.equal(buildCommandFor(uri, folders, target, { ...s, ...over }).display, expected);
        });
    }
    it('quoting and URIs', () => {
        assert.equal(shellQuote(''), "''");
        assert.equal(shellQuote('$(rm -rf /)'), "'$(rm -rf /)'");
        assert.equal(uriToPath('file:///c%3A/x/Dockerfile'), 'c:/x/Dockerfile');
        assert.equal(uriToPath('untitled:1'), null);
    });
});

describe('completionContext', () => {
    const cases: [string, ReturnType<typeof completionContext>][] = [
        ['FROM ', { kind: 'from', prefix: '' }],
        ['from bu', { kind: 'from', prefix: 'bu' }],
        ['FROM --platform=$BUILDPLATFORM ba', { kind: 'from', prefix: 'ba' }],
        ['FROM alpine AS ', null],
        ['COPY --from=', { kind: 'copy-from', prefix: '' }],
        ['ADD --chown=1 --from=bui', { kind: 'copy-from', prefix: 'bui' }],
        ['RUN --mount=type=bind,from=', { kind: 'mount-from', prefix: '' }],
        ['RUN --mount=from=de', { kind: 'mount-from', prefix: 'de' }],
        ['RUN --mount=type=bind,source=/x', null],
        ['RUN chown --from=root', null],
        ['RUN --mount=type=cache,target=/x \\ \n    --mount=type=bind,from=b', { kind: 'mount-from', prefix: 'b' }],
        ['RUN --mount=type=cache,target=/x     --mount=type=bind,from=b', { kind: 'mount-from', prefix: 'b' }],
        ['ONBUILD COPY --from=', { kind: 'copy-from', prefix: '' }],
        ['COPY --link --from=x', { kind: 'copy-from', prefix: 'x' }],
        ['COPY --from=alpine:', null],
    ];
    for (const [line, expected] of cases) it(JSON.stringify(line), () => assert.deepEqual(completionContext(line), expected));
});

describe('typo detection', () => {
    it('Damerau-Levenshtein (optimal string alignment), case-insensitive', () => {
        assert.equal(editDistance('builder', 'buildr'), 1);
        assert.equal(editDistance('builder', 'buidler'), 1);
        assert.equal(editDistance('Builder', 'builder'), 0);
        assert.equal(editDistance('deps', 'test'), 3);
        assert.equal(editDistance('ab', 'ba'), 1);
        assert.equal(editDistance('', 'abc'), 3);
    });
    it('images and named contexts are not typos', () => {
        for (const t of ['alpine:3.20', 'docker.io/library/busybox', 'ghcr.io/x/y@sha256:abc', '${IMAGE}']) assert.equal(looksLikeImage(t), true, t);
        for (const t of ['builder', 'deps', 'alpine']) assert.equal(looksLikeImage(t), false, t);
    });
});

describe('settings and options', () => {
    it('normalizeSettings keeps what is valid and defaults the rest', () => {
        const s = normalizeSettings({ target: ' app ', buildArgs: { A: 1, B: 'x', C: null }, platform: 'linux/arm64', diagnostics: { 'unused-stage': 'off', x: 'loud' }, features: { general: 'never', hover: false }, build: { backend: 'buildx', push: 'yes' } });
        const d = defaultSettings();
        assert.deepEqual(s, {
            ...d,
            target: 'app',
            buildArgs: { A: '1', B: 'x' },
            platform: 'linux/arm64',
            diagnostics: { ...d.diagnostics, 'unused-stage': 'off' },
            features: { ...d.features, hover: false },
            build: { ...d.build, backend: 'buildx' },
        });
        assert.deepEqual(normalizeSettings(null), d);
        assert.deepEqual(normalizeSettings([1]), d);
    });
    it('initializationOptions: only a literal true means another Docker extension', () => {
        assert.deepEqual(parseInitializationOptions({ otherDockerExtension: true }), { otherDockerExtension: true });
        assert.deepEqual(parseInitializationOptions({ otherDockerExtension: 'true' }), { otherDockerExtension: false });
        assert.deepEqual(parseInitializationOptions(undefined), { otherDockerExtension: false });
    });
});

describe('merging with the general service', () => {
    it('completion: ours first, a stage name offered by both appears once, general repeats dropped', () => {
        const merged = mergeCompletions([{ label: 'builder' }], [{ label: 'Builder' }, { label: 'FROM' }, { label: 'FROM' }, { label: '${a}' }, { label: '${A}' }]);
        assert.deepEqual(merged.map((i) => i.label), ['builder', 'FROM', '${a}', '${A}']);
    });
    it('the dockerfile-utils code we drop in favour of duplicate-stage-name', () => {
        assert.equal(DUPLICATE_BUILD_STAGE_NAME_CODE, ValidationCode.DUPLICATE_BUILD_STAGE_NAME);
    });
    it('folding: ours first, same lines once', () => {
        assert.deepEqual(mergeFolding([{ startLine: 0, endLine: 3 }], [{ startLine: 0, endLine: 3 }, { startLine: 1, endLine: 2 }]), [{ startLine: 0, endLine: 3 }, { startLine: 1, endLine: 2 }]);
    });
});

describe('code lens data and resolve', () => {
    const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 0 } });

    it('the data is the document key: a small integer, or null when malformed', () => {
        for (const key of [0, 1, 7, 2 ** 31]) assert.equal(lensDocumentKey({ range: at(0), data: key }), key);
        for (const data of [undefined, null, 'x', '1', -1, 0.5, [1, 2, 0], {}, 2 ** 53]) assert.equal(lensDocumentKey({ range: at(0), data }), null, JSON.stringify(data));
        assert.equal(lensDocumentKey(null), null);
    });

    it('provideCodeLenses gives one unresolved lens per FROM; resolveCodeLens finds the stage by its line', () => {
        const text = 'FROM alpine:3.20 AS base\nRUN echo\n  FROM base \\\n  AS app\n';
        const doc = TextDocument.create('file:///ws/Dockerfile', 'dockerfile', 1, text);
        const analysis = analyze(text);
        const list = provideCodeLenses(doc, analysis, { textDocument: { uri: doc.uri } }, defaultSettings(), 7);
        assert.deepEqual(list, [{ range: at(0), data: 7 }, { range: at(2), data: 7 }]);
        assert.deepEqual(list.map((l) => resolveCodeLens(doc, analysis, l)), [
            { range: at(0), command: { title: '$(play) Build with cache', command: 'stagecraft.buildStage', arguments: [doc.uri, 0, 'base'] } },
            { range: at(2), command: { title: '$(play) Build with cache', command: 'stagecraft.buildStage', arguments: [doc.uri, 1, 'app'] } },
        ]);
        // a line that starts no FROM (the RUN, the FROM's continuation line, past the end), or no range: an empty title
        for (const lens of [{ range: at(1), data: 7 }, { range: at(3), data: 7 }, { range: at(99), data: 7 }, { range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } }, data: 7 }, { data: 7 }]) {
            assert.deepEqual(resolveCodeLens(doc, analysis, lens as never).command, { title: '', command: '' }, JSON.stringify(lens));
        }
        // against an analysis without that stage: an empty title, not an exception
        const shorter = analyze('FROM alpine:3.20 AS base\n');
        assert.deepEqual(resolveCodeLens(doc, shorter, list[1]!), { range: list[1]!.range, command: { title: '', command: '' } });
    });

    it('stageOnFromLine: binary search over 1,000 stages', () => {
        const analysis = analyze(Array.from({ length: 1000 }, (_, i) => `FROM alpine AS s${i}\nRUN echo ${i}\n`).join(''));
        for (let i = 0; i < 1000; i++) {
            assert.equal(stageOnFromLine(analysis, 2 * i)?.index, i);
            assert.equal(stageOnFromLine(analysis, 2 * i + 1), undefined);
        }
        assert.equal(stageOnFromLine(analyze(''), 0), undefined);
    });

    it('DocumentKeys: one key per open document, never reused', () => {
        const keys = new DocumentKeys();
        const a = keys.key('file:///a');
        assert.equal(keys.key('file:///a'), a);
        const b = keys.key('file:///b');
        assert.notEqual(a, b);
        assert.equal(keys.uri(b), 'file:///b');
        keys.delete('file:///a');
        assert.equal(keys.uri(a), undefined);
        const again = keys.key('file:///a');
        assert.ok(again !== a && again !== b);
        assert.equal(keys.uri(again), 'file:///a');
    });
});

describe('inlay hints: the stage summary at the end of the FROM line', () => {
    const range = (a: number, b: number, bc = 999) => ({ start: { line: a, character: 0 }, end: { line: b, character: bc } });
    const text = 'FROM alpine:3.20 AS base  \r\nRUN echo\r\nFROM base \\\r\n  AS app\r\nCOPY --from=base /a /a\r\n';
    const doc = TextDocument.create('file:///ws/Dockerfile', 'dockerfile', 1, text);
    const analysis = analyze(text);
    const hints = (r: ReturnType<typeof range>) => provideInlayHints(doc, analysis, { textDocument: { uri: doc.uri }, range: r });

    it('one label part: the summary, the showStage command, a tooltip; after the FROM (CRLF, trailing blanks, continuation)', () => {
        assert.deepEqual(hints(range(0, 10)), [
            {
                position: { line: 0, character: 26 },
                label: [{ value: 'builder-app · used by 1', tooltip: 'Stage base (#0): builder-app · used by 1', command: { title: 'Show stage base', command: 'stagecraft.showStage', arguments: [doc.uri, 0, 'base'] } }],
                paddingLeft: true,
            },
            {
                position: { line: 3, character: 8 },
                label: [{ value: 'build target', tooltip: 'Stage app (#1): build target', command: { title: 'Show stage app', command: 'stagecraft.showStage', arguments: [doc.uri, 1, 'app'] } }],
                paddingLeft: true,
            },
        ]);
    });

    it('only the hints inside the requested range', () => {
        const lines = (r: ReturnType<typeof range>) => hints(r).map((h) => h.position.line);
        assert.deepEqual(lines(range(0, 0)), [0]);
        assert.deepEqual(lines(range(1, 2)), [], 'the continued FROM ends on line 3');
        assert.deepEqual(lines(range(1, 3)), [3]);
        assert.deepEqual(lines(range(4, 10)), []);
        assert.deepEqual(lines(range(0, 0, 25)), [], 'the range ends before the end of the line');
        assert.deepEqual(lines({ start: { line: 0, character: 27 }, end: { line: 2, character: 0 } }), []);
    });
});

describe('nearestStageName', () => {
    it('suggests the stage a short reference misspells', () => {
        assert.deepEqual(nearestStageName(analyze('FROM alpine AS builder\n'), 'buildr'), { name: 'builder', index: 0 });
    });

    it('suggests nothing for a reference too long to compare (the distance table is its length squared: 100,000 characters ran out of memory)', () => {
        const name = 'n'.repeat(100_000);
        const an = analyze(`FROM alpine AS ${name}\nFROM scratch\nCOPY --from=${name.slice(1)}m / /\n`);
        assert.equal(nearestStageName(an, `${name.slice(1)}m`), null);
        assert.equal(nearestStageName(analyze('FROM alpine AS a\n'), 'abcdefgh'), null, 'names of other lengths are not compared');
    });
});

describe('files with lone CR line ends (found by npm run fuzz)', () => {
    const apply = (text: string, line: number): string => {
        const doc = TextDocument.create('file:///ws/Dockerfile', 'dockerfile', 1, text);
        const an = analyze(text);
        const at = { line, character: 1 };
        const actions = provideCodeActions(doc, an, { textDocument: { uri: doc.uri }, range: { start: at, end: at }, context: { diagnostics: [] } }, defaultSettings());
        const split = actions.find((a) => a.title.startsWith('Split heavy step'));
        assert.ok(split, JSON.stringify(actions.map((a) => a.title)));
        const change = split.edit!.documentChanges![0] as { edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[] };
        return TextDocument.applyEdits(doc, change.edits).replace(/\r\n|\r/g, '\n');
    };

    it('split a heavy step as they would with LF (the editor and the parser count a lone CR as a line end)', () => {
        const lf = 'FROM node:20 AS app\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM app\n';
        assert.equal(apply(lf.replace(/\n/g, '\r'), 3), apply(lf, 3));
        assert.equal(apply(lf.replace('COPY . .\n', 'COPY . .\r'), 3), apply(lf, 3));
    });
});

describe('the analysis when dockerfile-ast fails on a heredoc (found by npm run fuzz)', () => {
    it('reads that instruction without heredocs instead of losing the file to an internal error', () => {
        const an = analyze('FROM alpine AS a\nRUN <<"EOT\'"\nEOT\n');
        assert.deepEqual(an.problems, []);
        assert.deepEqual(an.stages.map((s) => [s.name, s.instructions.map((i) => i.keyword)]), [['a', ['RUN']]]);
    });
});

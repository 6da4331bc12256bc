/** Table tests of the pure helpers behind the server features (no process started). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, normalizeSettings } from '../../server/src/common/settings';
import { parseInitializationOptions } from '../../server/src/common/protocol';
import { buildCommandFor, shellQuote, uriToPath } from '../../server/src/features/buildCommand';
import { completionContext } from '../../server/src/features/completion';
import { editDistance, looksLikeImage } from '../../server/src/features/diagnostics';
import { ValidationCode } from 'dockerfile-utils';
import { DUPLICATE_BUILD_STAGE_NAME_CODE, mergeCompletions, mergeFolding } from '../../server/src/features/general';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../server/src/analysis';
import { encodeLensData, lensData, LensKind, provideCodeLenses, resolveCodeLens } from '../../server/src/features/codeLens';
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
    it('one integer per lens: document key, stage index and kind survive the round trip', () => {
        for (const [key, index, kind] of [[1, 0, LensKind.build], [1, 999, LensKind.summary], [2 ** 31 - 1, 2 ** 21 - 1, LensKind.summary], [0, 5, LensKind.build]] as const) {
            const data = encodeLensData(key, index, kind);
            assert.ok(Number.isSafeInteger(data));
            assert.deepEqual(lensData({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, data }), { documentKey: key, stageIndex: index, kind });
        }
        assert.equal(encodeLensData(1, 999, LensKind.summary), 4196303, 'seven digits for the first document');
        assert.throws(() => encodeLensData(2 ** 31, 0, LensKind.build), RangeError);
        assert.throws(() => encodeLensData(1, 2 ** 21, LensKind.build), RangeError);
        for (const data of [undefined, null, 'x', -1, 0.5, [1, 2, 0], {}, 2 ** 53]) assert.equal(lensData({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, data }), null, JSON.stringify(data));
        assert.equal(lensData(null), null);
    });

    it('provideCodeLenses gives unresolved lenses; resolveCodeLens fills in the command from the analysis', () => {
        const text = 'FROM alpine:3.20 AS base\nRUN echo\nFROM base AS app\n';
        const doc = TextDocument.create('file:///ws/Dockerfile', 'dockerfile', 1, text);
        const analysis = analyze(text);
        const list = provideCodeLenses(doc, analysis, { textDocument: { uri: doc.uri } }, defaultSettings(), 7);
        assert.deepEqual(list.map((l) => [l.range.start.line, l.command, lensData(l)]), [
            [0, undefined, { documentKey: 7, stageIndex: 0, kind: LensKind.build }],
            [0, undefined, { documentKey: 7, stageIndex: 0, kind: LensKind.summary }],
            [2, undefined, { documentKey: 7, stageIndex: 1, kind: LensKind.build }],
            [2, undefined, { documentKey: 7, stageIndex: 1, kind: LensKind.summary }],
        ]);
        assert.deepEqual(list.map((l) => resolveCodeLens(doc, analysis, l).command), [
            { title: '$(play) Build with cache', command: 'stagecraft.buildStage', arguments: [doc.uri, 0, 'base'] },
            { title: 'used by 1', command: 'stagecraft.showStage', arguments: [doc.uri, 0, 'base'] },
            { title: '$(play) Build with cache', command: 'stagecraft.buildStage', arguments: [doc.uri, 1, 'app'] },
            { title: 'build target', command: 'stagecraft.showStage', arguments: [doc.uri, 1, 'app'] },
        ]);
        // against an analysis without that stage: an empty title, not an exception
        const shorter = analyze('FROM alpine:3.20 AS base\n');
        assert.deepEqual(resolveCodeLens(doc, shorter, list[3]!), { range: list[3]!.range, command: { title: '', command: '' } });
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

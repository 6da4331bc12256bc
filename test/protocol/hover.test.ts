import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyze } from '../../server/src/analysis';
import { GO_PROJECT } from './fixtures';
import { LspClient } from './lspClient';

const URI = 'file:///ws/Dockerfile';
type HoverResult = { contents: { kind: string; value: string }; range?: unknown } | null;

/** The pattern lines come from the analysis (its wording is the analysis' contract, not ours); near misses in italics. */
function patternLines(text: string, index: number): string {
    const s = analyze(text, {}).stages[index]!;
    const lines = [...s.patterns.map((x) => `- \`${x.label}\`: ${x.reason}`), ...s.nearMisses.map((m) => `- *${m.reason}*`)];
    return s.patterns.length ? '**Patterns:**\n' + lines.join('\n') : ['**Patterns:** none', ...lines].join('\n');
}

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

describe('hover: the stage card', () => {
    let c: LspClient;
    before(async () => {
        // Another Docker extension present: only our hover, so contents are exactly the card.
        c = await LspClient.start({ initializationOptions: { otherDockerExtension: true }, workspaceFolders: ['/ws'] });
        await c.open(URI, GO_PROJECT);
    });
    after(async () => c.stop());

    const hover = (line: number, character: number) =>
        c.request<HoverResult>('textDocument/hover', { textDocument: { uri: URI }, position: { line, character } });

    const depsCard = () => [
        '### Stage `deps` (index 1)',
        '> downloads the Go modules',
        '**Base:** `deps <- base <- golang:1.22`',
        patternLines(GO_PROJECT, 1),
        '**Depends on:** `base` (0)',
        '**Used by:** `builder` (2)',
        '**Target `app`:** needs this stage',
        '**Heavy steps:**\n- line 10: `go mod download` (dependencies)',
        '**Build with cache:**\n```sh\nstagecraft build -f Dockerfile --target deps .\n```',
    ].join('\n\n');

    const builderCard = () => [
        '### Stage `builder` (index 2)',
        '**Base:** `builder <- deps <- base <- golang:1.22`',
        patternLines(GO_PROJECT, 2),
        '**Depends on:** `deps` (1)',
        '**Used by:** `test` (3), `lint` (4), `app` (5)',
        '**Target `app`:** needs this stage',
        '**Heavy steps:** none',
        '**Build with cache:**\n```sh\nstagecraft build -f Dockerfile --target builder .\n```',
    ].join('\n\n');

    it('on a stage name (AS deps): the full card with description, chain, patterns, heavy steps, command', async () => {
        const h = await hover(7, 14);
        assert.deepEqual(h, { contents: { kind: 'markdown', value: depsCard() }, range: range(7, 13, 7, 17) });
    });

    it('on a FROM reference (FROM deps): the card of the referenced stage', async () => {
        const h = await hover(11, 6);
        assert.deepEqual(h, { contents: { kind: 'markdown', value: depsCard() }, range: range(11, 5, 11, 9) });
    });

    it('on --from=builder, on mount from=builder and on --from=2: the builder card', async () => {
        assert.deepEqual(await hover(22, 14), { contents: { kind: 'markdown', value: builderCard() }, range: range(22, 12, 22, 19) });
        assert.deepEqual(await hover(19, 30), { contents: { kind: 'markdown', value: builderCard() }, range: range(19, 27, 19, 34) });
        assert.deepEqual(await hover(23, 12), { contents: { kind: 'markdown', value: builderCard() }, range: range(23, 12, 23, 13) });
    });

    it('anywhere on a FROM line: that stage (the target app, with an external image)', async () => {
        const h = await hover(21, 1);
        assert.deepEqual(h, {
            contents: {
                kind: 'markdown',
                value: [
                    '### Stage `app` (index 5)',
                    '**Base:** `app <- alpine:3.20`',
                    patternLines(GO_PROJECT, 5),
                    '**Depends on:** `builder` (2); images: `alpine:3.20`',
                    '**Used by:** no other stage',
                    '**Target:** this stage is the build target',
                    '**Heavy steps:** none',
                    '**Build with cache:**\n```sh\nstagecraft build -f Dockerfile --target app .\n```',
                ].join('\n\n'),
            },
            range: range(21, 0, 21, 23),
        });
    });

    it('a stage the target does not need says so', async () => {
        const h = await hover(15, 17);
        assert.equal(h?.contents.value, [
            '### Stage `test` (index 3)',
            '**Base:** `test <- builder <- deps <- base <- golang:1.22`',
            patternLines(GO_PROJECT, 3),
            '**Depends on:** `builder` (2)',
            '**Used by:** no other stage',
            '**Target `app`:** does not need this stage (BuildKit skips it; the classic builder still builds it)',
            '**Heavy steps:** none',
            '**Build with cache:**\n```sh\nstagecraft build -f Dockerfile --target test .\n```',
        ].join('\n\n'));
    });

    it('no stage under the cursor: null', async () => {
        assert.equal(await hover(13, 5), null);
        assert.equal(await hover(1, 3), null);
        assert.equal(await hover(2, 0), null);
    });
});

describe('hover: the build command follows the settings and the workspace', () => {
    let c: LspClient;
    const uri = 'file:///ws/docker/Dockerfile';
    const UNNAMED = 'ARG GO_VERSION=1.22\nFROM golang:${GO_VERSION}\nRUN true\n\nFROM alpine:3.20 AS builder\nCOPY --from=0 /x /x\n';
    before(async () => {
        c = await LspClient.start({
            initializationOptions: { otherDockerExtension: true },
            workspaceFolders: ['/ws'],
            settings: {
                target: 'builder',
                buildArgs: { GO_VERSION: '1.23' },
                platform: 'linux/arm64',
                build: { cacheRepo: 'localhost:5000/app/cache', backend: 'buildkit', push: true },
            },
        });
        await c.open(uri, UNNAMED);
    });
    after(async () => c.stop());

    it('unnamed stage: --target is its index; build args, platform, cache repo, backend, push; paths relative to the folder', async () => {
        const h = await c.request<HoverResult>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
        assert.equal(h?.contents.value, [
            '### Stage `stage 0` (index 0)',
            '**Base:** `stage 0 <- golang:1.23`',
            patternLines(UNNAMED, 0),
            '**Depends on:** no other stage; images: `golang:1.23`',
            '**Used by:** `builder` (1)',
            '**Target `builder`:** needs this stage',
            '**Heavy steps:** none',
            '**Build with cache:**\n```sh\nstagecraft build -f docker/Dockerfile --target 0 --cache-repo localhost:5000/app/cache --backend buildkit --push --build-arg GO_VERSION=1.23 --platform linux/arm64 docker\n```',
        ].join('\n\n'));
    });
});

describe('hover: why a stage has a label, and why not', () => {
    let c: LspClient;
    const uri = 'file:///ws/why/Dockerfile';
    const TEXT = [
        'FROM node:20 AS deps',
        'WORKDIR /app',
        'COPY . .',
        'RUN npm ci',
        'FROM node:20 AS web',
        'COPY --from=deps /app/node_modules /app/node_modules',
        '',
    ].join('\n');
    before(async () => {
        c = await LspClient.start({ initializationOptions: { otherDockerExtension: true }, workspaceFolders: ['/ws'] });
        await c.open(uri, TEXT);
    });
    after(async () => c.stop());

    it('the near miss: not a split step, because it copies the whole source', async () => {
        const h = await c.request<HoverResult>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 17 } });
        const block = h!.contents.value.split('\n\n').find((p) => p.startsWith('**Patterns:**'));
        assert.equal(block, [
            '**Patterns:**',
            '- `builder-app`: builds what web takes from it (COPY --from or RUN --mount from=)',
            '- *not a split step: it copies the whole source (COPY . on line 3)*',
        ].join('\n'));
    });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LspClient } from './lspClient';

const URI = 'file:///ws/Dockerfile';
const TEXT = [
    'FROM alpine:3.20 AS builder', // 0
    'run echo hi', //                 1  lowercase: a general (dockerfile-utils) warning
    '', //                            2
    'FROM alpine:3.20 AS builder', // 3  duplicate: ours only, not dockerfile-utils' too
    'COPY --from=builder /a /a', //   4
    'EXPOSE 80', //                   5
    '',
].join('\n');

type Hover = { contents: { kind: string; value: string }; range?: unknown } | null;
type Item = { label: string; data?: unknown };
type Diag = { source: string; code: string | number; message: string };

/** Variable navigation is the general service's (stage names are ours). */
const VARS = 'ARG V=1\nFROM alpine:${V} AS a\nARG V\nRUN echo $V\n';
const VARS_URI = 'file:///ws/vars.Dockerfile';
const rg = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
async function variableNavigation(c: LspClient) {
    await c.open(VARS_URI, VARS);
    const at = { textDocument: { uri: VARS_URI }, position: { line: 3, character: 11 } };
    return {
        definition: await c.request('textDocument/definition', at),
        rename: await c.request('textDocument/rename', { ...at, newName: 'W' }),
        highlight: await c.request('textDocument/documentHighlight', at),
    };
}

const STAGE_CARD = [
    '### Stage `builder` (index 1)',
    '**Base:** `builder <- alpine:3.20`',
    '**Patterns:** none',
    '**Depends on:** `builder` (0); images: `alpine:3.20`',
    '**Used by:** no other stage',
    '**Target:** this stage is the build target',
    '**Heavy steps:** none',
    '**Build with cache:**\n```sh\nstagecraft build -f Dockerfile --target builder .\n```',
].join('\n\n');

const FROM_DOC = 'Set the `baseImage` to use for subsequent instructions. `FROM` must be the first instruction in a `Dockerfile`.\n\n```\nFROM baseImage\nFROM baseImage:tag\nFROM baseImage@digest\n```\n\n[Online documentation](https://docs.docker.com/engine/reference/builder/#from)';
const KEYWORDS = ['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK CMD', 'HEALTHCHECK NONE', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];

async function session(init: unknown, settings: Record<string, unknown> = {}) {
    const c = await LspClient.start({ initializationOptions: init as object, settings });
    await c.open(URI, TEXT);
    const diags = (await c.diagnostics(URI, 1)).diagnostics as Diag[];
    const hover = (line: number, character: number) => c.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: { line, character } });
    const complete = (line: number, character: number) => c.request<Item[]>('textDocument/completion', { textDocument: { uri: URI }, position: { line, character } });
    return { c, diags, hover, complete };
}

describe('coexistence: no other Docker extension → general features too, merged (ours first, no duplicates)', () => {
    let s: Awaited<ReturnType<typeof session>>;
    before(async () => { s = await session({ otherDockerExtension: false }); });
    after(async () => s.c.stop());

    it('advertises formatting, signature help, links and the general quick-fix commands', () => {
        const caps = s.c.initializeResult!.capabilities;
        assert.equal(caps.documentFormattingProvider, true);
        assert.equal(caps.documentRangeFormattingProvider, true);
        assert.ok(caps.signatureHelpProvider);
        assert.ok(caps.documentLinkProvider);
        assert.ok(caps.executeCommandProvider!.commands.includes('docker.command.convertToUppercase'));
        assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'refactor.rewrite', 'refactor.extract'], resolveProvider: false });
    });

    it('diagnostics: ours, then dockerfile-utils, without its duplicate-stage-name', () => {
        assert.deepEqual(s.diags.map((d) => [d.source, d.code, d.message]), [
            ['stagecraft', 'duplicate-stage-name', 'Duplicate stage name `builder`: stage 0 (line 1) already has it; references resolve to the first one.'],
            ['dockerfile-utils', 0, 'Instructions should be written in uppercase letters'],
        ]);
    });

    it('hover: the stage card, a rule, then the instruction documentation; instruction-only hover elsewhere', async () => {
        assert.deepEqual(await s.hover(3, 1), {
            contents: { kind: 'markdown', value: STAGE_CARD + '\n\n---\n\n' + FROM_DOC },
            range: { start: { line: 3, character: 0 }, end: { line: 3, character: 27 } },
        });
        const expose = await s.hover(5, 2);
        assert.match(expose!.contents.value, /^Define the network `port`s that this container will listen on at runtime\./);
    });

    it('completion: stage names first, keyword completion elsewhere, no duplicate stage names', async () => {
        const fromItems = await s.complete(4, 12);
        assert.deepEqual(fromItems.map((i) => [i.label, i.data]), [['builder', 'stagecraft-stage']]);
        const keywords = await s.complete(2, 0);
        assert.deepEqual(keywords.map((i) => i.label), KEYWORDS);
        // completionItem/resolve: general items get their documentation, ours come back as they are.
        const from = await s.c.request<{ documentation?: { value: string } | string }>('completionItem/resolve', keywords.find((i) => i.label === 'FROM'));
        const doc = typeof from.documentation === 'string' ? from.documentation : from.documentation?.value ?? '';
        assert.match(doc, /baseImage/);
        assert.deepEqual(await s.c.request('completionItem/resolve', fromItems[0]), fromItems[0]);
    });

    it('general quick-fix: lower-case instruction → convert to uppercase, executed by the server', async () => {
        const diag = s.diags[1]!;
        const actions = await s.c.request<{ title: string; command: string; arguments: unknown[] }[]>('textDocument/codeAction', {
            textDocument: { uri: URI }, range: (diag as unknown as { range: unknown }).range, context: { diagnostics: [diag] },
        });
        const upper = actions.find((a) => a.command === 'docker.command.convertToUppercase');
        assert.ok(upper, JSON.stringify(actions));
        await s.c.request('workspace/executeCommand', { command: upper.command, arguments: upper.arguments });
        assert.deepEqual(s.c.appliedEdits.map((e) => e.edit.documentChanges), [[{
            textDocument: { uri: URI, version: 1 },
            edits: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, newText: 'RUN' }],
        }]]);
    });

    it('variable definition, rename and highlights come from the general service', async () => {
        assert.deepEqual(await variableNavigation(s.c), {
            definition: { uri: VARS_URI, range: rg(2, 4, 2, 5) },
            rename: { changes: { [VARS_URI]: [{ range: rg(2, 4, 2, 5), newText: 'W' }, { range: rg(3, 10, 3, 11), newText: 'W' }] } },
            highlight: [{ range: rg(2, 4, 2, 5), kind: 3 }, { range: rg(3, 10, 3, 11), kind: 2 }],
        });
    });

    it('formatting comes from the general service', async () => {
        await s.c.change(URI, 'FROM alpine:3.20\n   RUN echo\n');
        const edits = await s.c.request('textDocument/formatting', { textDocument: { uri: URI }, options: { tabSize: 4, insertSpaces: true } });
        assert.deepEqual(edits, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, newText: '' }]);
    });
});

describe('coexistence: another Docker extension installed → only the stage features', () => {
    let s: Awaited<ReturnType<typeof session>>;
    before(async () => { s = await session({ otherDockerExtension: true }); });
    after(async () => s.c.stop());

    it('does not advertise formatting, signature help, links or commands', () => {
        const caps = s.c.initializeResult!.capabilities;
        for (const k of ['documentFormattingProvider', 'documentRangeFormattingProvider', 'documentOnTypeFormattingProvider', 'signatureHelpProvider', 'documentLinkProvider', 'executeCommandProvider'] as const) {
            assert.equal(caps[k], undefined, k);
        }
    });
    it('diagnostics: ours only', () => {
        assert.deepEqual(s.diags.map((d) => [d.source, d.code]), [['stagecraft', 'duplicate-stage-name']]);
    });
    it('hover: the stage card only; nothing on a plain instruction', async () => {
        assert.equal((await s.hover(3, 1))!.contents.value, STAGE_CARD);
        assert.equal(await s.hover(5, 2), null);
    });
    it('completion: stage names only; no keywords', async () => {
        assert.deepEqual((await s.complete(4, 12)).map((i) => i.label), ['builder']);
        assert.deepEqual(await s.complete(2, 0), []);
    });
    it('no variable navigation (the other extension has it)', async () => {
        assert.deepEqual(await variableNavigation(s.c), { definition: null, rename: null, highlight: null });
    });
    it('code actions: no general commands', async () => {
        const actions = await s.c.request<unknown[]>('textDocument/codeAction', {
            textDocument: { uri: URI }, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
            context: { diagnostics: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, message: 'Instructions should be written in uppercase letters', source: 'dockerfile-utils', code: 0 }] },
        });
        assert.ok(actions.every((a) => !String((a as { command?: unknown }).command ?? '').startsWith('docker.command.')), JSON.stringify(actions));
    });
});

describe("coexistence: features.general 'off' without another extension → only the stage features", () => {
    let s: Awaited<ReturnType<typeof session>>;
    before(async () => { s = await session({ otherDockerExtension: false }, { features: { general: 'off' } }); });
    after(async () => s.c.stop());

    it('no general diagnostics, hovers or completions', async () => {
        assert.deepEqual(s.diags.map((d) => d.source), ['stagecraft']);
        assert.equal((await s.hover(3, 1))!.contents.value, STAGE_CARD);
        assert.equal(await s.hover(5, 2), null);
        assert.deepEqual(await s.complete(2, 0), []);
    });
});

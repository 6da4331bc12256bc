/**
 * What the user sees when things go wrong inside the server, over the real server process: an
 * internal error is a diagnostic of its own, logged with its stack and shown once, never an empty
 * file; a file too large to analyse says so and the server keeps answering; ARG expansion that
 * would explode stays small in every answer; a request for a version the user has typed past is
 * answered "content modified" without analysing that version.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, Hover } from 'vscode-languageserver-types';
import { FAULT_MARKER } from '../support/analysisFault';
import { LspClient } from './lspClient';

const FAULT = path.resolve(__dirname, '..', 'support', 'analysisFault.js');

describe('an internal error in the analysis', () => {
    let c: LspClient;
    before(async () => { c = await LspClient.start({ preload: [FAULT] }); });
    after(async () => c.stop());

    it('is a diagnostic of its own code, logged with its stack, and shown to the user once', async () => {
        const uri = 'file:///ws/fault/Dockerfile';
        await c.open(uri, `# ${FAULT_MARKER}\nFROM alpine AS app\n`);
        const d = (await c.diagnostics(uri)).diagnostics.filter((x) => x.source === 'stagecraft');
        assert.deepEqual(d.map((x) => [x.code, x.severity, x.message]), [['internal-error', 1,
            'internal error while analysing (a bug in Stagecraft, please report it): planted fault: cannot read properties of undefined']]);
        // Typing on: a new version with the same fault is not shown again.
        await c.change(uri, `# ${FAULT_MARKER}\nFROM alpine AS app2\n`);
        await c.diagnostics(uri);
        await c.waitFor(() => c.logMessages.some((m) => m.type === 1 && /planted fault/.test(m.message)), 'the log line');
        const logged = c.logMessages.filter((m) => /planted fault/.test(m.message));
        assert.equal(logged.length, 1, 'logged once');
        assert.match(logged[0]!.message, /^\[stagecraft\] analysis failed on file:\/\/\/ws\/fault\/Dockerfile \(version 1\): TypeError: planted fault[^\n]*\n\s+at /);
        const shown = c.shownMessages.filter((m) => /planted fault/.test(m.message));
        assert.deepEqual(shown, [{ type: 1, message: 'Stagecraft: internal error while analysing (a bug in Stagecraft, please report it): planted fault: cannot read properties of undefined. The Stagecraft output has the details.' }]);
        // Other documents are served as always.
        const ok = 'file:///ws/fault/ok.Dockerfile';
        await c.open(ok, 'FROM alpine AS app\n');
        const hover = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: ok }, position: { line: 0, character: 16 } });
        assert.match(JSON.stringify(hover), /Stage `app`/);
    });
});

describe('limits', () => {
    let c: LspClient;
    before(async () => { c = await LspClient.start(); });
    after(async () => c.stop());

    it('a file too large to analyse gets one clear diagnostic, no general features, and the server keeps answering', async () => {
        const uri = 'file:///ws/limits/huge.Dockerfile';
        await c.open(uri, 'FROM alpine AS app\n' + 'RUN true\n'.repeat(120_000));
        const d = (await c.diagnostics(uri)).diagnostics;
        assert.deepEqual(d.map((x) => [x.code, x.source, x.message]), [['too-large', 'stagecraft',
            'the file is too large to analyse (1.1 million characters; at most 1.0 million characters)']]);
        assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 16 } }), null);
        const small = 'file:///ws/limits/small.Dockerfile';
        await c.open(small, 'FROM alpine AS app\n');
        assert.ok(await c.request('textDocument/hover', { textDocument: { uri: small }, position: { line: 0, character: 16 } }));
    });

    it('ARGs that double 26 times: a diagnostic on the ARG that stops, and a hover of a few lines', async () => {
        const uri = 'file:///ws/limits/double.Dockerfile';
        const lines = ['ARG A0=x', ...Array.from({ length: 26 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`), 'FROM img:${A26} AS big', 'FROM img:${A10} AS ok'];
        await c.open(uri, lines.join('\n') + '\n');
        const d = (await c.diagnostics(uri)).diagnostics.filter((x: Diagnostic) => x.code === 'expansion-limit');
        assert.deepEqual(d.map((x) => [x.range.start.line, x.message]), [[13, 'ARG A13 is left unresolved: it comes to more than 4,096 characters']]);
        for (const line of [27, 28]) {
            const hover = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line, character: 2 } });
            const text = (hover.contents as { value: string }).value;
            assert.ok(text.length < 3000, `hover of ${text.length} characters`);
        }
    });
});

describe('a request for a version the user has typed past', () => {
    let c: LspClient;
    before(async () => { c = await LspClient.start(); });
    after(async () => c.stop());

    it('is answered "content modified" without analysing that version', async () => {
        const uri = 'file:///ws/stale/Dockerfile';
        await c.open(uri, 'FROM alpine AS a\n');
        await c.diagnostics(uri);
        // didChange (v2), a hover, didChange (v3): arriving together, as they do while typing fast.
        const frame = (m: object) => { const body = JSON.stringify({ jsonrpc: '2.0', ...m }); return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`; };
        const change = (version: number, text: string) => frame({ method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [{ text }] } });
        let out = '';
        const answered = new Promise<string>((resolve) => {
            c.child.stdout!.on('data', (d: Buffer) => {
                out += d.toString();
                const m = /\{[^{}]*"id":"stale-hover"[^]*?\}\}/.exec(out);
                if (m) resolve(m[0]);
            });
        });
        c.child.stdin!.write(change(2, 'FROM alpine AS b\n') + frame({ id: 'stale-hover', method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 0, character: 16 } } })
            + change(3, 'FROM alpine AS c\n'));
        const reply = JSON.parse(await answered) as { error?: { code: number } };
        assert.equal(reply.error?.code, -32801, 'ContentModified');
        // The current version is served.
        const hover = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 16 } });
        assert.match((hover.contents as { value: string }).value, /Stage `c`/);
    });
});

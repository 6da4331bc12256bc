/** The stage graph view's page: a strict Content Security Policy with a nonce. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { graphViewHtml } from '../../client/src/graphHtml';

describe('stage graph view page', () => {
    const html = graphViewHtml({ cspSource: 'https://webview.test', nonce: 'N0nce', script: 'https://webview.test/dist/graphView.js' });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';

    it('allows nothing by default, scripts and styles only with the nonce, WebAssembly without eval', () => {
        const rules = Object.fromEntries(csp.split(';').map((r) => r.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
        assert.deepEqual(rules['default-src'], [`'none'`]);
        assert.deepEqual(rules['script-src'], [`'nonce-N0nce'`, `'wasm-unsafe-eval'`]);
        assert.deepEqual(rules['style-src'], [`'nonce-N0nce'`]);
        assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'|\*/);
        assert.ok(!Object.keys(rules).some((k) => k === 'connect-src'), 'no network from the view');
    });

    it('every script and style element carries the nonce; no inline handlers', () => {
        const tags = html.match(/<(script|style)\b[^>]*>/g) ?? [];
        assert.equal(tags.length, 2);
        for (const t of tags) assert.match(t, /nonce="N0nce"/);
        assert.doesNotMatch(html, /\son[a-z]+=/i);
        assert.match(html, /<script nonce="N0nce" src="https:\/\/webview\.test\/dist\/graphView\.js"><\/script>/);
    });

    it('colours come from the theme', () => {
        assert.match(html, /#canvas \[stroke="#57606a"\] \{ stroke: var\(--vscode-editorWidget-border/);
        assert.match(html, /body\.vscode-high-contrast #canvas g\.node > path/);
    });
});

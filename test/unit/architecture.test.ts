/**
 * ARCHITECTURE.md's invariants about layers, checked on the source: each pure layer imports
 * nothing that does I/O, and only the folders named there do. A new import that breaks a rule
 * fails here with the file and the import.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TOOLS } from '../../server/src/analysis/tools';

const SRC = path.join(__dirname, '..', '..', '..', 'server', 'src');

function sources(dir: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) { out.push(...sources(p)); } else if (e.name.endsWith('.ts')) { out.push(p); }
    }
    return out;
}

/** Every module a file imports or requires (static and dynamic), as written. */
export function importsOf(text: string): string[] {
    const out: string[] = [];
    const noComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    for (const m of noComments.matchAll(/\b(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    }
    return out;
}

/**
 * Modules that do I/O, tie code to node or to the editor: never imported by the pure layers, which
 * also run in a browser-hosted server (`path` and `os` are node's: paths go through `pathe`).
 */
const IMPURE = /^(?:node:)?(?:child_process|fs|fs\/promises|net|http|https|http2|dgram|dns|tls|worker_threads|path|os)(?:\/.*)?$|^vscode$|^vscode-languageserver(?:\/node)?$|^vscode-languageclient/;

describe('architecture invariants (ARCHITECTURE.md)', () => {
    it('the rule catches each module it names, in every spelling', () => {
        for (const m of ['fs', 'node:fs', 'fs/promises', 'net', 'http', 'https', 'node:https', 'child_process', 'path', 'node:path', 'path/posix', 'os', 'node:os', 'vscode', 'vscode-languageserver/node']) {
            assert.ok(IMPURE.test(m), m);
        }
        for (const m of ['pathe', 'vscode-languageserver-types', 'vscode-languageserver-textdocument', 'dockerfile-ast', './paths', 'osx']) {
            assert.ok(!IMPURE.test(m), m);
        }
    });

    it('the import scanner sees static, side-effect, require and dynamic imports', () => {
        assert.deepEqual(importsOf(`import * as fs from 'fs';\nimport 'x';\nconst c = require("child_process");\nawait import('net');\nexport { a } from './b';\n// import q from 'vscode'`),
            ['fs', 'x', 'child_process', 'net', './b']);
    });

    for (const layer of ['analysis', 'features', 'plan', 'graph', 'common']) {
        it(`server/src/${layer} imports no vscode, LSP connection, child_process, fs, net, http(s), path or os`, () => {
            const files = sources(path.join(SRC, layer));
            assert.ok(files.length > 0, `no sources in ${layer}`);
            const bad = files.flatMap((f) => importsOf(fs.readFileSync(f, 'utf8')).filter((m) => IMPURE.test(m)).map((m) => `${path.relative(SRC, f)}: ${m}`));
            assert.deepEqual(bad, []);
        });
    }

    it('the pure layers never import the I/O layers (lsp, runner, cli)', () => {
        const bad: string[] = [];
        for (const layer of ['analysis', 'features', 'plan', 'graph', 'common']) {
            for (const f of sources(path.join(SRC, layer))) {
                for (const m of importsOf(fs.readFileSync(f, 'utf8'))) {
                    if (!m.startsWith('.')) { continue; }
                    const target = path.relative(SRC, path.resolve(path.dirname(f), m));
                    if (/^(lsp|runner|cli)(\/|$)/.test(target)) { bad.push(`${path.relative(SRC, f)}: ${m}`); }
                }
            }
        }
        assert.deepEqual(bad, []);
    });

    it('features read the analysis, never the Dockerfile text: no parser, no regex over instructions or line continuations', () => {
        // completion.ts reads the half-typed instruction before the cursor (no analysis has it yet);
        // general.ts hands the text to dockerfile-language-service. Every other feature reads
        // flags, scripts and ranges from the analysis, and copies text only by those ranges.
        const EXEMPT = new Set(['completion.ts', 'general.ts']);
        const REGEX = /(?<![\w)\]$])\/(?![*/])((?:\\.|\[(?:\\.|[^\]\n])*\]|[^/\\\n[])+)\/[dgimsuy]*/g;
        const bad: string[] = [];
        for (const f of sources(path.join(SRC, 'features'))) {
            const text = fs.readFileSync(f, 'utf8');
            if (importsOf(text).includes('dockerfile-ast')) { bad.push(`${path.basename(f)} imports dockerfile-ast`); }
            if (EXEMPT.has(path.basename(f))) { continue; }
            const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
            // An instruction keyword, or a line continuation (a backslash before the line break).
            for (const m of code.matchAll(REGEX)) {
                if (/\b(FROM|RUN|COPY|ADD|ARG|ENV|WORKDIR)\b|\\\\(\\r\?)?\\n/.test(m[1])) { bad.push(`${path.basename(f)}: ${m[0]}`); }
            }
            // A continuation built from the escape character.
            if (/new RegExp\([^;]*\\r\?\\n/.test(code) && /escape/i.test(code)) { bad.push(`${path.basename(f)}: builds a continuation pattern`); }
        }
        assert.deepEqual(bad, []);
    });

    it('package-manager knowledge has one home: no module outside analysis/tools names a tool\'s files or commands', () => {
        const files = [...new Set(TOOLS.flatMap((t) => [...t.manifests, ...t.lockFiles, ...t.configFiles]))].filter((f) => !f.includes('*'));
        const commands = ['npm ci', 'go mod download', 'pip install', 'apt-get install', 'composer install', 'dotnet restore'];
        const bad: string[] = [];
        for (const f of sources(SRC)) {
            if (path.relative(SRC, f).startsWith(path.join('analysis', 'tools'))) { continue; }
            const code = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
            for (const name of [...files, ...commands]) {
                if (code.includes(`'${name}'`) || code.includes(`"${name}"`) || code.includes(`\`${name}\``)) { bad.push(`${path.relative(SRC, f)}: ${name}`); }
            }
        }
        assert.ok(files.includes('.npmrc') && files.includes('go.mod'), 'the tables list the files');
        assert.deepEqual(bad, []);
    });

    it('docker is spawned only by the runner, with argument arrays and no shell', () => {
        const spawners = sources(SRC).filter((f) => importsOf(fs.readFileSync(f, 'utf8')).some((m) => /^(node:)?child_process$/.test(m)));
        assert.deepEqual(spawners.map((f) => path.relative(SRC, f)).sort(), ['runner/process.ts']);
        const text = fs.readFileSync(path.join(SRC, 'runner', 'process.ts'), 'utf8');
        assert.match(text, /shell: false/);
        assert.doesNotMatch(text, /\bexec(Sync)?\(/);
    });
});

describe('the stage graph view (ARCHITECTURE.md)', () => {
    const CLIENT = path.join(SRC, '..', '..', 'client');

    /** Relative modules a file loads at run time (type-only imports are erased). */
    function runtimeImports(file: string): string[] {
        const text = fs.readFileSync(file, 'utf8').replace(/^\s*(?:import|export) type\s[^;]*;/gm, '');
        return importsOf(text).filter((m) => m.startsWith('.'));
    }

    it('the webview script never loads the analysis or the features: it draws the graph the server sent', () => {
        const seen = new Set<string>();
        const queue = [path.join(CLIENT, 'webview', 'main.ts')];
        while (queue.length) {
            const file = queue.pop()!;
            if (seen.has(file)) { continue; }
            seen.add(file);
            for (const m of runtimeImports(file)) {
                const base = path.resolve(path.dirname(file), m);
                const next = [base + '.ts', path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
                if (next) { queue.push(next); }
            }
        }
        const loaded = [...seen].map((f) => path.relative(path.join(SRC, '..', '..'), f)).sort();
        assert.ok(loaded.includes('server/src/graph/dot.ts'), loaded.join(', '));
        assert.deepEqual(loaded.filter((f) => /server\/src\/(analysis|features|lsp|cli|runner|plan)\//.test(f)), []);
    });
});

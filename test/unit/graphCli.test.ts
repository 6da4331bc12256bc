/**
 * `stagecraft graph` as a user runs it: golden files for dot, mermaid and json on the analysis
 * fixtures (test/fixtures/graph/; `UPDATE_GOLDEN=1` rewrites them after a deliberate change), an SVG
 * that parses and shows every stage, options and errors.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { analyze } from '../../server/src/analysis';

const ROOT = path.join(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stagecraft.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'analysis');
const GOLDEN = path.join(ROOT, 'test', 'fixtures', 'graph');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function stagecraft(...args: string[]) {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.Dockerfile')).sort();
const EXT = { dot: 'dot', mermaid: 'mmd', json: 'json' } as const;

describe('stagecraft graph: golden files', () => {
    it('has fixtures to draw', () => assert.ok(fixtures.length >= 5));
    for (const fixture of fixtures) {
        for (const [format, ext] of Object.entries(EXT)) {
            it(`${fixture} --format ${format}`, () => {
                const r = stagecraft('graph', '--format', format, path.join('test', 'fixtures', 'analysis', fixture));
                assert.equal(r.code, 0, r.stderr);
                assert.equal(r.stderr, '');
                const golden = path.join(GOLDEN, fixture.replace(/\.Dockerfile$/, `.${ext}`));
                if (UPDATE) { fs.mkdirSync(GOLDEN, { recursive: true }); fs.writeFileSync(golden, r.stdout); }
                assert.equal(r.stdout, fs.readFileSync(golden, 'utf8'), `differs from ${path.relative(ROOT, golden)} (UPDATE_GOLDEN=1 to accept)`);
            });
        }
    }
});

describe('stagecraft graph --format svg', () => {
    for (const fixture of fixtures) {
        it(`${fixture}: an SVG document that parses, with a node for every stage`, () => {
            const file = path.join(FIXTURES, fixture);
            const r = stagecraft('graph', '--format', 'svg', file);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(XMLValidator.validate(r.stdout), true);
            const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', htmlEntities: true, isArray: (name) => name === 'g' || name === 'text' }).parse(r.stdout);
            assert.ok(doc.svg, 'an <svg> root');
            const groups: { '@id'?: string; '@class'?: string; g?: unknown[]; text?: unknown[] }[] = [];
            const walk = (g: { g?: unknown[] }) => { for (const c of (g.g ?? []) as typeof groups) { groups.push(c); walk(c); } };
            walk(doc.svg);
            const stages = analyze(fs.readFileSync(file, 'utf8')).stages;
            const nodes = groups.filter((g) => /\bstage\b/.test(g['@class'] ?? ''));
            assert.deepEqual(nodes.map((g) => g['@id']), stages.map((s) => `stage-${s.index}`));
            const textOf = (g: unknown): string => JSON.stringify(g);
            for (const s of stages) {
                const node = nodes.find((g) => g['@id'] === `stage-${s.index}`);
                assert.ok(textOf(node).includes(s.name ?? `stage ${s.index}`), `stage ${s.index}'s name is drawn`);
            }
        });
    }
});

describe('stagecraft graph: options and errors', () => {
    const go = path.join('test', 'fixtures', 'analysis', 'go-service.Dockerfile');

    it('--target changes what is faded; --build-arg changes the image', () => {
        const j = JSON.parse(stagecraft('graph', '--format', 'json', '--target', 'test', '--build-arg', 'GO_VERSION=1.23', go).stdout);
        assert.equal(j.schema, 'stagecraft.stage-graph/v1');
        assert.equal(j.target, 3);
        assert.deepEqual(j.stages.map((s: { role: string }) => s.role), ['needed', 'needed', 'needed', 'target', 'unneeded']);
        assert.equal(j.images[0].image, 'golang:1.23-bookworm');
    });

    it('--report puts a build report\'s results on the nodes', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-graph-'));
        const file = path.join(dir, 'report.json');
        fs.writeFileSync(file, JSON.stringify({
            schema: 'stagecraft.build-report/v1', dockerfile: '/x/Dockerfile', context: '/x', target: { index: 4, name: 'app' }, backend: 'buildkit',
            engine: null, cacheRepo: null, startedAt: '2026-12-01T00:00:00Z', seconds: 2, exitCode: 0, outcome: 'done', message: 'done',
            stages: [{ index: 1, name: 'deps', line: 7, result: 'cached', steps: 2, cachedSteps: 2, seconds: 0.42, sizeBytes: 3 * 1024 * 1024, pushed: null, image: null }],
        }));
        const r = stagecraft('graph', '--report', file, '--format', 'mermaid', go);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /s1\["<b>deps<\/b><br\/>#1 · split-step<br\/>cached · 0\.4 s · 3\.0 MB"\]/);
        fs.writeFileSync(file, '{"schema":"other"}');
        const bad = stagecraft('graph', '--report', file, go);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /is not a build report: schema "other"/);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const errors: [string[], RegExp][] = [
        [['graph', '--format', 'png', go], /^stagecraft graph: --format png: choose one of dot, svg, mermaid, json\n$/],
        [['graph', '--target', 'nope', go], /^stagecraft graph: target stage "nope" is not in the Dockerfile\n$/],
        [['graph'], /^stagecraft graph: graph takes exactly one Dockerfile/],
        [['graph', '/no/such/Dockerfile'], /^stagecraft graph: cannot read \/no\/such\/Dockerfile: ENOENT\n$/],
    ];
    for (const [args, message] of errors) {
        it(`${args.slice(1).join(' ') || '(no file)'}: one line, exit 2`, () => {
            const r = stagecraft(...args);
            assert.equal(r.code, 2);
            assert.match(r.stderr, message);
            assert.equal(r.stdout, '');
        });
    }

    it('--help lists the formats', () => {
        const r = stagecraft('graph', '--help');
        assert.equal(r.code, 0);
        assert.match(r.stdout, /--format F +dot \(default; Graphviz\), svg/);
    });
});

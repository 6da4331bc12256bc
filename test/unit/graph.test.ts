/** The stage graph model built from the analysis, its DOT and Mermaid renderings, build results on it. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type AnalyzeOptions } from '../../server/src/analysis';
import { REPORT_SCHEMA, type BuildReport, type StageReport } from '../../server/src/common/report';
import { defaultSettings } from '../../server/src/common/settings';
import { provideStageGraph } from '../../server/src/features/stageGraph';
import { stageGraph, withReport } from '../../server/src/graph/build';
import { html, quote, toDot } from '../../server/src/graph/dot';
import { mermaidText, toMermaid } from '../../server/src/graph/mermaid';
import { PALETTE, themeCss } from '../../server/src/graph/palette';

function graphOf(text: string, opts: AnalyzeOptions = {}) {
    const doc = TextDocument.create('file:///w/Dockerfile', 'dockerfile', 1, text);
    return provideStageGraph(doc, analyze(text, opts), defaultSettings()).graph;
}

const GO = `ARG GO_VERSION=1.22
FROM golang:\${GO_VERSION} AS base
FROM base AS deps
RUN go mod download
FROM deps AS build
COPY . .
RUN go build -o /out/app .
FROM build AS test
RUN go test ./...
FROM gcr.io/distroless/static AS app
COPY --from=build /out/app /app
COPY --from=build /out/other /other
RUN --mount=type=bind,from=deps,target=/d true
`;

describe('stage graph model', () => {
    it('has a node per stage with name, index, FROM line, patterns and what the target makes of it', () => {
        const g = graphOf(GO);
        assert.deepEqual(g.stages.map((s) => [s.id, s.index, s.label, s.line, s.role]), [
            ['s0', 0, 'base', 2, 'needed'], ['s1', 1, 'deps', 3, 'needed'], ['s2', 2, 'build', 5, 'needed'],
            ['s3', 3, 'test', 8, 'unneeded'], ['s4', 4, 'app', 10, 'target'],
        ]);
        assert.deepEqual(g.stages[0]!.patterns, ['alias']);
        assert.deepEqual(g.stages[2]!.patterns, ['builder-app']);
        assert.equal(g.target, 4);
        // where a click puts the cursor: the stage name
        assert.deepEqual(g.stages[1]!.selection, { start: { line: 2, character: 13 }, end: { line: 2, character: 17 } });
    });

    it('draws external images once, ARG-resolved, and edges by kind from dependency to dependent', () => {
        const g = graphOf(GO);
        assert.deepEqual(g.images.map((i) => [i.id, i.image, i.unresolved, i.needed]), [
            ['i0', 'golang:1.22', false, true], ['i1', 'gcr.io/distroless/static', false, true],
        ]);
        assert.deepEqual(g.edges.map((e) => [e.from, e.to, e.kind, e.count, e.needed]), [
            ['i0', 's0', 'from', 1, true], ['s0', 's1', 'from', 1, true], ['s1', 's2', 'from', 1, true],
            ['s2', 's3', 'from', 1, false], ['i1', 's4', 'from', 1, true],
            ['s2', 's4', 'copy', 2, true],          // two COPY --from=build: one edge
            ['s1', 's4', 'mount', 1, true],
        ]);
    });

    it('leaves out FROM scratch and self references; keeps unresolved images, numeric and forward references', () => {
        const g = graphOf(`ARG BASE
FROM \${BASE} AS a
COPY --from=c /x /x
FROM scratch AS b
COPY --from=0 /x /x
COPY --from=b /y /y
COPY --from=nginx:1 /z /z
FROM a AS c
`, { target: 'b' });
        assert.deepEqual(g.images.map((i) => [i.image, i.unresolved, i.needed]), [['${BASE}', true, true], ['nginx:1', false, true]]);
        assert.deepEqual(g.edges.map((e) => [e.from, e.to, e.kind]), [
            ['i0', 's0', 'from'], ['s2', 's0', 'copy'], ['s0', 's1', 'copy'], ['i1', 's1', 'copy'], ['s0', 's2', 'from'],
        ]);
        assert.deepEqual(g.stages.map((s) => s.role), ['needed', 'target', 'needed']);
    });

    it('names an unnamed stage by its index, and fades nothing when the target is unknown', () => {
        const g = graphOf('FROM alpine\nFROM busybox\n', { target: 'nope' });
        assert.deepEqual(g.stages.map((s) => [s.label, s.name, s.role]), [['stage 0', null, 'needed'], ['stage 1', null, 'needed']]);
        assert.equal(g.target, null);
    });

    it('marks stages with their diagnostics, worst first, without the unused-stage hint', () => {
        const g = graphOf(`FROM node:20 AS deps
COPY . .
RUN npm ci
FROM deps AS app
COPY --from=dep /a /a
FROM deps AS old
`, { target: 'app' });
        assert.deepEqual(g.stages[0]!.problems.map((p) => [p.severity, p.code, p.line]), [['warning', 'heavy-after-broad-copy', 3]]);
        assert.deepEqual(g.stages[1]!.problems.map((p) => [p.severity, p.code]), [['error', 'unknown-stage']]);
        assert.deepEqual(g.stages[2]!.problems, [], 'unused-stage is the role, not a problem');
        assert.equal(g.stages[2]!.role, 'unneeded');
    });

    it('never throws on a half-typed file', () => {
        for (const text of ['', 'FROM', 'FROM a AS', 'COPY --from= . .', 'FROM a\nCOPY --from=', 'FROM ${']) {
            const g = graphOf(text);
            assert.ok(toDot(g).startsWith('digraph'));
            assert.ok(toMermaid(g).startsWith('flowchart'));
        }
    });
});

function report(stages: Partial<StageReport>[]): BuildReport {
    return {
        schema: REPORT_SCHEMA, dockerfile: '/w/Dockerfile', context: '/w', target: null, backend: 'buildkit', engine: null,
        cacheRepo: null, startedAt: '2026-12-01T00:00:00Z', seconds: 1, exitCode: 0, outcome: 'done', message: '',
        stages: stages.map((s, i) => ({
            index: i, name: null, line: 1, result: 'cached', steps: 1, cachedSteps: 1, seconds: 1, sizeBytes: 1024, pushed: null, image: null, ...s,
        })),
    };
}

describe('build results on the graph', () => {
    it('puts each stage\'s result on the node of the same index and name', () => {
        const g = withReport(graphOf(GO), report([
            { name: 'base' }, { name: 'deps', result: 'built', seconds: 12.4, sizeBytes: 5 * 1024 * 1024 },
            { name: 'build' }, { name: 'test', result: 'not needed', seconds: null, sizeBytes: null }, { name: 'app' },
        ]));
        assert.deepEqual(g.stages[1]!.build, { result: 'built', seconds: 12.4, sizeBytes: 5 * 1024 * 1024 });
        assert.equal(g.stages[3]!.build?.result, 'not needed');
        assert.match(toDot(g), /built · 12 s · 5\.0 MB/);
        assert.match(toDot(g), /class="stage unneeded result-not-needed"/);
    });

    it('follows a stage by name when the file changed since the build; forgets stages it does not know', () => {
        const g = withReport(graphOf(GO), report([{ name: 'build', result: 'failed' }, { name: 'gone' }, { index: 9, name: 'app' }]));
        assert.deepEqual(g.stages.map((s) => s.build?.result ?? null), [null, null, 'failed', null, 'cached']);
    });

    it('leaves the graph as it is without a report', () => {
        const g = graphOf(GO);
        assert.equal(withReport(g, null), g);
    });
});

describe('DOT and Mermaid', () => {
    it('DOT: a node per stage and image with id and classes; edge styles by kind; the target double-bordered', () => {
        const dot = toDot(graphOf(GO));
        for (let i = 0; i < 5; i++) assert.match(dot, new RegExp(`^  s${i} \\[id="stage-${i}", class="stage `, 'm'));
        assert.match(dot, /^ {4}i0 \[id="image-0", class="image needed", label="golang:1\.22"/m);
        assert.match(dot, /^ {2}s2 -> s4 \[id="edge-5", class="copy needed", style=dashed/m);
        assert.match(dot, /^ {2}s1 -> s4 \[id="edge-6", class="mount needed", style=dotted/m);
        assert.match(dot, /^ {2}s4 \[[^\n]*class="stage target"[^\n]*peripheries=2/m);
        assert.match(dot, /^ {2}s3 \[[^\n]*class="stage unneeded"[^\n]*style="rounded,filled,dashed"/m);
    });

    it('escapes names and images for DOT and Mermaid', () => {
        assert.equal(quote('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
        assert.equal(html('<a & "b">'), '&lt;a &amp; &quot;b&quot;&gt;');
        assert.equal(mermaidText('<a & "b">'), '#lt;a #amp; #quot;b#quot;#gt;');
    });

    it('Mermaid: nodes, arrows by kind, and classes for the target, unneeded stages and problems', () => {
        const m = toMermaid(graphOf(GO));
        assert.match(m, /^flowchart TB$/m);
        assert.match(m, /^ {2}i0\(\["golang:1\.22"\]\)$/m);
        assert.match(m, /^ {2}s2 -.->\|COPY\| s4$/m);
        assert.match(m, /^ {2}s1 -.->\|mount\| s4$/m);
        assert.match(m, /^ {2}class s3 unneeded$/m);
        assert.match(m, /^ {2}class s4 target$/m);
    });

    it('every palette role has its own print colour (the view recolours by them) and a theme colour', () => {
        const prints = Object.values(PALETTE).map((c) => c.print);
        assert.equal(new Set(prints).size, prints.length);
        for (const p of prints) assert.match(p, /^#[0-9a-f]{6}$/);
        const css = themeCss('#canvas');
        assert.match(css, /#canvas \[fill="#f6f8fa"\] \{ fill: var\(--vscode-editorWidget-background/);
    });
});

describe('stageGraph without diagnostics', () => {
    it('is the same graph with no problems', () => {
        const g = stageGraph(analyze(GO));
        assert.deepEqual(g.stages.map((s) => s.problems.length), [0, 0, 0, 0, 0]);
    });
});

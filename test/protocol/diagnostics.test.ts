import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GO_PROJECT, PROBLEMS } from './fixtures';
import { LspClient } from './lspClient';

type Diag = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; severity: number; code: string | number; source: string; message: string; tags?: number[]; data?: unknown };

const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const ERROR = 1, WARNING = 2, INFORMATION = 3, HINT = 4;

function ours(diags: Diag[]): Diag[] {
    return diags.filter((d) => d.source === 'stagecraft');
}

describe('stage diagnostics', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({ initializationOptions: { otherDockerExtension: true } });
    });
    after(async () => c.stop());

    it('every code, with its range, severity, message and quick-fix data', async () => {
        const uri = 'file:///ws/problems.Dockerfile';
        await c.open(uri, PROBLEMS);
        const { diagnostics, version } = await c.diagnostics(uri, 1);
        assert.equal(version, 1);
        assert.deepEqual(diagnostics, [
            {
                range: r(3, 16, 3, 23), severity: ERROR, code: 'reserved-stage-name', source: 'stagecraft',
                message: '`scratch` is a reserved name: BuildKit refuses a stage named `scratch`. Choose another name.',
                data: { code: 'reserved-stage-name', stage: 1, name: 'scratch' },
            },
            {
                range: r(4, 12, 4, 18), severity: ERROR, code: 'unknown-stage', source: 'stagecraft',
                message: '`buildr` names no stage; did you mean `builder`? (As written it is pulled as an image or a named build context.)',
                data: { code: 'unknown-stage', stage: 1, refText: 'buildr', suggestion: 'builder', suggestionIndex: 0 },
            },
            {
                range: r(6, 12, 6, 17), severity: WARNING, code: 'forward-reference', source: 'stagecraft',
                message: 'Stage `later` is defined later (line 14): BuildKit accepts a forward reference, the classic builder does not. Move it above stage `scratch`.',
                data: { code: 'forward-reference', stage: 1, refText: 'later', refStage: 3 },
            },
            {
                range: r(7, 12, 7, 19), severity: ERROR, code: 'self-reference', source: 'stagecraft',
                message: 'Stage `scratch` refers to itself (`scratch`): a stage cannot copy or mount from itself.',
                data: { code: 'self-reference', stage: 1, refText: 'scratch' },
            },
            {
                range: r(9, 20, 9, 27), severity: ERROR, code: 'duplicate-stage-name', source: 'stagecraft',
                message: 'Duplicate stage name `Builder`: stage 0 (line 1) already has it; references resolve to the first one.',
                data: { code: 'duplicate-stage-name', stage: 2, name: 'Builder', refStage: 0 },
            },
            {
                range: r(11, 0, 11, 26), severity: WARNING, code: 'heavy-after-broad-copy', source: 'stagecraft',
                message: '`apk add` runs after `COPY . .` (line 11): every source change busts its cache. Copy only the files it needs first, or split it into its own stage.',
                data: { code: 'heavy-after-broad-copy', stage: 2, line: 12, copyLine: 11, tool: 'apk', command: 'apk add', kind: 'system-packages' },
            },
            {
                range: r(9, 0, 11, 26), severity: HINT, code: 'unused-stage', source: 'stagecraft', tags: [1],
                message: 'Stage `Builder` is not needed by the target `later`: BuildKit skips it, the classic builder still builds it.',
                data: { code: 'unused-stage', stage: 2, target: 3 },
            },
        ]);
    });

    it('an --from that is an image, a named context or far from any name is not a typo; numeric out of range is', async () => {
        const uri = 'file:///ws/images.Dockerfile';
        await c.open(uri, [
            'FROM alpine:3.20 AS builder',
            'FROM builder AS app',
            'COPY --from=alpine:3.20 /a /a',
            'COPY --from=docker.io/library/busybox /b /b',
            'COPY --from=sources /c /c',
            'COPY --from=builde /d /d',
            'COPY --from=7 /e /e',
            '',
        ].join('\n'));
        const { diagnostics } = await c.diagnostics(uri, 1);
        assert.deepEqual(ours(diagnostics as Diag[]).map((d) => [d.code, d.range.start.line, d.message]), [
            ['unknown-stage', 5, '`builde` names no stage; did you mean `builder`? (As written it is pulled as an image or a named build context.)'],
            ['unknown-stage', 6, '`7` names no stage: this file has 2 stages (0 to 1).'],
        ]);
    });

    it('a clean file publishes only the unused-stage hints (faded with the Unnecessary tag)', async () => {
        const uri = 'file:///ws/go.Dockerfile';
        await c.open(uri, GO_PROJECT);
        const { diagnostics } = await c.diagnostics(uri, 1);
        assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.tags, d.range]), [
            ['unused-stage', HINT, [1], r(15, 0, 16, 17)],
            ['unused-stage', HINT, [1], r(18, 0, 19, 50)],
        ]);
    });

    it('an unknown target is reported; severities come from the settings and off removes a code', async () => {
        const uri = 'file:///ws/sev.Dockerfile';
        c.settingsByUri.set(uri, {
            diagnostics: { 'unknown-stage': 'information', 'self-reference': 'off', 'reserved-stage-name': 'hint', 'forward-reference': 'error', 'unused-stage': 'off', 'heavy-after-broad-copy': 'off', 'duplicate-stage-name': 'warning' },
        });
        await c.open(uri, PROBLEMS);
        const { diagnostics } = await c.diagnostics(uri, 1);
        assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [
            ['reserved-stage-name', HINT],
            ['unknown-stage', INFORMATION],
            ['forward-reference', ERROR],
            ['duplicate-stage-name', WARNING],
        ]);
        const t = 'file:///ws/target.Dockerfile';
        c.settingsByUri.set(t, { target: 'nope' });
        await c.open(t, GO_PROJECT);
        const got = await c.diagnostics(t, 1);
        assert.deepEqual(got.diagnostics.map((d) => [d.code, d.severity, d.source]), [['unknown-target', WARNING, 'stagecraft']]);
    });

    it('diagnostics follow edits (versioned) and are cleared on close', async () => {
        const uri = 'file:///ws/edit.Dockerfile';
        await c.open(uri, 'FROM alpine:3.20 AS builder\nFROM alpine:3.20\nCOPY --from=builder /a /a\n');
        assert.deepEqual((await c.diagnostics(uri, 1)).diagnostics, []);
        // line 2 is `COPY --from=builder /a /a`: `builder` is at characters 12-19.
        const v2 = await c.change(uri, [{ range: r(2, 12, 2, 19), text: 'buidler' }]);
        const second = await c.diagnostics(uri, v2);
        assert.equal(second.version, 2);
        assert.deepEqual(second.diagnostics.map((d) => [d.code, d.range, d.message]), [
            ['unknown-stage', r(2, 12, 2, 19), '`buidler` names no stage; did you mean `builder`? (As written it is pulled as an image or a named build context.)'],
            ['unused-stage', r(0, 0, 0, 27), 'Stage `builder` is not needed by the target `stage 1`: BuildKit skips it, the classic builder still builds it.'],
        ]);
        const v3 = await c.change(uri, [{ range: r(2, 12, 2, 19), text: 'builder' }]);
        const third = await c.diagnostics(uri, v3);
        assert.equal(third.version, 3);
        assert.deepEqual(third.diagnostics, []);
        await c.close(uri);
        const closed = await c.nextDiagnostics(uri);
        assert.deepEqual(closed.diagnostics, []);
    });
});

/**
 * A short seeded slice of `npm run fuzz` (test/fuzz/fuzz.ts) in the normal suite: the synthetic
 * extremes and a thousand mutations of the real-file corpus, through the analysis, every editor
 * feature, the CLI and the real server. Any throw, internal error, invariant violation, CLI or
 * server failure, or real-size input over 1 s fails it, with the fuzzer's report.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EXTREMES, formatReport, runFuzz } from '../fuzz/fuzz';

describe('fuzz, a seeded slice', () => {
    it('1,000 inputs (every extreme among them): no finding', async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-fuzz-slice-'));
        try {
            const report = await runFuzz({ count: 1000, seed: 2026, cliEvery: 25, serverEvery: 50, out, progress: false });
            assert.equal(report.inputs, 1000);
            assert.ok(report.corpusFiles >= 5, 'the corpus is there');
            assert.ok(report.serverRuns >= 20 && report.cliRuns >= 40);
            assert.ok(EXTREMES.length <= 500, 'every extreme is among the first 500 inputs');
            assert.deepEqual(report.findings, [], formatReport(report));
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});

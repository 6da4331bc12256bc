/**
 * Step "report": the summary table, the last line, and the build report file
 * (`--report FILE`, schema in common/report.ts) that the editor's stage graph and CI read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { type BuildOutcomeKind, type BuildReport, REPORT_SCHEMA, type StageReport, type StageResultKind } from '../common/report';
import { formatSize } from '../common/units';
import { daemonGet, localSocket } from './daemon';
import { runDocker } from './process';
import { EXIT, type RunState, seconds, type StageResult } from './state';

export function summaryTable(results: StageResult[]): string {
    const head = ['STAGE', 'CACHE', 'TIME', 'SIZE', 'PUSHED', 'IMAGE'];
    const rows = results.map((r) => [
        r.stage.label,
        r.status === 'partial' ? `partial ${r.cached}/${r.steps}` : r.status,
        r.status === 'not built' || r.seconds === 0 ? '-' : seconds(r.seconds * 1000),
        formatSize(r.size),
        r.pushed ?? '-',
        r.image ?? '-',
    ]);
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const fmt = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd() + '\n';
    return fmt(head) + rows.map(fmt).join('');
}

/** Sizes of the built images, one `docker image inspect` for all. `ids`: image IDs, or one ref. */
export async function fillSizes(state: RunState, ids: Map<StageResult, string>): Promise<void> {
    const wanted = [...new Set(ids.values())];
    if (wanted.length === 0) { return; }
    const socket = localSocket(state.docker.env);
    if (socket !== null && wanted.every((w) => /^[A-Za-z0-9._:/@-]+$/.test(w))) {
        // The daemon's answer over its socket: no docker client started after the build.
        const sizes = new Map(await Promise.all(wanted.map(async (w) => [w, (await daemonGet<{ Size?: number }>(socket, `/images/${w}/json`))?.Size ?? null] as const)));
        for (const [res, id] of ids) { res.size = sizes.get(id) ?? null; }
        return;
    }
    const r = await runDocker(state.docker, ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', ...wanted]);
    const rows = r.output.split('\n').map((l) => l.trim().split(' ')).filter((p) => p.length === 2 && p[0].startsWith('sha256:'));
    const bySha = new Map(rows.map(([i, n]) => [i, Number(n) || null]));
    for (const [res, id] of ids) {
        res.size = id.startsWith('sha256:') ? bySha.get(id) ?? null : wanted.length === 1 && rows.length === 1 ? Number(rows[0][1]) || null : null;
    }
}

function outcomeOf(state: RunState): BuildOutcomeKind {
    switch (state.code) {
        case EXIT.ok: return state.skipped ? 'unchanged' : 'done';
        case EXIT.buildFailed: return 'failed';
        case EXIT.usage: return 'usage-error';
        case EXIT.docker: return 'engine-unavailable';
        case EXIT.publish: return 'publish-failed';
        default: return 'interrupted';
    }
}

const KIND: Record<StageResult['status'], StageResultKind> = {
    hit: 'cached', miss: 'built', partial: 'partial', failed: 'failed', interrupted: 'interrupted', 'not built': 'not built',
};

/** The report of this run (every stage of the file, in file order). */
export function buildReport(state: RunState): BuildReport {
    const { req, plan } = state;
    const byIndex = new Map(state.results.map((r) => [r.stage.index, r]));
    const stages: StageReport[] = req.analysis.stages.map((s) => {
        const r = byIndex.get(s.index);
        const notNeeded = plan !== null && r === undefined;
        const built = r !== undefined && r.status !== 'not built';
        return {
            index: s.index, name: s.name, line: s.line,
            result: r === undefined ? (notNeeded ? 'not needed' : 'not built') : KIND[r.status],
            steps: built ? r.steps : null, cachedSteps: built ? r.cached : null,
            seconds: built && r.seconds > 0 ? Math.round(r.seconds * 10) / 10 : null,
            sizeBytes: r?.size ?? null, pushed: r?.pushed ?? null,
            image: r === undefined ? null : r.image ?? (plan?.buildx?.writes ?? null),
        };
    });
    const cwd = state.docker.cwd;
    return {
        schema: REPORT_SCHEMA,
        dockerfile: path.resolve(cwd, req.options.dockerfile),
        context: path.resolve(cwd, req.options.context),
        target: req.analysis.target === null ? null : { index: req.analysis.target, name: req.analysis.stages[req.analysis.target]?.name ?? null },
        backend: plan?.backend ?? null,
        engine: state.engine === null ? null : { client: state.engine.clientVersion, server: state.engine.serverVersion },
        cacheRepo: req.options.cacheRepo ?? null,
        startedAt: state.startedAt.toISOString(),
        seconds: Math.round((Date.now() - state.startedAt.getTime()) / 100) / 10,
        exitCode: state.code,
        outcome: outcomeOf(state),
        message: state.message,
        stages,
    };
}

/** The table and the last line (when a plan was made), then the report file. */
export function report(state: RunState): void {
    const { results, plan } = state;
    if (plan !== null) {
        state.say('');
        state.io.stdout.write(summaryTable(results));
        const hits = results.filter((r) => r.status === 'hit').length;
        const built = results.filter((r) => r.status === 'miss' || r.status === 'partial').length;
        const code = state.code;
        state.message = `${code === EXIT.ok ? (state.skipped ? 'nothing changed' : 'done') : code === EXIT.publish ? 'built, but publishing the cache failed' : code === EXIT.interrupted ? 'interrupted' : 'failed'}: ${hits} cached, ${built} built` + (plan.skipped.length > 0 ? `, ${plan.skipped.length} not needed` : '') + ` (exit ${code})`;
        state.say(`stagecraft: ${state.message}`);
    }
    const file = state.req.reportFile;
    if (file) {
        const abs = path.resolve(state.docker.cwd, file);
        try {
            fs.mkdirSync(path.dirname(abs), { recursive: true });
            fs.writeFileSync(`${abs}.tmp`, JSON.stringify(buildReport(state), null, 2) + '\n');
            fs.renameSync(`${abs}.tmp`, abs);
        } catch (e) {
            state.notice(`could not write the report ${file}: ${(e as Error).message}`);
        }
    }
}

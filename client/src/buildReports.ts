/**
 * The build reports of builds started from the editor (lens, graph, palette). Each build task
 * gets `--report <file>` in the extension's storage, one file per Dockerfile; when the task ends
 * the file is read (`parseReport`, common/report.ts) and listeners (the stage graph view) hear of it.
 * While a build runs, its Dockerfile and stage are listed as running.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { parseReport, type BuildReport } from '../../server/src/common/report';

export interface BuildEvent {
    dockerfile: vscode.Uri;
    /** The report of the build that ended, null while it runs or when it wrote none. */
    report: BuildReport | null;
    /** Why there is no report (the task ended without writing a readable one). */
    problem: string | null;
}

export class BuildReports implements vscode.Disposable {
    private readonly emitter = new vscode.EventEmitter<BuildEvent>();
    /** Fires when a build starts (report null) and when it ends. */
    readonly onDidChange = this.emitter.event;
    /** Dockerfile URI -> stage indexes being built. */
    private readonly running = new Map<string, Set<number>>();
    private readonly subscriptions: vscode.Disposable[] = [];

    constructor(private readonly storage: vscode.Uri) {}

    /** Where the report of a build of this Dockerfile goes (the file's path hashed: one file per Dockerfile). */
    fileFor(dockerfile: vscode.Uri): vscode.Uri {
        const key = crypto.createHash('sha256').update(dockerfile.toString()).digest('hex').slice(0, 20);
        return vscode.Uri.joinPath(this.storage, 'build-reports', `${key}.json`);
    }

    /** Makes room for the next report: the folder exists, the last report is gone (never shown for the new build). */
    async prepare(dockerfile: vscode.Uri): Promise<vscode.Uri> {
        const file = this.fileFor(dockerfile);
        await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
        await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
        return file;
    }

    /** The last report of this Dockerfile's builds, or null. */
    async latest(dockerfile: vscode.Uri): Promise<{ report: BuildReport | null; problem: string | null }> {
        let bytes: Uint8Array;
        try {
            bytes = await vscode.workspace.fs.readFile(this.fileFor(dockerfile));
        } catch {
            return { report: null, problem: null };
        }
        const parsed = parseReport(Buffer.from(bytes).toString('utf8'));
        return parsed.ok ? { report: parsed.report, problem: null } : { report: null, problem: `the build report is unreadable: ${parsed.error}` };
    }

    runningStages(dockerfile: vscode.Uri): number[] {
        return [...(this.running.get(dockerfile.toString()) ?? [])];
    }

    /**
     * Follows a started build task: running until its process ends, then its report is read.
     * `expectReport`: the build was given `--report` (an older CLI is not).
     */
    track(execution: vscode.TaskExecution, dockerfile: vscode.Uri, stageIndex: number, expectReport: boolean): void {
        const key = dockerfile.toString();
        const stages = this.running.get(key) ?? new Set<number>();
        stages.add(stageIndex);
        this.running.set(key, stages);
        this.emitter.fire({ dockerfile, report: null, problem: null });
        const ended = async (exitCode: number | undefined) => {
            sub.dispose();
            stages.delete(stageIndex);
            if (stages.size === 0) this.running.delete(key);
            const { report, problem } = expectReport ? await this.latest(dockerfile) : { report: null, problem: null };
            this.emitter.fire({
                dockerfile, report,
                problem: report || !expectReport ? null : problem ?? `the build ended (exit ${exitCode ?? '?'}) without a report`,
            });
        };
        const sub = vscode.tasks.onDidEndTaskProcess((e) => {
            if (e.execution === execution) void ended(e.exitCode);
        });
        this.subscriptions.push(sub);
    }

    dispose(): void {
        for (const s of this.subscriptions) s.dispose();
        this.emitter.dispose();
    }
}

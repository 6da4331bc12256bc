/**
 * `stagecraft.buildStage`: runs `stagecraft build` for one stage as a VS Code task in the
 * integrated terminal, so the user sees the same output CI shows.
 *
 * This file reads the settings and the world; the command line itself is made by the pure
 * helpers in buildTask.ts.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
    buildCliArgs,
    buildProcess,
    chooseCliScript,
    chooseNodeRuntime,
    findOnPath,
    parseBackend,
    resolveContextDir,
    taskLabel,
    withDockerPath,
    type BuildRequest,
} from './buildTask';
import type { BuildReports } from './buildReports';
import { listStages, type StageItem } from './stages';

export const TASK_TYPE = 'stagecraft';

/** The task definition type contributed in package.json (`taskDefinitions`). */
export interface StagecraftTaskDefinition extends vscode.TaskDefinition {
    type: typeof TASK_TYPE;
    /** The Dockerfile, absolute or relative to the workspace folder. */
    file: string;
    /** Stage name or index. */
    target: string;
}

const UNTRUSTED_MESSAGE =
    'Stagecraft: building is disabled in an untrusted workspace (a build runs the commands in the Dockerfile). ' +
    'Stage analysis keeps working. Trust this workspace to build.';

function fileExists(file: string): boolean {
    try {
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

function toUri(value: unknown): vscode.Uri | null {
    if (value instanceof vscode.Uri) return value;
    if (typeof value === 'string' && value) {
        try {
            return value.includes('://') || value.startsWith('untitled:') ? vscode.Uri.parse(value) : vscode.Uri.file(value);
        } catch {
            return null;
        }
    }
    return null;
}

/**
 * Makes the task for one stage; pure apart from reading settings and probing the file system.
 * `reportFile`: where the CLI writes its build report (`--report`).
 */
export function makeBuildTask(extensionPath: string, dockerfile: vscode.Uri, stageIndex: number, stageName: string | null, reportFile: string | null = null): vscode.Task {
    const folder = vscode.workspace.getWorkspaceFolder(dockerfile);
    const config = vscode.workspace.getConfiguration('stagecraft', dockerfile);
    const platformInfo = config.inspect<string>('platform');
    // Only a platform the user chose is passed on; the default (linux/amd64, for the analysis)
    // must not force emulation on an arm64 machine.
    const platform =
        platformInfo?.workspaceFolderValue ?? platformInfo?.workspaceValue ?? platformInfo?.globalValue ?? null;
    const request: BuildRequest = {
        dockerfile: dockerfile.fsPath,
        stageIndex,
        stageName,
        // Native separators for the process the task starts (resolveContextDir answers with '/').
        contextDir: path.normalize(resolveContextDir(dockerfile.fsPath, config.get<string>('build.context'), folder?.uri.fsPath ?? null)),
        cacheRepo: config.get<string>('build.cacheRepo') ?? null,
        backend: parseBackend(config.get('build.backend')),
        push: config.get<boolean>('build.push') === true,
        buildArgs: config.get<Record<string, string>>('buildArgs') ?? {},
        platform,
        report: reportFile,
    };
    const proc = cliProcess(extensionPath, dockerfile, buildCliArgs(request));
    const definition: StagecraftTaskDefinition = {
        type: TASK_TYPE,
        file: dockerfile.fsPath,
        target: stageName ?? String(stageIndex),
    };
    const execution = new vscode.ProcessExecution(proc.command, proc.args, {
        cwd: request.contextDir,
        env: withDockerPath(proc.env, config.get<string>('build.dockerPath')),
    });
    const task = new vscode.Task(
        definition,
        folder ?? vscode.TaskScope.Workspace,
        taskLabel(stageName, stageIndex, dockerfile.fsPath),
        'stagecraft',
        execution,
        [],
    );
    task.presentationOptions = {
        reveal: vscode.TaskRevealKind.Always,
        panel: vscode.TaskPanelKind.Dedicated,
        clear: true,
        focus: false,
    };
    task.group = vscode.TaskGroup.Build;
    return task;
}

/** The CLI process for `args`, as the build task runs it (the configured or bundled CLI, under node). */
function cliProcess(extensionPath: string, dockerfile: vscode.Uri, args: string[]) {
    const config = vscode.workspace.getConfiguration('stagecraft', dockerfile);
    const cliScript = chooseCliScript(extensionPath, fileExists, config.get<string>('build.cliPath'));
    const runtime = chooseNodeRuntime(findOnPath('node', process.env.PATH, fileExists), process.execPath);
    return buildProcess(cliScript, runtime, args);
}

const reportSupport = new Map<string, Promise<boolean>>();

/**
 * Whether the CLI the build would run writes build reports (`build --help` lists `--report`); asked
 * once per CLI. A `stagecraft.build.cliPath` of an older CLI would refuse the option (exit 2), so
 * such a build runs without a report instead.
 */
export function cliWritesReports(extensionPath: string, dockerfile: vscode.Uri): Promise<boolean> {
    const proc = cliProcess(extensionPath, dockerfile, ['build', '--help']);
    const key = [proc.command, ...proc.args].join('\0');
    let known = reportSupport.get(key);
    if (!known) {
        known = new Promise<boolean>((resolve) => {
            execFile(proc.command, proc.args, { env: { ...process.env, ...proc.env }, timeout: 15000 }, (_error, stdout) =>
                resolve(/--report\b/.test(String(stdout))));
        });
        reportSupport.set(key, known);
    }
    return known;
}

/** Lets the user pick a stage of a Dockerfile. */
async function pickStage(document: vscode.TextDocument): Promise<StageItem | undefined> {
    const stages = listStages(document.getText());
    if (stages.length === 0) {
        void vscode.window.showWarningMessage('Stagecraft: this Dockerfile has no stage (no FROM) to build.');
        return undefined;
    }
    const items = stages.map((stage) => ({
        label: stage.name ?? `stage ${stage.index}`,
        description: `#${stage.index} · line ${stage.line} · FROM ${stage.from}`,
        detail: stage.patterns.length > 0 ? stage.patterns.join(', ') : undefined,
        stage,
    }));
    const picked = await vscode.window.showQuickPick(items, {
        title: 'Stagecraft: Build Stage with Cache',
        placeHolder: 'Stage to build (the stages it needs are built too, with cache)',
        matchOnDescription: true,
    });
    return picked?.stage;
}

export function isDockerfileDocument(document: vscode.TextDocument): boolean {
    if (document.languageId === 'dockerfile') return true;
    const base = document.uri.path.split('/').pop() ?? '';
    return /^(Dockerfile|Containerfile)$|\.Dockerfile$|^Dockerfile\./i.test(base);
}

/**
 * The command. From a code lens or the stage graph: `(uri, stageIndex, stageName)`. From the
 * palette: no arguments, the stage is picked from the active Dockerfile. Resolves to the started
 * task execution, or undefined when nothing was started (untrusted workspace, no Dockerfile,
 * cancelled). With `reports`, the build writes a report that `reports` reads when it ends.
 */
export async function buildStageCommand(
    extensionPath: string,
    reports: BuildReports | null,
    uriArg?: unknown,
    stageIndexArg?: unknown,
    stageNameArg?: unknown,
): Promise<vscode.TaskExecution | undefined> {
    if (vscode.workspace.isTrusted === false) {
        void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
        return undefined;
    }
    let uri = toUri(uriArg);
    let stageIndex = typeof stageIndexArg === 'number' && Number.isInteger(stageIndexArg) && stageIndexArg >= 0 ? stageIndexArg : null;
    let stageName = typeof stageNameArg === 'string' && stageNameArg.trim() ? stageNameArg : null;

    if (!uri || stageIndex === null) {
        const document = uri
            ? await vscode.workspace.openTextDocument(uri)
            : vscode.window.activeTextEditor?.document;
        if (!document || !isDockerfileDocument(document)) {
            void vscode.window.showWarningMessage('Stagecraft: open a Dockerfile to build one of its stages.');
            return undefined;
        }
        const stage = await pickStage(document);
        if (!stage) return undefined;
        uri = document.uri;
        stageIndex = stage.index;
        stageName = stage.name;
    }
    if (uri.scheme !== 'file') {
        void vscode.window.showWarningMessage('Stagecraft: save the Dockerfile to a folder first; a build needs its files (the build context).');
        return undefined;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri!.toString());
    if (document?.isDirty) await document.save();
    // The last report goes first: it is never shown for this build.
    const prepared = reports ? (await reports.prepare(uri)).fsPath : null;
    const reportFile = prepared && await cliWritesReports(extensionPath, uri) ? prepared : null;
    const execution = await vscode.tasks.executeTask(makeBuildTask(extensionPath, uri, stageIndex, stageName, reportFile));
    reports?.track(execution, uri, stageIndex, reportFile !== null);
    return execution;
}

/** Resolves `stagecraft` tasks written in tasks.json; contributes no task of its own. */
export class StagecraftTaskProvider implements vscode.TaskProvider {
    constructor(private readonly extensionPath: string) {}

    provideTasks(): vscode.Task[] {
        return [];
    }

    resolveTask(task: vscode.Task): vscode.Task | undefined {
        const definition = task.definition as Partial<StagecraftTaskDefinition>;
        if (definition.type !== TASK_TYPE || typeof definition.file !== 'string' || typeof definition.target !== 'string') return undefined;
        if (vscode.workspace.isTrusted === false) return undefined;
        const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
        const file = folder ? vscode.Uri.joinPath(folder.uri, definition.file) : vscode.Uri.file(definition.file);
        const uri = /^([a-zA-Z]:)?[\\/]/.test(definition.file) ? vscode.Uri.file(definition.file) : file;
        const index = /^\d+$/.test(definition.target) ? Number(definition.target) : 0;
        const name = /^\d+$/.test(definition.target) ? null : definition.target;
        const resolved = makeBuildTask(this.extensionPath, uri, index, name);
        // resolveTask must keep the original definition object.
        return new vscode.Task(task.definition, task.scope ?? vscode.TaskScope.Workspace, task.name, 'stagecraft', resolved.execution, []);
    }
}

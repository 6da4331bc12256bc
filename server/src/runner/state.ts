/**
 * The one state object a build run carries through its steps (runner/run.ts): what was asked,
 * what was found out, what happened. Each step reads and writes it; nothing else is shared.
 */
import type { Analysis } from '../analysis';
import { formatSeconds } from '../common/units';
import type { BackendDecision, EngineFacts } from '../plan/backend';
import type { BackendChoice, Plan, PlanOptions, PlanStage } from '../plan/plan';
import type { Fingerprint } from './inputs';
import type { Docker } from './process';
import type { Presence } from './registry';

export const EXIT = { ok: 0, buildFailed: 1, usage: 2, docker: 3, publish: 4, interrupted: 130 } as const;

export interface RunnerIO {
    stdout: { write(s: string): unknown };
    stderr: { write(s: string): unknown };
}

export interface RunRequest {
    analysis: Analysis;
    text: string;
    /** Plan options, except the backend, which is chosen here. */
    options: Omit<PlanOptions, 'backend'>;
    backend: BackendChoice;
    cacheDirGiven: boolean;
    /** Do not stream docker's output (it is still shown when a step fails). */
    quiet: boolean;
    signal?: AbortSignal;
    /**
     * With a registry and --push (buildkit, buildx): when the registry's target image was built
     * from exactly these inputs (its `dev.stagecraft.inputs` label), build and push nothing.
     * Default true.
     */
    skipUnchanged?: boolean;
    /** After such a skip, still pull the target's image onto this engine. */
    load?: boolean;
    /** Write the build report (common/report.ts) to this file. */
    reportFile?: string | null;
}

export interface StageResult {
    stage: PlanStage;
    status: 'hit' | 'miss' | 'partial' | 'failed' | 'interrupted' | 'not built';
    cached: number;
    steps: number;
    /** Wall time of this stage's own build; 0 when it ran inside another stage's build. */
    seconds: number;
    size: number | null;
    pushed: 'yes' | 'skipped' | 'failed' | null;
    /** The image this stage's result is kept as (its cache tag), or null (buildx: in the cache). */
    image: string | null;
}

export interface RunState {
    readonly docker: Docker;
    readonly req: RunRequest;
    readonly io: RunnerIO;
    readonly startedAt: Date;
    engine: EngineFacts | null;
    /** How to ask the docker client's version when the probe did not (engine.ts `probeBySocket`); only a report file wants it. */
    clientVersion: (() => Promise<string>) | null;
    decision: BackendDecision | null;
    options: PlanOptions | null;
    plan: Plan | null;
    /** Registry answers for cache and image refs, asked early (runner/discover.ts). */
    presence: Map<string, Presence>;
    /** Why a registry host could not be used, in words (`answers 500 ...`, `refuses connections`). */
    hostTrouble: Map<string, string>;
    /** Cache refs known not to exist or not readable: never handed to docker. */
    missing: Set<string>;
    /** Registry refs known to exist. */
    remotePresent: Set<string>;
    /** Registries found unreachable: nothing is pushed there (host -> why). */
    deadHosts: Map<string, string>;
    tarballLoaded: boolean;
    /** The inputs fingerprint (started early, see runner/skip.ts). */
    fingerprinting: Promise<Fingerprint> | null;
    inputs: Fingerprint | null;
    /** `--label dev.stagecraft.inputs=...` for the target's build. */
    labelArgs: string[];
    /** Nothing changed: nothing was built. */
    skipped: boolean;
    results: StageResult[];
    code: number;
    /** The stage a failed build stopped at. */
    failedIndex: number | null;
    /** Why publishing (push, cache export, save) failed, once. */
    pushBroken: string | null;
    /** The last line for the user (the summary line), also the report's message. */
    message: string;
    say(s: string): void;
    notice(s: string): void;
    interrupted(): boolean;
    /** With STAGECRAFT_TRACE=1: when each step ended, in ms since the process started (stderr). */
    trace(step: string): void;
}

export function newState(docker: Docker, req: RunRequest, io: RunnerIO): RunState {
    return {
        docker, req, io, startedAt: new Date(),
        engine: null, clientVersion: null, decision: null, options: null, plan: null,
        presence: new Map(), hostTrouble: new Map(), missing: new Set(), remotePresent: new Set(), deadHosts: new Map(), tarballLoaded: false,
        fingerprinting: null, inputs: null, labelArgs: [], skipped: false,
        results: [], code: EXIT.ok, failedIndex: null, pushBroken: null, message: '',
        say: (s) => { io.stdout.write(s + '\n'); },
        notice: (s) => { io.stderr.write(`stagecraft: ${s}\n`); },
        interrupted: () => req.signal?.aborted === true,
        trace: docker.env.STAGECRAFT_TRACE === '1'
            ? (step) => { io.stderr.write(`stagecraft: trace ${step} at ${Math.round(performance.now())} ms\n`); }
            : () => undefined,
    };
}

/** A duration in milliseconds as people read it (`0.8 s`, `12 s`). */
export function seconds(ms: number): string {
    return formatSeconds(ms / 1000);
}

export function lastLine(output: string): string {
    return output.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(-1)[0] ?? '';
}

/**
 * docker's registry error, short enough for one line: no "ERROR: failed to solve:" prefix, no
 * upload URLs with their state tokens, and the cause in words when it is a broken connection.
 */
export function shortRegistryError(output: string): string {
    let line = lastLine(output.split('\n').filter((l) => /error|failed|denied|unauthorized|status/i.test(l)).join('\n')) || lastLine(output);
    line = line.replace(/^(?:ERROR: )?(?:failed to solve: )?/, '');
    line = line.replace(/(?:Put|Patch|Post|Head|Get) "?https?:\/\/[^\s"]+"?/g, (m) => m.replace(/\?[^"\s]*/, '').replace(/\/v2\/[^"]*\/(blobs|manifests)\/[^"]*/, '/v2/.../$1/...'));
    if (/: EOF$|connection reset|broken pipe|unexpected EOF/i.test(line)) { line += ' (the registry dropped the connection)'; }
    return line.length > 300 ? line.slice(0, 297) + '...' : line;
}

/** Why a pull or push failed, in words, from docker's output. */
export function classifyRegistryError(output: string): 'auth' | 'missing' | 'unreachable' | 'other' {
    // The lines that say what went wrong (a digest's hex can hold "401").
    const o = output.split('\n').filter((l) => /error|denied|unauthorized|failed|refused|not found|unknown|status/i.test(l)).join('\n').toLowerCase().replace(/sha256:[0-9a-f]{64}/g, 'sha256:…');
    if (/unauthorized|authentication required|no basic auth credentials|access to the resource is denied|denied:|\b403 forbidden\b|\b401\b/.test(o)) { return 'auth'; }
    if (/not found|manifest unknown|does not exist/.test(o)) { return 'missing'; }
    if (/connection refused|no such host|i\/o timeout|dial tcp|server misbehaving|connection reset|tls handshake/.test(o)) { return 'unreachable'; }
    return 'other';
}

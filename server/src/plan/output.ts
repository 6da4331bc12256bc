/**
 * Reading docker's build output: which steps of a stage came from cache, and where a build
 * failed. Pure (text in, facts out), so it is tested on recorded output as well as live.
 *
 * - Classic: `Step N/M : FROM ...` starts a stage (stages are counted, every FROM is kept in
 *   derived files, so the count is the stage index); ` ---> Using cache` marks the last step cached.
 * - BuildKit (`--progress=plain`): `#7 [deps 2/3] RUN ...` names a step of a stage; `#7 CACHED`
 *   marks it cached; `#7 ERROR: ...` marks it failed.
 */
import type { Stage } from '../analysis';

export interface StepInfo {
    /** Instruction text as docker printed it (`RUN make`). */
    text: string;
    cached: boolean;
}

export interface BuildOutcome {
    /** The steps of the stage that was built (its FROM excluded). */
    steps: StepInfo[];
    /** The failing step, when docker reported one. */
    failure: { stage: number | null; stageLabel: string | null; text: string | null; reason: string; line?: number } | null;
}

export function cacheState(o: Pick<BuildOutcome, 'steps'>): 'hit' | 'miss' | 'partial' {
    const cached = o.steps.filter((s) => s.cached).length;
    return cached === o.steps.length ? 'hit' : cached === 0 ? 'miss' : 'partial';
}

export function parseClassic(output: string, stageIndex: number): BuildOutcome {
    const steps: StepInfo[] = [];
    let stage = -1;
    let last: { stage: number; step: StepInfo } | null = null;
    let failure: BuildOutcome['failure'] = null;
    for (const raw of output.split('\n')) {
        const line = raw.replace(/\r$/, '');
        const m = /^Step \d+\/\d+ : (\S+)\s*(.*)$/.exec(line);
        if (m) {
            if (m[1].toUpperCase() === 'FROM') { stage++; last = null; continue; }
            const step = { text: `${m[1]} ${m[2]}`.trim(), cached: false };
            last = { stage, step };
            if (stage === stageIndex) { steps.push(step); }
            continue;
        }
        if (/^ ---> Using cache$/.test(line) && last) { last.step.cached = true; continue; }
        const fail = /^(The command .* returned a non-zero code: \d+)$/.exec(line)
            ?? /^((?:COPY|ADD) failed: .*)$/.exec(line)
            ?? /^(failed to .*|error .*|Error response from daemon: .*)$/i.exec(line);
        if (fail && failure === null) {
            failure = { stage: stage >= 0 ? stage : null, stageLabel: null, text: last?.step.text ?? null, reason: fail[1] };
        }
    }
    return { steps, failure };
}

/** BuildKit (`--progress=plain`) output -> the steps of every stage it printed, by stage name (lower-cased; unnamed stages are `stage-N`), FROM vertices left out. */
export function parseBuildkitStages(output: string): Map<string, StepInfo[]> {
    return readBuildkit(output).stages;
}

function readBuildkit(output: string): { stages: Map<string, StepInfo[]>; failure: BuildOutcome['failure'] } {
    const vertex = new Map<string, { stage: string; text: string }>();
    const cached = new Set<string>();
    // A step whose result came from a remote cache sometimes prints only the download of its
    // layers (`#9 sha256:... 250B / 250B done`, `#9 extracting sha256:...`), not `CACHED`
    // (BuildKit 0.13's plain printer, measured): such a step did not run. A step that ran prints
    // its command's output with a timestamp (`#9 0.213 ...`), or nothing.
    const loaded = new Set<string>();
    const ran = new Set<string>();
    let failure: BuildOutcome['failure'] = null;
    let errorVertex: string | null = null;
    let reason = '';
    // BuildKit's excerpt of the Dockerfile under an error (`Dockerfile:3`, a rule, `   3 | >>> FROM ...`):
    // the only pointer to the instruction when the failing step is not a stage's step (`[internal]
    // load metadata for ...` of a FROM).
    let excerptAt: number | null = null;
    let excerpt: { line: number; text: string } | null = null;
    let previous = '';
    for (const raw of output.split('\n')) {
        const line = raw.replace(/\r$/, '');
        const before = previous;
        previous = line;
        if (excerpt === null) {
            const at: RegExpExecArray | null = /^-{20}$/.test(line) ? /^\S+:(\d+)$/.exec(before) : null;
            if (at) { excerptAt = Number(at[1]); continue; }
            const marked: RegExpExecArray | null = excerptAt !== null ? /^\s*(\d+) \| >>> (.*)$/.exec(line) : null;
            if (marked && Number(marked[1]) === excerptAt) { excerpt = { line: excerptAt, text: marked[2].trim() }; continue; }
        }
        const v = /^#(\d+) \[([^\]\s]+) \d+\/\d+\] (.*)$/.exec(line);
        if (v) { if (!vertex.has(v[1])) { vertex.set(v[1], { stage: v[2].toLowerCase(), text: v[3] }); } continue; }
        const c = /^#(\d+) CACHED$/.exec(line);
        if (c) { cached.add(c[1]); continue; }
        const blob = /^#(\d+) (?:sha256:[0-9a-f]{64} [0-9.]+[kMG]?B \/ |extracting sha256:[0-9a-f]{64})/.exec(line);
        if (blob) { loaded.add(blob[1]); continue; }
        const out = /^#(\d+) \d+\.\d+ /.exec(line);
        if (out) { ran.add(out[1]); continue; }
        const e = /^#(\d+) ERROR: (.*)$/.exec(line);
        if (e && errorVertex === null && vertex.has(e[1])) { errorVertex = e[1]; reason = e[2]; continue; }
        const solve = /^(?:error: )?failed to solve: (.*)$/i.exec(line); // buildx: `ERROR: failed to solve: ...`
        if (solve && reason === '') { reason = solve[1]; }
    }
    const stages = new Map<string, StepInfo[]>();
    for (const [id, info] of vertex) {
        if (/^FROM\s/i.test(info.text)) { continue; }
        let list = stages.get(info.stage);
        if (list === undefined) { list = []; stages.set(info.stage, list); }
        list.push({ text: info.text, cached: cached.has(id) || (loaded.has(id) && !ran.has(id)) });
    }
    if (errorVertex !== null) {
        const info = vertex.get(errorVertex) as { stage: string; text: string };
        failure = { stage: null, stageLabel: info.stage, text: info.text, reason };
    } else if (reason !== '') {
        // No `#N ERROR` line for the step (BuildKit shares a step between concurrent builds on one
        // engine, e.g. two CI jobs, and only the build that ran it prints its error): the solve
        // error still names the command, and this output lists the step.
        const cmd = /executor failed running \[\/bin\/sh -c (.*)\]: exit code: \d+/.exec(reason)?.[1];
        const ran = cmd === undefined ? undefined : [...vertex.values()].find((v) => norm(v.text) === norm(`RUN ${cmd}`));
        failure = ran !== undefined ? { stage: null, stageLabel: ran.stage, text: ran.text, reason }
            : excerpt !== null ? { stage: null, stageLabel: null, text: excerpt.text, reason, line: excerpt.line }
            : { stage: null, stageLabel: null, text: null, reason };
    }
    return { stages, failure };
}

/** Instruction text compared as docker prints it: whitespace runs squashed, case ignored. */
const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** `name`: the stage's `--target` name (BuildKit prints it lower-cased). */
export function parseBuildkit(output: string, name: string): BuildOutcome {
    const { stages, failure } = readBuildkit(output);
    return { steps: stages.get(name.toLowerCase()) ?? [], failure };
}

/** The 1-based line of the instruction of `stage` that docker printed as `text`, else the FROM line. */
export function lineOf(stage: Pick<Stage, 'line' | 'instructions'>, text: string | null): number {
    if (text === null) { return stage.line; }
    const t = norm(text);
    const kw = t.split(' ')[0];
    const exact = stage.instructions.find((i) => norm(`${i.keyword} ${i.args}`) === t);
    if (exact) { return exact.line; }
    const prefix = stage.instructions.find((i) => {
        const n = norm(`${i.keyword} ${i.args}`);
        return n.slice(0, 30) === t.slice(0, 30);
    });
    if (prefix) { return prefix.line; }
    const sameKw = stage.instructions.filter((i) => i.keyword.toLowerCase() === kw);
    return sameKw.length === 1 ? sameKw[0].line : stage.line;
}

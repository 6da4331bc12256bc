/**
 * Dockerfile text -> stage graph, following BuildKit's semantics.
 *
 * Parsing is `dockerfile-ast`'s; this module only reads its tree. One pass over the instructions,
 * maps for name look-ups: linear in the size of the file. Never throws: `analyzeUnsafe` is
 * wrapped so that a bug here degrades to an empty analysis with a problem, not a crash.
 */
import { DockerfileParser, type Argument, type Dockerfile, type Instruction, type From, type Flag } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type {
    Analysis, AnalyzeOptions, ContextCopy, GlobalArg, HeavyStep, InstructionInfo, Stage, StageRef, TestStep,
} from './model';
import { expandWord } from './expand';
import { findHeavy, findTests, isBroadSource } from './commands';
import { classify } from './patterns';

export const DEFAULT_PLATFORM = 'linux/amd64';

/** Stage names compare case-insensitively, as BuildKit lower-cases them. */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
    return a != null && b != null && a.toLowerCase() === b.toLowerCase();
}

export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
    try {
        return analyzeUnsafe(text, options);
    } catch (e) {
        return emptyAnalysis(options, `internal error while analysing: ${(e as Error)?.message ?? e}`);
    }
}

function emptyAnalysis(options: AnalyzeOptions, message: string): Analysis {
    const platform = options.platform || DEFAULT_PLATFORM;
    return {
        target: null, platform, buildPlatform: options.buildPlatform || platform, stages: [], unused: [],
        globalArgs: [], problems: [{ code: 'no-stages', message, range: null }], escapeChar: '\\',
    };
}

/** `os/arch[/variant]` -> the automatic platform ARGs with the given prefix, or null if malformed. */
export function platformArgs(platform: string, prefix: 'TARGET' | 'BUILD'): Record<string, string> | null {
    const parts = platform.split('/');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/i.test(p))) { return null; }
    const [os, arch, variant = ''] = parts;
    return {
        [`${prefix}PLATFORM`]: platform,
        [`${prefix}OS`]: os,
        [`${prefix}ARCH`]: arch,
        [`${prefix}VARIANT`]: variant,
    };
}

function line1(r: Range): number {
    return r.start.line + 1;
}

function analyzeUnsafe(text: string, options: AnalyzeOptions): Analysis {
    const dockerfile = DockerfileParser.parse(text);
    const escapeChar = dockerfile.getEscapeCharacter();
    const problems: Analysis['problems'] = [];

    // --- platform and global ARGs -------------------------------------------------------------
    let platform = options.platform || DEFAULT_PLATFORM;
    let targetArgs = platformArgs(platform, 'TARGET');
    if (!targetArgs) {
        problems.push({ code: 'bad-platform', message: `platform "${platform}" is not of the form os/arch[/variant]`, range: null });
        platform = DEFAULT_PLATFORM;
        targetArgs = platformArgs(platform, 'TARGET')!;
    }
    let buildPlatform = options.buildPlatform || platform;
    let buildArgsAuto = platformArgs(buildPlatform, 'BUILD');
    if (!buildArgsAuto) {
        problems.push({ code: 'bad-platform', message: `build platform "${buildPlatform}" is not of the form os/arch[/variant]`, range: null });
        buildPlatform = platform;
        buildArgsAuto = platformArgs(buildPlatform, 'BUILD')!;
    }
    const values = new Map<string, string | null>();
    for (const [k, v] of Object.entries({ ...targetArgs, ...buildArgsAuto })) { values.set(k, v); }
    const overrides = options.buildArgs ?? {};
    const lookup = (name: string): string | null | undefined => values.has(name) ? values.get(name)! : undefined;
    const uncertain = new Set<string>();
    const globalArgs: GlobalArg[] = [];
    for (const arg of dockerfile.getInitialARGs()) {
        const prop = arg.getProperty();
        if (!prop) { continue; }
        const name = prop.getName();
        const raw = prop.getUnescapedValue();
        let value: string | null;
        let certain = true;
        if (Object.prototype.hasOwnProperty.call(overrides, name)) {
            value = overrides[name];
        } else if (raw !== null) {
            const ex = expandWord(raw, (n) => uncertain.has(n) ? null : lookup(n), escapeChar);
            value = ex.value;
            certain = ex.certain;
        } else if (values.has(name)) {
            value = values.get(name)!; // `ARG TARGETOS` re-declares an automatic ARG
            certain = !uncertain.has(name);
        } else {
            value = null; // declared without a value: empty for BuildKit, unknown to us
            certain = false;
        }
        if (certain) { uncertain.delete(name); } else { uncertain.add(name); }
        values.set(name, value);
        globalArgs.push({
            name, default: raw === null ? null : expandWord(raw, () => undefined, escapeChar).value,
            value: uncertain.has(name) ? null : value, line: line1(arg.getRange()), range: arg.getRange(),
        });
    }
    const fromLookup = (n: string): string | null | undefined => uncertain.has(n) ? null : lookup(n);

    // --- stages --------------------------------------------------------------------------------
    const froms = dockerfile.getFROMs();
    const stages: Stage[] = [];
    const firstByName = new Map<string, number>();
    const lines = text.split(/\r?\n/);
    const loneCR = /\r(?!\n)/.test(text);
    froms.forEach((from, index) => {
        const parts = readFrom(from, escapeChar, loneCR ? null : lines);
        const name = parts.name;
        if (name && !firstByName.has(name.toLowerCase())) { firstByName.set(name.toLowerCase(), index); }
        stages.push(newStage(from, parts, index, dockerfile, fromLookup, escapeChar));
    });
    if (stages.length === 0) {
        problems.push({ code: 'no-stages', message: 'the Dockerfile has no FROM instruction', range: null });
    }

    // Instructions after each FROM belong to that stage.
    let current = -1;
    for (const ins of dockerfile.getInstructions()) {
        const kw = ins.getKeyword();
        if (kw === 'FROM') { current++; continue; }
        if (current < 0) { continue; }
        const stage = stages[current];
        if (!stage) { continue; }
        readInstruction(stage, ins, firstByName, stages.length, lines);
    }

    // Parents (earlier stages only), then the stage graph.
    for (const stage of stages) {
        const fromRef = stage.refs[0];
        if (fromRef && fromRef.resolved !== null && fromRef.resolved.toLowerCase() !== 'scratch') {
            const i = firstByName.get(fromRef.resolved.toLowerCase());
            if (i !== undefined && i < stage.index) {
                stage.parent = i;
                fromRef.stage = i;
            }
        }
        finishStage(stage);
    }
    for (const stage of stages) {
        for (const d of stage.dependsOn) { stages[d].usedBy.push(stage.index); }
    }
    for (const stage of stages) { stage.usedBy = sortedUnique(stage.usedBy); }

    // Comments right above each FROM: the BuildKit-style description.
    attachDescriptions(dockerfile, stages);

    // --- target and reachability ---------------------------------------------------------------
    let target: number | null = stages.length > 0 ? stages.length - 1 : null;
    if (options.target !== undefined && options.target !== '' && stages.length > 0) {
        target = findStage(stages, firstByName, options.target);
        if (target === null) {
            problems.push({ code: 'unknown-target', message: `target stage "${options.target}" is not in the Dockerfile`, range: null });
        }
    }
    if (target !== null) {
        const stack = [target];
        while (stack.length > 0) {
            const i = stack.pop()!;
            if (stages[i].reachable) { continue; }
            stages[i].reachable = true;
            for (const d of stages[i].dependsOn) { if (!stages[d].reachable) { stack.push(d); } }
        }
    }
    const unused = stages.filter((s) => !s.reachable).map((s) => s.index);

    classify(stages);

    return { target, platform, buildPlatform, stages, unused, globalArgs, problems, escapeChar };
}

function findStage(stages: Stage[], firstByName: Map<string, number>, ref: string | number): number | null {
    if (typeof ref === 'number') { return Number.isInteger(ref) && ref >= 0 && ref < stages.length ? ref : null; }
    const byName = firstByName.get(ref.toLowerCase());
    if (byName !== undefined) { return byName; }
    if (/^\d+$/.test(ref)) { const n = Number(ref); return n < stages.length ? n : null; }
    return null;
}

/** A word split by a line continuation is one word to Docker: `b\\<newline>uild` is `build`. */
function joinContinuations(word: string, escapeChar: string): string {
    if (!word.includes('\n')) { return word; }
    const esc = escapeChar.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    return word.replace(new RegExp(`${esc}[ \\t]*\\r?\\n[ \\t]*`, 'g'), '').replace(/\s+/g, ' ');
}

interface FromParts {
    /** The image word, continuations joined ('' when missing). */
    image: string;
    imageRange: Range | null;
    name: string | null;
    nameRange: Range | null;
}

/**
 * What a FROM says, from ONE tokenisation: dockerfile-ast's getImage(), getImageRange(),
 * getBuildStage() and getBuildStageRange() each re-tokenise the arguments (same results).
 * `lines`: the text's lines, to read a one-line name; null (lone CR line ends) asks the parser.
 */
function readFrom(from: From, escapeChar: string, lines: string[] | null): FromParts {
    const args = from.getArguments();
    const image = args.length > 0 ? joinContinuations(args[0].getValue(), escapeChar) : '';
    const imageRange = args.length > 0 ? args[0].getRange() : null;
    const nameRange = args.length > 2 && args[1].getValue().toUpperCase() === 'AS' ? args[2].getRange() : null;
    let name: string | null = null;
    if (nameRange !== null) {
        const raw = lines !== null && nameRange.start.line === nameRange.end.line
            ? (lines[nameRange.start.line] ?? '').slice(nameRange.start.character, nameRange.end.character)
            : from.getBuildStage() ?? '';
        name = joinContinuations(raw, escapeChar);
    }
    return { image, imageRange, name, nameRange };
}

function newStage(from: From, parts: FromParts, index: number, dockerfile: Dockerfile, lookup: (n: string) => string | null | undefined,
    escapeChar: string): Stage {
    const range = from.getRange();
    const image = parts.image;
    const imageRange = parts.imageRange;
    let resolved: string | null = null;
    if (image !== '') {
        const ex = expandWord(image, lookup, escapeChar);
        resolved = ex.certain && ex.value !== '' ? ex.value : null;
    }
    const fromRef: StageRef = {
        kind: 'from', text: image, resolved, range: imageRange ?? from.getInstructionRange(), line: line1(range),
        stage: null, numeric: false, forward: false, self: false,
    };
    void dockerfile;
    return {
        index,
        name: parts.name,
        nameRange: parts.nameRange,
        line: line1(range),
        fromRange: range,
        range: { start: range.start, end: range.end },
        from: image,
        imageRange,
        fromResolved: resolved,
        platformFlag: from.getPlatformFlag()?.getValue() ?? null,
        parent: null,
        refs: [fromRef],
        dependsOn: [],
        externalFrom: [],
        usedBy: [],
        instructions: [],
        contextCopies: [],
        heavySteps: [],
        testSteps: [],
        description: null,
        patterns: [],
        reachable: false,
    };
}

function flagsOf(ins: Instruction): Flag[] {
    const f = (ins as unknown as { getFlags?: () => Flag[] }).getFlags;
    return typeof f === 'function' ? f.call(ins) : [];
}

function resolveRef(text: string, firstByName: Map<string, number>, count: number): number | null {
    if (/^\d+$/.test(text)) {
        const n = Number(text);
        return n < count ? n : null;
    }
    const i = firstByName.get(text.toLowerCase());
    return i === undefined ? null : i;
}

function addRef(stage: Stage, kind: StageRef['kind'], text: string, range: Range, line: number,
    firstByName: Map<string, number>, count: number): void {
    const target = resolveRef(text, firstByName, count);
    stage.refs.push({
        kind, text, resolved: text, range, line, stage: target, numeric: /^\d+$/.test(text),
        forward: target !== null && target > stage.index, self: target === stage.index,
    });
}

/**
 * The arguments as Docker sees them: continuations joined and the comment lines inside them dropped
 * (the parser's raw content keeps those), heredoc bodies kept line by line.
 */
type Heredoc = { getStartRange(): Range; getContentRange(): Range | null };

/** The instruction's heredocs; none without a `<<` in some argument (getHeredocs() re-tokenises). */
function heredocsOf(ins: Instruction, argList: Argument[]): Heredoc[] {
    if (!argList.some((a) => a.getValue().includes('<<'))) { return []; }
    const heredocs = (ins as unknown as { getHeredocs?: () => Heredoc[] }).getHeredocs;
    return typeof heredocs === 'function' ? heredocs.call(ins) : [];
}

function argumentsText(argList: Argument[], hd: Heredoc[], lines: string[]): string {
    if (hd.length === 0) { return argList.map((a) => a.getValue()).join(' '); }
    const firstLine = hd[0].getStartRange().start.line;
    const head = argList.filter((a) => a.getRange().start.line <= firstLine).map((a) => a.getValue()).join(' ');
    const bodies = hd.map((h) => {
        const r = h.getContentRange();
        return r ? lines.slice(r.start.line, r.end.line + 1).join('\n') : '';
    });
    return [head, ...bodies].join('\n');
}

function readInstruction(stage: Stage, ins: Instruction, firstByName: Map<string, number>, count: number, lines: string[]): void {
    const keyword = ins.getKeyword();
    const range = ins.getRange();
    const line = line1(range);
    // dockerfile-ast re-tokenises on every getArguments() call: take them once.
    const argList = ins.getArguments();
    const hd = heredocsOf(ins, argList);
    const args = argumentsText(argList, hd, lines);
    stage.instructions.push({ keyword, args, line, range } satisfies InstructionInfo);
    stage.range = { start: stage.range.start, end: range.end };

    if (keyword === 'COPY' || keyword === 'ADD') {
        let fromFlag: Flag | null = null;
        for (const flag of flagsOf(ins)) {
            if (flag.getName().toLowerCase() === 'from') { fromFlag = flag; }
        }
        if (fromFlag) {
            const value = fromFlag.getValue();
            const vr = fromFlag.getValueRange();
            if (value && vr) {
                addRef(stage, keyword === 'COPY' ? 'copy' : 'add', value, vr, line, firstByName, count);
            }
            return;
        }
        const copy = readContextCopy(ins, argList, hd, keyword, line, range);
        if (copy) { stage.contextCopies.push(copy); }
        return;
    }
    if (keyword === 'RUN') {
        for (const flag of flagsOf(ins)) {
            if (flag.getName().toLowerCase() !== 'mount') { continue; }
            for (const opt of flag.getOptions()) {
                if (opt.getName().toLowerCase() !== 'from') { continue; }
                const value = opt.getValue();
                const vr = opt.getValueRange();
                if (value && vr) { addRef(stage, 'mount', value, vr, line, firstByName, count); }
            }
        }
        const script = runScript(ins, args);
        const broad = [...stage.contextCopies].reverse().find((c) => c.broad) ?? null;
        for (const h of findHeavy(script)) {
            stage.heavySteps.push({ ...h, line, range, afterBroadCopy: broad } satisfies HeavyStep);
        }
        for (const t of findTests(script)) {
            stage.testSteps.push({ command: t, line, range } satisfies TestStep);
        }
    }
}

/** The shell text of a RUN: the JSON (exec) form joined, or the shell form with heredoc bodies. */
function runScript(ins: Instruction, args: string): string {
    const json = (ins as unknown as { getJSONStrings?: () => { getJSONValue(): string }[] }).getJSONStrings;
    if (typeof json === 'function') {
        const strings = json.call(ins);
        if (strings.length > 0) { return strings.map((s) => s.getJSONValue()).join(' '); }
    }
    // getArguments() leaves the flags (`--mount=...`) out already.
    return args;
}

function readContextCopy(ins: Instruction, argList: Argument[], hd: Heredoc[], keyword: 'COPY' | 'ADD', line: number, range: Range): ContextCopy | null {
    let words: string[];
    const json = (ins as unknown as { getJSONStrings?: () => { getJSONValue(): string }[] }).getJSONStrings;
    const jsonStrings = typeof json === 'function' ? json.call(ins) : [];
    if (jsonStrings.length > 0) {
        words = jsonStrings.map((s) => s.getJSONValue());
    } else {
        let argsList = argList;
        if (hd.length > 0) {
            const firstLine = hd[0].getStartRange().start.line;
            argsList = argsList.filter((a) => a.getRange().start.line <= firstLine);
        }
        words = argsList.map((a) => a.getValue());
    }
    if (words.length < 2) { return null; }
    const dest = words[words.length - 1];
    const sources = words.slice(0, -1).filter((s) => !s.startsWith('<<'));
    const contextSources = sources.filter((s) => !(keyword === 'ADD' && /^(https?:\/\/|git@|[a-z]+:\/\/)/i.test(s)));
    if (contextSources.length === 0) { return null; }
    return {
        keyword, sources: contextSources, dest, broad: contextSources.some(isBroadSource), line, range,
    };
}

function sortedUnique(xs: number[]): number[] {
    return [...new Set(xs)].sort((a, b) => a - b);
}

function finishStage(stage: Stage): void {
    const deps: number[] = [];
    const external: string[] = [];
    for (const ref of stage.refs) {
        if (ref.stage !== null) {
            if (!ref.self) { deps.push(ref.stage); }
        } else if (ref.kind === 'from') {
            const img = ref.resolved ?? ref.text;
            if (img && img.toLowerCase() !== 'scratch' && !external.includes(img)) { external.push(img); }
        } else if (!external.includes(ref.text)) {
            external.push(ref.text);
        }
    }
    stage.dependsOn = sortedUnique(deps);
    stage.externalFrom = external;
}

function attachDescriptions(dockerfile: Dockerfile, stages: Stage[]): void {
    const comments = new Map<number, string>();
    for (const c of dockerfile.getComments()) {
        comments.set(c.getRange().start.line, c.getContent() ?? '');
    }
    const directives = new Set(dockerfile.getDirectives().map((d) => d.getRange().start.line));
    for (const stage of stages) {
        if (!stage.name) { continue; }
        const lines: string[] = [];
        for (let l = stage.fromRange.start.line - 1; l >= 0 && comments.has(l) && !directives.has(l); l--) {
            lines.unshift(comments.get(l)!);
        }
        if (lines.length === 0) { continue; }
        const first = lines[0].trim();
        const word = first.split(/\s+/)[0];
        if (sameName(word, stage.name)) {
            stage.description = [first.slice(word.length).trim(), ...lines.slice(1).map((l) => l.trim())].join(' ').trim() || null;
        }
    }
}

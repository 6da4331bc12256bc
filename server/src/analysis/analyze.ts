/**
 * Dockerfile text -> stage graph, following BuildKit's semantics.
 *
 * Parsing is `dockerfile-ast`'s; this module only reads its tree. One pass over the instructions,
 * maps for name look-ups: linear in the size of the file. An instruction's arguments come from
 * `tokens.ts` (dockerfile-ast's own tokenisation, done once, in one pass, without its allocations:
 * the library redoes it on every `getArguments()`), not from the library's getters; what the
 * parser already keeps (flags and JSON strings of RUN/COPY/ADD) is read from the tree.
 * Never throws: `analyzeUnsafe` is wrapped so that a bug here degrades to an empty analysis with a
 * problem, not a crash.
 */
import { type Comment, type Dockerfile, type Instruction, type From, type Flag } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type {
    Analysis, AnalysisProblem, AnalyzeOptions, ContextCopy, ContextMount, GlobalArg, HeavyStep, InstructionFlag, InstructionInfo, Stage,
    StageRef, TestStep,
} from './model';
import { expandWord } from './expand';
import { parseDockerfile } from './parse';
import { isBroadSource, readScript } from './tools';
import { choicePattern } from './choices';
import { classify } from './patterns';
import { commentContent, joinValues, LineIndex, newTokens, readFlags, tokenize, type FlagToken, type Tokens } from './tokens';

export const DEFAULT_PLATFORM = 'linux/amd64';

/** Stage names compare case-insensitively, as BuildKit lower-cases them. */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
    return a != null && b != null && a.toLowerCase() === b.toLowerCase();
}

/**
 * Longer texts are not analysed: the parse alone would take seconds on the editor's only thread
 * (about 0.6 s per million characters here; no Dockerfile anyone writes comes near). The analysis is then empty with a
 * `too-large` problem that says so.
 */
export const MAX_ANALYSED_LENGTH = 1_000_000;

export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
    return analyzeWith(text, options, parseDockerfile);
}

/** `analyze()` over another parse of the text (the differential test passes the library's full parse). */
export function analyzeWith(text: string, options: AnalyzeOptions, parse: (text: string) => Dockerfile): Analysis {
    if (text.length > MAX_ANALYSED_LENGTH) {
        return emptyAnalysis(options, {
            code: 'too-large', range: null,
            message: `the file is too large to analyse (${sizeText(text.length)}; at most ${sizeText(MAX_ANALYSED_LENGTH)})`,
        });
    }
    try {
        return analyzeUnsafe(text, options, parse);
    } catch (e) {
        // A bug of ours, never the user's file: its own code, with the stack for the log.
        const error = e instanceof Error ? e : new Error(String(e));
        return emptyAnalysis(options, {
            code: 'internal-error', range: null, detail: error.stack ?? error.message,
            message: `internal error while analysing (a bug in Stagecraft, please report it): ${error.message.split('\n')[0]}`,
        });
    }
}

function sizeText(chars: number): string {
    return `${(chars / 1e6).toFixed(1)} million characters`;
}

function emptyAnalysis(options: AnalyzeOptions, problem: AnalysisProblem): Analysis {
    const platform = options.platform || DEFAULT_PLATFORM;
    return {
        target: null, platform, buildPlatform: options.buildPlatform || platform, stages: [], unused: [],
        globalArgs: [], problems: [problem], escapeChar: '\\',
    };
}

/** The last answer per prefix: every analysis of a session asks for the same platforms. */
const lastPlatform = {
    TARGET: { platform: null as string | null, args: null as Readonly<Record<string, string>> | null },
    BUILD: { platform: null as string | null, args: null as Readonly<Record<string, string>> | null },
};

/**
 * `os/arch[/variant]` -> the automatic platform ARGs with the given prefix, or null if malformed.
 * The result may be shared between calls: never modify it.
 */
export function platformArgs(platform: string, prefix: 'TARGET' | 'BUILD'): Readonly<Record<string, string>> | null {
    const last = lastPlatform[prefix];
    if (last.platform !== platform) {
        const args = computePlatformArgs(platform, prefix);
        last.args = args === null ? null : Object.freeze(args);
        last.platform = platform;
    }
    return last.args;
}

function computePlatformArgs(platform: string, prefix: 'TARGET' | 'BUILD'): Record<string, string> | null {
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

/*
 * The analysis runs as a few small phase functions rather than one big one: V8 optimises a
 * function after an amount of work that grows with its size, so small functions with the loops
 * get optimised within the first analyses an editor runs (one big function ran unoptimised for
 * the first ~30 analyses of a 50-stage file). Loops over arrays are indexed for the same reason
 * (cheaper than iterators before optimisation).
 */
function analyzeUnsafe(text: string, options: AnalyzeOptions, parse: (text: string) => Dockerfile): Analysis {
    const dockerfile = parse(text);
    const escapeChar = dockerfile.getEscapeCharacter();
    const problems: Analysis['problems'] = [];
    const args = readGlobalArgs(dockerfile, options, escapeChar, problems);

    const doc: Doc = { text, index: new LineIndex(text), escapeChar, escape: escapeChar.charCodeAt(0), tokens: newTokens(), lines: null };
    const firstByName = new Map<string, number>();
    const stages = readStages(dockerfile.getFROMs(), doc, firstByName, args.fromLookup, problems);
    if (stages.length === 0) {
        problems.push({ code: 'no-stages', message: 'the Dockerfile has no FROM instruction', range: null });
    }
    readInstructions(dockerfile.getInstructions(), stages, firstByName, doc);
    linkStages(stages, firstByName);
    findChoices(stages, args.globalArgs);

    // Comments right above each FROM: the BuildKit-style description.
    attachDescriptions(dockerfile, stages, doc.index);

    // --- target and reachability ---------------------------------------------------------------
    let target: number | null = stages.length > 0 ? stages.length - 1 : null;
    if (options.target !== undefined && options.target !== '' && stages.length > 0) {
        target = findStage(stages, firstByName, options.target);
        if (target === null) {
            problems.push({ code: 'unknown-target', message: `target stage "${options.target}" is not in the Dockerfile`, range: null });
        }
    }
    const unused = reach(stages, target);

    classify(stages);

    return { target, platform: args.platform, buildPlatform: args.buildPlatform, stages, unused, globalArgs: args.globalArgs, problems, escapeChar };
}

interface GlobalArgs {
    platform: string;
    buildPlatform: string;
    globalArgs: GlobalArg[];
    /** What a variable in a FROM expands to: undefined when not declared, null when unknown. */
    fromLookup: (n: string) => string | null | undefined;
}

/** The platform ARGs, then the ARGs before the first FROM (with `--build-arg` overrides). */
function readGlobalArgs(dockerfile: Dockerfile, options: AnalyzeOptions, escapeChar: string, problems: Analysis['problems']): GlobalArgs {
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
    // The values of the ARGs declared so far, over the platform ARGs (whose records are shared: not copied).
    const declared = new Map<string, string | null>();
    const platformValue = (name: string): string | undefined => Object.prototype.hasOwnProperty.call(buildArgsAuto, name) ? buildArgsAuto![name]
        : Object.prototype.hasOwnProperty.call(targetArgs, name) ? targetArgs![name] : undefined;
    const lookup = (name: string): string | null | undefined => declared.has(name) ? declared.get(name)! : platformValue(name);
    const overrides = options.buildArgs ?? {};
    const uncertain = new Set<string>();
    const globalArgs: GlobalArg[] = [];
    const initial = dockerfile.getInitialARGs();
    for (let k = 0; k < initial.length; k++) {
        const arg = initial[k];
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
            if (ex.limit) {
                problems.push({ code: 'expansion-limit', message: `ARG ${name} is left unresolved: ${ex.limit}`, range: arg.getRange() });
            }
        } else if (lookup(name) !== undefined) {
            value = lookup(name)!; // `ARG TARGETOS` re-declares an automatic ARG
            certain = !uncertain.has(name);
        } else {
            value = null; // declared without a value: empty for BuildKit, unknown to us
            certain = false;
        }
        if (certain) { uncertain.delete(name); } else { uncertain.add(name); }
        declared.set(name, value);
        const unquoted = raw === null ? null : expandWord(raw, () => undefined, escapeChar);
        globalArgs.push({
            name, default: unquoted === null ? null : unquoted.limit ? raw : unquoted.value,
            value: uncertain.has(name) ? null : value, line: line1(arg.getRange()), range: arg.getRange(),
        });
    }
    const fromLookup = (n: string): string | null | undefined => uncertain.has(n) ? null : lookup(n);
    return { platform, buildPlatform, globalArgs, fromLookup };
}

/** One stage per FROM; fills `firstByName` (lower-case name -> first stage with it). */
function readStages(froms: From[], doc: Doc, firstByName: Map<string, number>, fromLookup: (n: string) => string | null | undefined,
    problems: Analysis['problems']): Stage[] {
    const stages: Stage[] = [];
    for (let index = 0; index < froms.length; index++) {
        const from = froms[index];
        const parts = readFrom(from, doc);
        const name = parts.name;
        if (name) {
            const lower = name.toLowerCase();
            if (!firstByName.has(lower)) { firstByName.set(lower, index); }
        }
        stages.push(newStage(from, parts, index, fromLookup, doc, problems));
    }
    return stages;
}

/** Instructions after each FROM belong to that stage; each stage's range ends with its last one. */
function readInstructions(instructions: Instruction[], stages: Stage[], firstByName: Map<string, number>, doc: Doc): void {
    let current = -1;
    let stage: Stage | undefined;
    let last: Range | null = null;
    for (let k = 0; k < instructions.length; k++) {
        const ins = instructions[k];
        const kw = ins.getKeyword();
        if (kw === 'FROM') {
            if (stage && last) { stage.range = { start: stage.range.start, end: last.end }; }
            current++;
            stage = stages[current];
            last = null;
            continue;
        }
        if (current < 0 || !stage) { continue; }
        last = readInstruction(stage, ins, kw, firstByName, stages.length, doc);
    }
    if (stage && last) { stage.range = { start: stage.range.start, end: last.end }; }
}

/** Parents (earlier stages only), then the stage graph: dependsOn, externalFrom, usedBy. */
function linkStages(stages: Stage[], firstByName: Map<string, number>): void {
    for (let k = 0; k < stages.length; k++) {
        const stage = stages[k];
        const fromRef = stage.refs[0];
        const lower = fromRef && fromRef.resolved !== null ? fromRef.resolved.toLowerCase() : null;
        if (lower !== null && lower !== 'scratch') {
            const i = firstByName.get(lower);
            if (i !== undefined && i < stage.index) {
                stage.parent = i;
                fromRef.stage = i;
            }
        }
        finishStage(stage);
    }
    for (let k = 0; k < stages.length; k++) {
        const deps = stages[k].dependsOn;
        for (let j = 0; j < deps.length; j++) { stages[deps[j]].usedBy.push(stages[k].index); }
    }
    for (let k = 0; k < stages.length; k++) { stages[k].usedBy = sortedUnique(stages[k].usedBy); }
}

/** Marks what the target needs; returns the indexes of the stages it does not. */
function reach(stages: Stage[], target: number | null): number[] {
    if (target !== null) {
        const stack = [target];
        while (stack.length > 0) {
            const i = stack.pop()!;
            if (stages[i].reachable) { continue; }
            stages[i].reachable = true;
            const deps = stages[i].dependsOn;
            for (let j = 0; j < deps.length; j++) { if (!stages[deps[j]].reachable) { stack.push(deps[j]); } }
        }
    }
    const unused: number[] = [];
    for (let k = 0; k < stages.length; k++) { if (!stages[k].reachable) { unused.push(stages[k].index); } }
    return unused;
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
    /** The value of the FROM's only flag when it is `--platform` (`From.getPlatformFlag()`). */
    platformFlag: string | null;
    flags: InstructionFlag[];
}

/** The document as the analysis reads it: text, positions, escape character, reused token arrays. */
interface Doc {
    text: string;
    index: LineIndex;
    escapeChar: string;
    /** Char code of the escape character. */
    escape: number;
    tokens: Tokens;
    /** The text's lines (line ends as the parser has them: `\r\n`, `\n` or a lone `\r`), made on first use (heredoc bodies). */
    lines: string[] | null;
}

/** Tokenise an instruction's arguments (`getRawArguments()`: from the keyword's end to the instruction's end). */
function tokensOf(ins: Instruction, doc: Doc): Tokens {
    const from = doc.index.offsetAt(ins.getInstructionRange().end);
    const to = doc.index.offsetAt(ins.getRange().end);
    return tokenize(doc.text, from, to, doc.escape, doc.tokens);
}

/**
 * What a FROM says, from one tokenisation of its arguments: what dockerfile-ast's getImage(),
 * getImageRange(), getBuildStage(), getBuildStageRange() and getPlatformFlag() give (each of those
 * re-tokenises).
 */
function readFrom(from: From, doc: Doc): FromParts {
    const t = tokensOf(from, doc);
    const flags: FlagToken[] = [];
    const skip = readFlags('FROM', t, doc.index, true, flags);
    const n = t.count - skip;
    const image = n > 0 ? joinContinuations(t.values[skip], doc.escapeChar) : '';
    const line = from.getRange().start.line; // where the words usually are
    const imageRange = n > 0 ? doc.index.range(t.starts[skip], t.ends[skip], line) : null;
    const nameRange = n > 2 && t.values[skip + 1].toUpperCase() === 'AS' ? doc.index.range(t.starts[skip + 2], t.ends[skip + 2], line) : null;
    let name: string | null = null;
    if (nameRange !== null) {
        // getBuildStage(): the text of the range (not the unescaped value), continuations joined.
        const raw = doc.text.substring(doc.index.offsetAt(nameRange.start), doc.index.offsetAt(nameRange.end));
        name = joinContinuations(raw, doc.escapeChar);
    }
    const platformFlag = flags.length === 1 && flags[0].name === 'platform' ? flags[0].value : null;
    return { image, imageRange, name, nameRange, platformFlag, flags: instructionFlags(flags, t, doc) };
}

/** The flags with the text each has in the file, line continuations removed. */
function instructionFlags(flags: FlagToken[], t: Tokens, doc: Doc): InstructionFlag[] {
    if (flags.length === 0) { return NO_INSTRUCTION_FLAGS; }
    const out: InstructionFlag[] = [];
    for (let k = 0; k < flags.length; k++) {
        const f = flags[k];
        const raw = doc.text.substring(t.starts[f.index], t.ends[f.index]);
        out.push({ name: f.name, value: f.value, text: joinContinuations(raw, doc.escapeChar) });
    }
    return out;
}
/** Shared by the instructions without flags: never modified. */
const NO_INSTRUCTION_FLAGS: InstructionFlag[] = Object.freeze([]) as unknown as InstructionFlag[];

function keywordText(doc: Doc, range: Range): string {
    return doc.text.substring(doc.index.offsetAt(range.start), doc.index.offsetAt(range.end));
}



function newStage(from: From, parts: FromParts, index: number, lookup: (n: string) => string | null | undefined,
    doc: Doc, problems: Analysis['problems']): Stage {
    const escapeChar = doc.escapeChar;
    const range = from.getRange();
    const image = parts.image;
    const imageRange = parts.imageRange;
    let resolved: string | null = null;
    if (image !== '') {
        const ex = expandWord(image, lookup, escapeChar);
        resolved = ex.certain && ex.value !== '' ? ex.value : null;
        if (ex.limit) {
            const label = parts.name ?? `#${index}`;
            problems.push({ code: 'expansion-limit', message: `The base image of stage ${label} is left unresolved: ${ex.limit}`, range: imageRange ?? range });
        }
    }
    const fromRef: StageRef = {
        kind: 'from', text: image, resolved, range: imageRange ?? from.getInstructionRange(), line: line1(range),
        stage: null, numeric: false, forward: false, self: false,
    };
    const keywordRange = from.getInstructionRange();
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
        platformFlag: parts.platformFlag,
        fromKeyword: keywordText(doc, keywordRange),
        fromFlags: parts.flags,
        commentsAbove: null,
        parent: null,
        choices: [],
        refs: [fromRef],
        dependsOn: [],
        externalFrom: [],
        usedBy: [],
        instructions: [],
        contextCopies: [],
        contextMounts: [],
        heavySteps: [],
        testSteps: [],
        buildSteps: [],
        description: null,
        patterns: [],
        nearMisses: [],
        reachable: false,
    };
}

function flagsOf(ins: Instruction): Flag[] {
    const f = (ins as unknown as { getFlags?: () => Flag[] }).getFlags;
    return typeof f === 'function' ? f.call(ins) : [];
}

const DIGITS = /^\d+$/;

function resolveRef(text: string, firstByName: Map<string, number>, count: number): number | null {
    if (DIGITS.test(text)) {
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
        kind, text, resolved: text, range, line, stage: target, numeric: DIGITS.test(text),
        forward: target !== null && target > stage.index, self: target === stage.index,
    });
}

/**
 * The arguments as Docker sees them: continuations joined and the comment lines inside them dropped
 * (the parser's raw content keeps those), heredoc bodies kept line by line.
 */
type Heredoc = { getStartRange(): Range; getContentRange(): Range | null };

/**
 * The instruction's heredocs (the library's `getHeredocs()`: it re-tokenises, so only when a `<<` is
 * there). dockerfile-ast 0.7.1 throws on some half-typed heredocs (found by `npm run fuzz`): the
 * instruction is then read without heredocs rather than the whole file lost.
 */
function heredocsOf(ins: Instruction): Heredoc[] {
    const heredocs = (ins as unknown as { getHeredocs?: () => Heredoc[] }).getHeredocs;
    if (typeof heredocs !== 'function') { return []; }
    try {
        return heredocs.call(ins);
    } catch {
        return [];
    }
}

/** The argument values after the flags, up to the line of the first heredoc (all without one). */
function headWords(t: Tokens, skip: number, hd: Heredoc[], index: LineIndex): string[] {
    const words = t.values.slice(skip, t.count);
    if (hd.length === 0) { return words; }
    const firstLine = hd[0].getStartRange().start.line;
    let n = 0;
    while (n < words.length && index.positionAt(t.starts[skip + n]).line <= firstLine) { n++; }
    return words.slice(0, n);
}

function argumentsText(head: string[], hd: Heredoc[], lines: string[]): string {
    if (hd.length === 0) { return head.join(' '); }
    const bodies = hd.map((h) => {
        const r = h.getContentRange();
        return r ? lines.slice(r.start.line, r.end.line + 1).join('\n') : '';
    });
    return [head.join(' '), ...bodies].join('\n');
}

/** True when an argument after the flags contains `<<`: a heredoc is possible. */
function mayHaveHeredoc(t: Tokens, skip: number): boolean {
    for (let k = skip; k < t.count; k++) { if (t.values[k].includes('<<')) { return true; } }
    return false;
}

const NO_FLAGS: FlagToken[] = [];

/** Reads one instruction into its stage; returns its range. */
function readInstruction(stage: Stage, ins: Instruction, keyword: string, firstByName: Map<string, number>, count: number, doc: Doc): Range {
    const range = ins.getRange();
    const line = line1(range);
    // Our own tokenisation, as getArguments() would give (dockerfile-ast re-tokenises per call).
    const t = tokensOf(ins, doc);
    const skip = readFlags(keyword, t, doc.index, false, NO_FLAGS);
    let flags = NO_INSTRUCTION_FLAGS;
    if (skip > 0 && (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD' || keyword === 'HEALTHCHECK')) {
        // Most instructions have none: their flags are collected (with their text) only when there are some.
        const flagTokens: FlagToken[] = [];
        readFlags(keyword, t, doc.index, true, flagTokens);
        flags = instructionFlags(flagTokens, t, doc);
    }
    let words: string[] | null = null;
    let args: string;
    if (mayHaveHeredoc(t, skip)) {
        // Rare: the library's heredocs, for their bodies; the words before them are ours.
        const hd = heredocsOf(ins);
        words = headWords(t, skip, hd, doc.index);
        doc.lines ??= doc.text.split(/\r\n|\r|\n/);
        args = argumentsText(words, hd, doc.lines);
    } else {
        args = joinValues(t, skip);
    }
    const script = keyword === 'RUN' ? runScript(ins, args) : null;
    stage.instructions.push({ keyword, args, flags, script, line, range } satisfies InstructionInfo);

    if (keyword === 'COPY' || keyword === 'ADD') {
        readCopy(stage, ins, keyword, line, range, words ?? t.values.slice(skip, t.count), firstByName, count);
    } else if (script !== null) {
        readRun(stage, ins, script, line, range, firstByName, count);
    }
    return range;
}

/** COPY/ADD: a `--from` reference, or what it copies from the build context. */
function readCopy(stage: Stage, ins: Instruction, keyword: 'COPY' | 'ADD', line: number, range: Range, words: string[],
    firstByName: Map<string, number>, count: number): void {
    // COPY and ADD are JSON instructions: their flags were read (and kept) while parsing.
    let fromFlag: Flag | null = null;
    const flags = flagsOf(ins);
    for (let k = 0; k < flags.length; k++) {
        if (flags[k].getName().toLowerCase() === 'from') { fromFlag = flags[k]; }
    }
    if (fromFlag) {
        const value = fromFlag.getValue();
        const vr = fromFlag.getValueRange();
        if (value && vr) {
            addRef(stage, keyword === 'COPY' ? 'copy' : 'add', value, vr, line, firstByName, count);
        }
        return;
    }
    const copy = readContextCopy(ins, words, keyword, line, range);
    if (copy) { stage.contextCopies.push(copy); }
}

/** RUN: mount `from=` references and context mounts, heavy steps, test runs and builds. */
function readRun(stage: Stage, ins: Instruction, script: string, line: number, range: Range, firstByName: Map<string, number>, count: number): void {
    // RUN is a JSON instruction: its flags were read (and kept) while parsing.
    const flags = flagsOf(ins);
    for (let k = 0; k < flags.length; k++) {
        if (flags[k].getName().toLowerCase() === 'mount') { readMount(stage, flags[k], line, range, firstByName, count); }
    }
    const found = readScript(script);
    const heavy = found.heavy.length > 0 || found.scripts.length > 0;
    if (heavy) {
        let broad: ContextCopy | null = null;
        for (let i = stage.contextCopies.length - 1; i >= 0; i--) {
            if (stage.contextCopies[i].broad) { broad = stage.contextCopies[i]; break; }
        }
        for (let k = 0; k < found.heavy.length; k++) {
            const h = found.heavy[k];
            stage.heavySteps.push({ kind: h.kind, tool: h.tool, command: h.command, line, range, afterBroadCopy: broad } satisfies HeavyStep);
        }
        // An installer script the stage copied from the context on its own (`COPY install.sh /`, `RUN /install.sh runc`).
        for (let k = 0; k < found.scripts.length; k++) {
            if (copiedFile(stage, found.scripts[k])) {
                stage.heavySteps.push({ kind: 'toolchain', tool: 'script', command: found.scripts[k], line, range, afterBroadCopy: broad } satisfies HeavyStep);
            }
        }
    }
    for (let k = 0; k < found.tests.length; k++) {
        stage.testSteps.push({ command: found.tests[k], line, range } satisfies TestStep);
    }
    for (let k = 0; k < found.builds.length; k++) {
        stage.buildSteps.push({ command: found.builds[k], line, range } satisfies TestStep);
    }
}

/** A `--mount`: its `from=` reference, or a bind mount of the build context. */
function readMount(stage: Stage, flag: Flag, line: number, range: Range, firstByName: Map<string, number>, count: number): void {
    const options = flag.getOptions();
    let type = 'bind';
    let source = '.';
    let target = '';
    let from = false;
    for (let j = 0; j < options.length; j++) {
        const opt = options[j];
        const name = opt.getName().toLowerCase();
        const value = opt.getValue();
        if (name === 'from') {
            from = true;
            const vr = opt.getValueRange();
            if (value && vr) { addRef(stage, 'mount', value, vr, line, firstByName, count); }
        } else if (name === 'type' && value) {
            type = value.toLowerCase();
        } else if ((name === 'source' || name === 'src') && value) {
            source = value;
        } else if ((name === 'target' || name === 'dst' || name === 'destination') && value) {
            target = value;
        }
    }
    if (!from && type === 'bind') {
        stage.contextMounts.push({ source, target, broad: isBroadSource(source), line, range } satisfies ContextMount);
    }
}

/** True when an earlier narrow COPY of this stage put a context file at `path` (a script it runs). */
function copiedFile(stage: Stage, path: string): boolean {
    const base = path.slice(path.lastIndexOf('/') + 1);
    for (let i = 0; i < stage.contextCopies.length; i++) {
        const c = stage.contextCopies[i];
        if (c.broad) { continue; }
        for (let j = 0; j < c.sources.length; j++) {
            const s = c.sources[j];
            if (s.slice(s.lastIndexOf('/') + 1) !== base) { continue; }
            const dest = c.dest.endsWith('/') || c.sources.length > 1 ? `${c.dest.replace(/\/+$/, '')}/${base}` : c.dest;
            if (dest === path || dest.replace(/^\.\//, '') === path.replace(/^\.\//, '')) { return true; }
        }
    }
    return false;
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

/** `argWords`: the argument values after the flags, up to the first heredoc (`headWords`). */
function readContextCopy(ins: Instruction, argWords: string[], keyword: 'COPY' | 'ADD', line: number, range: Range): ContextCopy | null {
    let words: string[];
    const json = (ins as unknown as { getJSONStrings?: () => { getJSONValue(): string }[] }).getJSONStrings;
    const jsonStrings = typeof json === 'function' ? json.call(ins) : [];
    if (jsonStrings.length > 0) {
        words = jsonStrings.map((s) => s.getJSONValue());
    } else {
        words = argWords;
    }
    if (words.length < 2) { return null; }
    const dest = words[words.length - 1];
    // The sources, without heredocs and (ADD) URLs.
    const contextSources: string[] = [];
    let broad = false;
    for (let k = 0; k < words.length - 1; k++) {
        const s = words[k];
        if (s.startsWith('<<') || (keyword === 'ADD' && ADD_URL.test(s))) { continue; }
        contextSources.push(s);
        broad ||= isBroadSource(s);
    }
    if (contextSources.length === 0) { return null; }
    return { keyword, sources: contextSources, dest, broad, line, range };
}
const ADD_URL = /^(https?:\/\/|git@|[a-z]+:\/\/)/i;

/** `xs` sorted, without repeats: `xs` itself, in place (callers pass arrays of their own). */
function sortedUnique(xs: number[]): number[] {
    if (xs.length < 2) { return xs; }
    xs.sort((a, b) => a - b);
    let n = 1;
    for (let k = 1; k < xs.length; k++) { if (xs[k] !== xs[n - 1]) { xs[n++] = xs[k]; } }
    xs.length = n;
    return xs;
}

function finishStage(stage: Stage): void {
    const deps: number[] = [];
    const external: string[] = [];
    for (let k = 0; k < stage.refs.length; k++) {
        const ref = stage.refs[k];
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

const FIRST_WORD = /^\S*/;

function attachDescriptions(dockerfile: Dockerfile, stages: Stage[], index: LineIndex): void {
    const all = dockerfile.getComments();
    if (all.length === 0) { return; }
    // By line; a comment's content (its own scan and positions) is read only above a named FROM.
    const comments = new Map<number, Comment>();
    for (let k = 0; k < all.length; k++) { comments.set(all[k].getRange().start.line, all[k]); }
    const directives = new Set<number>();
    const ds = dockerfile.getDirectives();
    for (let k = 0; k < ds.length; k++) { directives.add(ds[k].getRange().start.line); }
    for (let k = 0; k < stages.length; k++) {
        const stage = stages[k];
        let l = stage.fromRange.start.line - 1;
        if (!(l >= 0 && comments.has(l) && !directives.has(l))) { continue; }
        const first = l;
        for (; l >= 0 && comments.has(l) && !directives.has(l); l--) { /* up to the block's first line */ }
        stage.commentsAbove = l + 1;
        if (!stage.name) { continue; }
        const lines: string[] = [];
        for (let c = l + 1; c <= first; c++) { lines.push(commentContent(index, comments.get(c)!.getRange())); }
        describe(stage, lines);
    }
}

/**
 * `choices` of each stage whose FROM names its image through variables: the earlier stages its
 * text can name for other platforms and ARG values (choices.ts), the resolved parent included.
 */
function findChoices(stages: Stage[], globalArgs: GlobalArg[]): void {
    let defaults: Map<string, string | null> | null = null;
    for (let k = 0; k < stages.length; k++) {
        const stage = stages[k];
        if (!stage.from.includes('$')) { continue; }
        defaults ??= new Map(globalArgs.map((g) => [g.name, g.default]));
        const pattern = choicePattern(stage.from, defaults);
        if (pattern === null) { continue; }
        for (let j = 0; j < k; j++) {
            const name = stages[j].name;
            if (name !== null && pattern.test(name) && !stage.choices.includes(firstStageNamed(stages, name, j))) {
                stage.choices.push(firstStageNamed(stages, name, j));
            }
        }
        if (stage.parent !== null && !stage.choices.includes(stage.parent)) { stage.choices.push(stage.parent); }
        stage.choices.sort((a, b) => a - b);
    }
}

/** The first stage of that name (a later one of the same name is never picked). */
function firstStageNamed(stages: Stage[], name: string, upTo: number): number {
    for (let j = 0; j <= upTo; j++) { if (sameName(stages[j].name, name)) { return j; } }
    return upTo;
}

/** The description, when the first comment line starts with the stage's name. */
function describe(stage: Stage, lines: string[]): void {
    const first = lines[0].trim();
    const word = FIRST_WORD.exec(first)![0]; // first.split(/\s+/)[0]
    if (sameName(word, stage.name)) {
        let d = first.slice(word.length).trim();
        for (let k = 1; k < lines.length; k++) { d += ' ' + lines[k].trim(); }
        stage.description = d.trim() || null;
    }
}

/**
 * The stage graph: what the analysis knows about one Dockerfile.
 *
 * Plain data, no behaviour. Every feature (hover, lenses, diagnostics, build plans, the CLI)
 * reads one of these; it is computed once per document version by `analyze()`.
 *
 * Conventions:
 * - `line` fields are 1-based (what users and `docker build` errors print);
 * - `Range` values are LSP ranges (0-based line and character), for editor features;
 * - `null` means "not there" or "cannot be known" and is part of the contract.
 */
import type { Range } from 'vscode-languageserver-types';

export type { Range };

/** What the caller knows that the file does not say. */
export interface AnalyzeOptions {
    /** Build target: a stage name (case-insensitive) or index. Default: the last stage. */
    target?: string | number;
    /** `--build-arg` overrides of global ARGs. */
    buildArgs?: Record<string, string>;
    /** Target platform `os/arch[/variant]`, feeds TARGETPLATFORM, TARGETOS, ... Default `linux/amd64`. */
    platform?: string;
    /** Build platform, feeds BUILDPLATFORM, BUILDOS, ... Default: the target platform. */
    buildPlatform?: string;
}

export type PatternLabel = 'builder-app' | 'alias' | 'inner-base' | 'tested-app' | 'split-step';

export interface Pattern {
    label: PatternLabel;
    /** One line, for hovers and the CLI. */
    reason: string;
}

/** How a stage refers to another stage or image. */
export type RefKind = 'from' | 'copy' | 'add' | 'mount';

export interface StageRef {
    kind: RefKind;
    /** The reference as written (`builder`, `0`, `golang:${V}`). */
    text: string;
    /** For `from`: the ARG-resolved text, or null when an unset ARG decides it. Others: `text`. */
    resolved: string | null;
    /** Range of the reference text itself (the stage name or image), for navigation and rename. */
    range: Range;
    /** 1-based line of the instruction holding the reference. */
    line: number;
    /** The stage it resolves to, or null when it names an image, a build context, or nothing. */
    stage: number | null;
    /** True when `text` is a number (`COPY --from=0`). */
    numeric: boolean;
    /** True when it names a stage that is defined later in the file (BuildKit only). */
    forward: boolean;
    /** True when a stage refers to itself. */
    self: boolean;
}

/**
 * What a heavy step installs: OS packages, the project's dependencies (from its manifests), a
 * download or clone, or a tool or toolchain (a compiler, a pinned CLI, language extensions, a
 * script that installs one).
 */
export type HeavyKind = 'system-packages' | 'dependencies' | 'download' | 'toolchain';

export interface HeavyStep {
    kind: HeavyKind;
    /** The tool: `apt-get`, `npm`, `go`, `cargo`, ... */
    tool: string;
    /** The matched command, e.g. `npm ci`, `apt-get install`. */
    command: string;
    /** The RUN instruction. */
    line: number;
    range: Range;
    /** The broad COPY/ADD of the build context that comes before it in the same stage, if any. */
    afterBroadCopy: ContextCopy | null;
}

/** A COPY/ADD that reads the build context (no `--from`). */
export interface ContextCopy {
    keyword: 'COPY' | 'ADD';
    /** Source paths as written. */
    sources: string[];
    /** Destination as written. */
    dest: string;
    /** True when a source is the whole context or a directory of it (`.`, `./`, `src/`, `*`). */
    broad: boolean;
    line: number;
    range: Range;
}

export interface TestStep {
    /** The matched command, e.g. `go test`, `npm test`, `go build`. */
    command: string;
    line: number;
    range: Range;
}

/** A flag of an instruction (`--chown=app:app`, `--link`, `--mount=type=cache,target=/x`). */
export interface InstructionFlag {
    /** Without the dashes: `chown`, `link`, `mount`. */
    name: string;
    /** After the `=`, null without one. */
    value: string | null;
    /** As written, line continuations removed (whatever the escape character): to copy it into another instruction. */
    text: string;
}

export interface InstructionInfo {
    /** Upper-case keyword. */
    keyword: string;
    /** Arguments after the flags as the parser gives them (continuations joined, comments removed, heredoc bodies kept). */
    args: string;
    /** The flags before the arguments (RUN, COPY, ADD, FROM, HEALTHCHECK), in order. */
    flags: InstructionFlag[];
    /** RUN: the shell script it runs (the exec form joined, heredoc bodies included); null for other instructions. */
    script: string | null;
    line: number;
    range: Range;
}

/** A `RUN --mount=type=bind` of the build context (no `from=`): the RUN reads those files. */
export interface ContextMount {
    /** The mounted context path (`.` when the mount names none). */
    source: string;
    target: string;
    /** True when it is the whole context or a directory of it. */
    broad: boolean;
    line: number;
    range: Range;
}

export interface Stage {
    index: number;
    /** The `AS` name as written, or null. Compare with `sameName()`. */
    name: string | null;
    nameRange: Range | null;
    /** 1-based line of the FROM. */
    line: number;
    /** The FROM instruction. */
    fromRange: Range;
    /** From the FROM to the last line before the next FROM (or the end). */
    range: Range;
    /** The image text as written (`golang:${GO_VERSION}`). */
    from: string;
    /** Range of the image text in the FROM, null when the FROM has no image. */
    imageRange: Range | null;
    /** ARG-resolved image text, or null when an unset ARG or unknown platform decides it. */
    fromResolved: string | null;
    /** The `--platform` of the FROM, as written. */
    platformFlag: string | null;
    /** The FROM keyword as written (`FROM`, `from`). */
    fromKeyword: string;
    /** The flags of the FROM (`--platform=$BUILDPLATFORM`). */
    fromFlags: InstructionFlag[];
    /** 0-based line of the first line of the comment block right above the FROM (no parser directive), or null. */
    commentsAbove: number | null;
    /** An earlier stage whose name equals the resolved image text. */
    parent: number | null;
    /**
     * When the FROM names its image through variables (`FROM binaries-$TARGETOS`): the earlier
     * stages it picks for other platforms or ARG values (`binaries-linux`, `binaries-darwin`),
     * `parent` included. Empty otherwise. Labels count these uses; the graph follows `parent` only.
     */
    choices: number[];
    /** Every reference this stage makes: its FROM (first), then --from and mount from=, in order. */
    refs: StageRef[];
    /** Sorted unique stage indexes: parent, --from, mount from=. */
    dependsOn: number[];
    /** Images and named contexts this stage uses that are not stages (FROM image, --from image). */
    externalFrom: string[];
    /** Sorted unique indexes of the stages that depend on this one. */
    usedBy: number[];
    /** Instructions after the FROM. */
    instructions: InstructionInfo[];
    contextCopies: ContextCopy[];
    /** RUN bind mounts of the build context. */
    contextMounts: ContextMount[];
    heavySteps: HeavyStep[];
    testSteps: TestStep[];
    /** Compile steps (`go build`, `make`, `npm run build`): what builds the stage's files. */
    buildSteps: TestStep[];
    /** BuildKit-style description: the comment right above the FROM starting with the stage name. */
    description: string | null;
    patterns: Pattern[];
    /** Patterns the stage almost has, each with why it has not: `not a split step: it copies the whole source`. */
    nearMisses: Pattern[];
    /** Whether the target needs this stage. */
    reachable: boolean;
}

export interface GlobalArg {
    name: string;
    /** The default in the file, or null when declared without one. */
    default: string | null;
    /** What it resolves to for this analysis (override, default, or platform), null when unset. */
    value: string | null;
    line: number;
    range: Range;
}

/** Something wrong with the file or the options that the analysis could not honour. */
export interface AnalysisProblem {
    /**
     * `expansion-limit`: an ARG or FROM left unresolved (nesting or length limit of `expand.ts`);
     * `too-large`: the text is over `MAX_ANALYSED_LENGTH` and was not analysed;
     * `internal-error`: a bug in the analysis (never the file's fault), `detail` has the stack.
     */
    code: 'no-stages' | 'unknown-target' | 'bad-platform' | 'expansion-limit' | 'internal-error' | 'too-large';
    message: string;
    range: Range | null;
    /** internal-error: the stack, for the log (never shown as the message). */
    detail?: string;
}

export interface Analysis {
    /** Index of the target stage; null when the file has no stage or the target is unknown. */
    target: number | null;
    platform: string;
    buildPlatform: string;
    stages: Stage[];
    /** Sorted indexes of the stages the target does not need. */
    unused: number[];
    globalArgs: GlobalArg[];
    problems: AnalysisProblem[];
    /** The escape character from `# escape=` (default backslash). */
    escapeChar: string;
}

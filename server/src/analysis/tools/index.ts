/**
 * The one home of what Stagecraft knows about package managers and build tools: one table per
 * tool (system.ts, node.ts, python.ts, go.ts, rust.ts, jvm.ts, ruby.ts, php.ts, dotnet.ts,
 * build.ts, fetch.ts, misc.ts), and the readers built on them:
 * - `readScript`: a RUN script's heavy steps, test runs and builds (the analysis);
 * - `runMove`: whether a RUN can move into a stage of its own and which context files it then
 *   needs, config files included (the split quick-fix);
 * - `isManifestPath` / `isBroadSource`: what a COPY source is (the patterns, the diagnostics).
 * Pure; never throws.
 */
import type { HeavyKind } from '../model';
import { changesDirectory, firstWord, hasCommandSubstitution, simpleCommands, type SimpleCommand } from '../shell';
import type { FileNeeds, Step, ToolTable } from './types';
import { HARMLESS, other } from './words';
import { apk, apt, dnf, dpkg, pacman } from './system';
import { bun, corepack, jsTestRunners, npm, npx, pnpm, yarn } from './node';
import { conda, pip, pipenv, poetry, pyTestRunners, python, tox, uv } from './python';
import { go, gotestsum } from './go';
import { cargo, rustup } from './rust';
import { gradle, mvn } from './jvm';
import { bundler, gem, rubyTestRunners } from './ruby';
import { composer, pecl, php, phpExtensions, phpunit } from './php';
import { dotnet, nuget } from './dotnet';
import { cmake, configure, ctest, make, moldRun } from './build';
import { curl, git, tar, wget } from './fetch';
import { deno, housekeeping, mix } from './misc';

export type { FileNeeds, Move, Step, ToolTable } from './types';

export const TOOLS: readonly ToolTable[] = [
    apt, apk, dnf, pacman, dpkg,
    npm, npx, yarn, pnpm, bun, corepack, jsTestRunners,
    pip, python, uv, poetry, pipenv, conda, pyTestRunners, tox,
    go, gotestsum, cargo, rustup, mvn, gradle,
    bundler, gem, rubyTestRunners,
    composer, php, phpExtensions, pecl, phpunit,
    dotnet, nuget,
    make, configure, cmake, ctest,
    curl, wget, git, tar,
    mix, deno, housekeeping,
];

const BY_COMMAND = new Map<string, ToolTable>();
for (const t of TOOLS) for (const c of t.commands) BY_COMMAND.set(c, t);

/** `./mvnw` -> `mvnw`, `vendor/bin/phpunit` -> `phpunit`, `python3.12` -> `python`, `pip3` -> `pip`. */
function commandKey(word: string): string {
    const base = word.includes('/') ? word.slice(word.lastIndexOf('/') + 1) : word;
    return /^(python|pip)\d+(\.\d+)*$/.test(base) ? base.replace(/\d+(\.\d+)*$/, '') : base;
}

/** What one simple command does, by the table of its tool. */
export function readCommand(cmd: SimpleCommand): Step {
    const first = firstWord(cmd);
    if (first === 'mold') return moldRun(cmd, readCommand);
    const table = BY_COMMAND.get(commandKey(first));
    if (!table) return other(`${first || 'an empty command'} is not known to leave the sources alone`);
    const step = table.read(cmd);
    // `gotestsum --version`, `pytest --help`: checks that a tool runs, not test runs.
    if (step.kind === 'test' && cmd.words.length > 1 && cmd.words.slice(1).every((w) => VERSION_CHECK.test(w))) return HARMLESS;
    return step;
}
const VERSION_CHECK = /^(--version|-V|--help|-h|version)$/;

export interface HeavyMatch {
    kind: HeavyKind;
    tool: string;
    command: string;
}

/** What a RUN script does, command by command. */
export interface ScriptFacts {
    heavy: HeavyMatch[];
    /** Test runs (`go test`, `npm test`). */
    tests: string[];
    /** Compile steps (`go build`, `make`, `npm run build`). */
    builds: string[];
    /** Commands that run a file by its path (`/install.sh containerd`): the paths. */
    scripts: string[];
}

/**
 * What a RUN script does. Memoised by the script's text across analyses: files repeat their
 * commands, and an editor analyses the same file again on every keystroke with all but one RUN
 * unchanged. The facts returned are shared: never modify them.
 */
export function readScript(script: string): ScriptFacts {
    return memo(scriptMemo, script, readScriptUncached, 2048);
}
const scriptMemo = new Map<string, ScriptFacts>();

function readScriptUncached(script: string): ScriptFacts {
    const facts: ScriptFacts = { heavy: [], tests: [], builds: [], scripts: [] };
    for (const cmd of simpleCommands(script)) {
        const step = readCommand(cmd);
        if (step.kind === 'heavy') facts.heavy.push({ kind: step.heavy, tool: step.tool, command: step.command });
        else if (step.kind === 'test') facts.tests.push(step.command);
        else if (step.kind === 'build') facts.builds.push(step.command);
        else if (step.kind === 'other' && /^(\/|\.\/)/.test(firstWord(cmd))) facts.scripts.push(firstWord(cmd));
    }
    return facts;
}

/** What moving a RUN into a dependency stage takes. */
export interface RunMove {
    /** False when some command needs the sources (or is unknown); `reason` says which. */
    movable: boolean;
    reason: string | null;
    /** The tools whose installs the RUN runs (`npm`, `go`, `apt-get`, ...). */
    tools: string[];
    /** The context files each install reads. */
    files: FileNeeds[];
    /** Short caveats for the new stage's comment (node_modules in .dockerignore, ...). */
    caveats: string[];
}

/**
 * Whether a RUN (its shell script) can run before the sources are copied, and what it needs.
 * Deliberately conservative: a command no table knows blocks the move.
 */
export function runMove(script: string): RunMove {
    const out: RunMove = { movable: false, reason: null, tools: [], files: [], caveats: [] };
    const trimmed = script.trim();
    if (trimmed.includes('<<')) return { ...out, reason: 'a heredoc RUN' };
    if (hasCommandSubstitution(trimmed)) return { ...out, reason: 'a command substitution' };
    const commands = simpleCommands(trimmed);
    if (changesDirectory(commands)) return { ...out, reason: 'the RUN changes directory' };
    for (const cmd of commands) {
        const step = readCommand(cmd);
        if (step.kind === 'harmless') continue;
        if (step.kind === 'other') return { ...out, reason: step.reason };
        if (step.kind === 'test') return { ...out, reason: `${step.command} runs the tests` };
        if (step.kind === 'build') return { ...out, reason: `${step.command} builds the sources` };
        if (!step.move.movable) return { ...out, reason: step.move.reason };
        if (!out.tools.includes(step.tool)) out.tools.push(step.tool);
        if (step.move.files.required.length > 0 || step.move.files.optional.length > 0) out.files.push(step.move.files);
        if (step.move.caveat && !out.caveats.includes(step.move.caveat)) out.caveats.push(step.move.caveat);
    }
    if (out.tools.length === 0) return { ...out, reason: 'no install command' };
    return { ...out, movable: true };
}

/**
 * The COPY sources for the files some installs need: required paths as they are, optional ones
 * with a trailing `*` (a wildcard that matches nothing is no error while a required file is
 * copied), one glob covering the names it starts (`.yarnrc*` covers `.yarnrc.yml`). An optional
 * glob the analysis would take for a broad source is left out, so the fixed file never gets the
 * same diagnostic again. Directories (`.mvn/`) come back as they are, to be copied on their own.
 */
export function sourcesToCopy(files: readonly FileNeeds[]): string[] {
    const required: string[] = [];
    const optional: string[] = [];
    for (const f of files) for (const r of f.required) if (!required.includes(r)) required.push(r);
    for (const f of files) for (const o of f.optional) if (!required.includes(o) && !optional.includes(o)) optional.push(o);
    const globs = optional
        .filter((o) => !optional.some((p) => p !== o && o.startsWith(p) && !p.includes('*')))
        .map((o) => (o.includes('*') ? o : `${o}*`))
        .filter((o) => !isBroadSource(o));
    return [...required, ...globs];
}

// --- what a COPY source is -------------------------------------------------------------------

/** Every file name some tool reads to install: manifests, lock files, config files (globs on the base name). */
const ALL_MANIFESTS = [...new Set(TOOLS.flatMap((t) => [...t.manifests, ...t.lockFiles, ...t.configFiles]))];

function globToRegExp(glob: string): RegExp {
    return new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
}

/** One regular expression for "matches one of the manifest globs" (the alternatives are anchored as a group). */
const MANIFEST_RE = new RegExp('^(?:' + ALL_MANIFESTS.map((g) => globToRegExp(g).source.slice(1, -1)).join('|') + ')$', 'i');
/** Concrete names for the manifest globs: `requirements*.txt` -> `requirements.txt`. */
const MANIFEST_PROBES = ALL_MANIFESTS.map((m) => m.replace(/[*?]/g, ''));

/**
 * Memoised per source text: Dockerfiles repeat the same few sources (`.`, `go.mod`, `package*.json`),
 * and the answers take a dozen regular expressions.
 */
const manifestMemo = new Map<string, boolean>();
const broadMemo = new Map<string, boolean>();

/** `compute(key)`, remembered; the cache is cleared when it holds `limit` keys (bounded memory). */
function memo<T>(cache: Map<string, T>, key: string, compute: (key: string) => T, limit = 512): T {
    let v = cache.get(key);
    if (v === undefined) {
        if (cache.size >= limit) { cache.clear(); }
        v = compute(key);
        cache.set(key, v);
    }
    return v;
}

/**
 * True when a COPY source names only files some tool reads to install: `package*.json`, `go.mod`,
 * `requirements.txt`, `*.csproj`, `.npmrc`, ... (a pattern that can only match such files counts too).
 */
export function isManifestPath(source: string): boolean {
    return memo(manifestMemo, source, isManifestPathUncached);
}

function isManifestPathUncached(source: string): boolean {
    const base = source.replace(/\/+$/, '').split('/').pop() ?? '';
    if (base === '' || base === '.' || base === '*') { return false; }
    if (MANIFEST_RE.test(base)) { return true; }
    // A glob such as `package*.json`, `requirements*.txt` or `.npmrc*` that matches a manifest and
    // starts with enough of its name that it cannot also take the sources.
    if (/[*?]/.test(base)) {
        const prefix = base.slice(0, base.search(/[*?]/));
        const probe = globToRegExp(base);
        return prefix.replace(/^\./, '').length >= 2 && MANIFEST_PROBES.some((m) => probe.test(m));
    }
    return false;
}

/**
 * True when a COPY/ADD source takes the whole build context or a directory of it, so that any
 * source change invalidates it: `.`, `./`, `*`, `/`, `src/`, `src` (no extension, not a known
 * file name).
 */
export function isBroadSource(source: string): boolean {
    return memo(broadMemo, source, isBroadSourceUncached);
}

function isBroadSourceUncached(source: string): boolean {
    const s = source.trim();
    if (s === '' || s.startsWith('<<')) { return false; }
    if (/^(\.|\.\/|\*|\.\/\*|\/|\.\.?\/?\*?)$/.test(s)) { return true; }
    if (isManifestPath(s)) { return false; }
    if (s.endsWith('/')) { return true; }
    const base = s.split('/').pop() ?? s;
    if (base.includes('*')) { return !/\.[A-Za-z0-9]+$/.test(base); }
    // No extension and not a well-known extension-less file name: most likely a directory.
    if (!base.includes('.') && !/^(Makefile|Dockerfile|Containerfile|LICENSE|README|Procfile|Gemfile|Pipfile|Rakefile|VERSION)$/i.test(base)) {
        return true;
    }
    return false;
}

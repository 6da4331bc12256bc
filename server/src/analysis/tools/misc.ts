/**
 * Elixir's mix, Deno, and the housekeeping commands that leave the sources alone (so they may move
 * with an install into its own stage).
 */
import type { ToolTable } from './types';
import { firstWord } from '../shell';
import { HARMLESS, heavy, movable, needs, other, positionals, stuck } from './words';

export const mix: ToolTable = {
    name: 'mix', commands: ['mix'], manifests: ['mix.exs'], lockFiles: ['mix.lock'], configFiles: [],
    read({ words }) {
        // `mix do deps.get, deps.compile` runs the tasks in turn.
        const tasks = (words[1] === 'do' ? words.slice(2).join(' ').split(/[,+]/) : [words[1] ?? '']).map((t) => t.trim().split(/\s+/)[0]);
        if (tasks.every((t) => t === 'local.hex' || t === 'local.rebar')) return HARMLESS;
        if (tasks.includes('test')) return { kind: 'test', tool: 'mix', command: 'mix test' };
        if (tasks.every((t) => t === 'deps.get')) return heavy('dependencies', 'mix', 'mix deps.get', movable(needs(['mix.exs'], ['mix.lock']), 'assumes deps.get needs nothing from config/'));
        if (tasks.includes('deps.get') || tasks.includes('deps.compile')) return heavy('dependencies', 'mix', `mix ${tasks.find((t) => t.startsWith('deps.'))}`, stuck('mix deps.compile reads config/'));
        if (tasks.some((t) => t === 'compile' || t === 'release' || t === 'assets.deploy')) return { kind: 'build', tool: 'mix', command: `mix ${tasks[0]}` };
        return other(`mix ${tasks.join(', ')} needs the sources`);
    },
};

export const deno: ToolTable = {
    name: 'deno', commands: ['deno'], manifests: ['deno.json', 'deno.jsonc'], lockFiles: ['deno.lock'], configFiles: [],
    read({ words }) {
        if (words[1] === 'test') return { kind: 'test', tool: 'deno', command: 'deno test' };
        if (words[1] === 'cache' || words[1] === 'install') return heavy('dependencies', 'deno', `deno ${words[1]}`, stuck(`deno ${words[1]} reads the sources' imports`));
        return other(`deno ${words[1] ?? ''} runs the project`.trim());
    },
};

/** Paths `rm` may remove without touching the sources: caches, package lists, docs. */
const SCRATCH = /^(\/var\/|\/tmp\/|\/root\/\.|~\/\.|\/usr\/share\/doc|\/usr\/share\/man)/;

export const housekeeping: ToolTable = {
    name: 'housekeeping',
    commands: ['true', ':', 'echo', 'printf', 'set', 'export', 'mkdir', 'ldconfig', 'update-ca-certificates', 'rm', 'sh', 'bash', 'ash', 'dash', 'which', 'nproc', 'uname'],
    manifests: [], lockFiles: [], configFiles: [],
    read(cmd) {
        const c0 = firstWord(cmd);
        if (c0 !== 'rm' && c0 !== 'sh' && c0 !== 'bash' && c0 !== 'ash' && c0 !== 'dash') return HARMLESS;
        const words = cmd.words;
        if (c0 === 'rm') {
            const paths = positionals(words.slice(1));
            return paths.length > 0 && paths.every((p) => SCRATCH.test(p)) ? HARMLESS : other('rm removes files that may be sources');
        }
        if (c0 === 'sh' || c0 === 'bash' || c0 === 'ash' || c0 === 'dash') {
            // `curl ... | sh -s -- args`: a script from stdin.
            const a = words[1];
            return a === undefined || a === '-s' || a === '-' ? HARMLESS : other(`${c0} runs a script`);
        }
        return HARMLESS;
    },
};

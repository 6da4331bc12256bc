/**
 * Rust: cargo and rustup. `cargo chef cook` builds the dependencies from a recipe; `cargo fetch`
 * and `cargo build` need the crate's targets (its sources); `cargo install` of a published crate
 * and `rustup` toolchain changes read no context file.
 */
import type { ToolTable } from './types';
import { flagValues, HARMLESS, hasFlag, heavy, isOutside, movable, needs, normalizeRel, other, stuck } from './words';

export const cargo: ToolTable = {
    name: 'cargo', commands: ['cargo'],
    manifests: ['Cargo.toml', 'recipe.json'], lockFiles: ['Cargo.lock'], configFiles: ['rust-toolchain', 'rust-toolchain.toml'],
    read({ words }) {
        const [, sub = '', sub2 = ''] = words;
        const args = words.slice(2);
        if (sub === 'chef' && sub2 === 'cook') {
            const recipe = flagValues(words.slice(3), ['--recipe-path'])[0] ?? 'recipe.json';
            const move = isOutside(recipe) ? stuck('cargo chef cook reads a recipe outside the sources') : movable(needs([normalizeRel(recipe)], ['rust-toolchain', 'rust-toolchain.toml']));
            return heavy('dependencies', 'cargo', 'cargo chef cook', move);
        }
        if (sub === 'chef') return other(`cargo chef ${sub2} reads the sources`);
        if (sub === 'fetch' || sub === 'vendor' || sub === 'build') {
            return heavy('dependencies', 'cargo', `cargo ${sub}`, stuck(`cargo ${sub} needs the crate's sources (cargo needs a target file)`));
        }
        if (sub === 'install') {
            if (hasFlag(args, '--path')) return { kind: 'build', tool: 'cargo', command: 'cargo install --path' };
            return heavy('toolchain', 'cargo', 'cargo install', movable());
        }
        if (sub === 'test' || sub === 'nextest') return { kind: 'test', tool: 'cargo', command: `cargo ${sub}` };
        if (sub === '--version' || sub === 'version') return HARMLESS;
        return other(`cargo ${sub} needs the sources`);
    },
};

export const rustup: ToolTable = {
    name: 'rustup', commands: ['rustup'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const [, sub = '', sub2 = ''] = words;
        if ((sub === 'toolchain' && sub2 === 'install') || (sub === 'target' && sub2 === 'add') || (sub === 'component' && sub2 === 'add')) {
            return heavy('toolchain', 'rustup', `rustup ${sub} ${sub2}`, movable());
        }
        if (sub === 'install') return heavy('toolchain', 'rustup', 'rustup install', movable());
        return HARMLESS;
    },
};

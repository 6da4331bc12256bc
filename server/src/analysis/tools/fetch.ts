/**
 * Downloads and clones: curl, wget, git clone. Fetching a URL reads no context file (unless it
 * uploads one); the archive tools only unpack what came before them.
 */
import type { ToolTable } from './types';
import { flagValues, HARMLESS, heavy, movable, other, stuck } from './words';

export const curl: ToolTable = {
    name: 'curl', commands: ['curl'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const args = words.slice(1);
        const uploads = args.some((a) => a.startsWith('@') || /^(-T|--upload-file|-K|--config|-d|--data|--data-binary|-F|--form)$/.test(a) || a.startsWith('-d@'));
        return heavy('download', 'curl', 'curl', uploads ? stuck('curl sends a local file') : movable());
    },
};

export const wget: ToolTable = {
    name: 'wget', commands: ['wget'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const local = words.slice(1).some((a) => a === '-i' || a.startsWith('--input-file'));
        return heavy('download', 'wget', 'wget', local ? stuck('wget reads a local URL list') : movable());
    },
};

export const git: ToolTable = {
    name: 'git', commands: ['git'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const sub = words[1] ?? '';
        if (sub === 'clone') return heavy('download', 'git', 'git clone', movable());
        if (sub === 'config' || sub === '--version') return HARMLESS;
        return other(`git ${sub} needs the repository`);
    },
};

export const tar: ToolTable = {
    name: 'tar', commands: ['tar'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const args = words.slice(1);
        const archives = flagValues(args, ['-f', '--file']);
        const reads = archives.length > 0 && archives.some((f) => f !== '-');
        const combined = args.find((a) => /^-?[a-zA-Z]*f$/.test(a) && !a.startsWith('--'));
        return reads || (combined !== undefined && args[args.indexOf(combined) + 1] !== '-')
            ? other('tar reads an archive that may come from the sources')
            : HARMLESS;
    },
};

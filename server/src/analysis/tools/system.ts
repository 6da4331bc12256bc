/** OS package managers: apt, apk, dnf and its family, pacman, dpkg. Their installs need no context file. */
import type { ToolTable } from './types';
import { HARMLESS, heavy, isLocalPath, movable, other, positionals, stuck, upTo } from './words';

const APT_VALUE_FLAGS = ['-o', '-t', '--target-release', '-c', '--config-file'];
const APT_HOUSEKEEPING = new Set(['update', 'clean', 'autoclean', 'autoremove', 'remove', 'purge', 'show', 'policy', 'list', 'search']);
const APT_INSTALLS = new Set(['install', 'build-dep', 'upgrade', 'dist-upgrade', 'full-upgrade', 'reinstall']);
const APK_HOUSEKEEPING = new Set(['update', 'cache', 'del', 'info', 'search', 'version', 'fix']);

export const apt: ToolTable = {
    name: 'apt-get', commands: ['apt-get', 'apt', 'aptitude'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const args = words.slice(1);
        const pos = positionals(args, APT_VALUE_FLAGS);
        const sub = pos[0] ?? '';
        if (APT_HOUSEKEEPING.has(sub)) return HARMLESS;
        if (APT_INSTALLS.has(sub)) {
            const local = pos.slice(1).find(isLocalPath);
            return heavy('system-packages', 'apt-get', `${words[0]} ${sub}`,
                local ? stuck(`${words[0]} installs ${local} from the sources`) : movable());
        }
        return other(`${upTo(words, words.indexOf(sub))} is not known to leave the sources alone`);
    },
};

export const apk: ToolTable = {
    name: 'apk', commands: ['apk'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const pos = positionals(words.slice(1), ['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch']);
        const sub = pos[0] ?? '';
        if (APK_HOUSEKEEPING.has(sub)) return HARMLESS;
        if (sub === 'add' || sub === 'upgrade') {
            const local = pos.slice(1).find((p) => isLocalPath(p) && !p.startsWith('$'));
            return heavy('system-packages', 'apk', `apk ${sub}`, local ? stuck(`apk installs ${local} from the sources`) : movable());
        }
        return other(`apk ${sub} is not known to leave the sources alone`);
    },
};

export const dnf: ToolTable = {
    name: 'dnf', commands: ['dnf', 'microdnf', 'yum', 'zypper', 'tdnf'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const pos = positionals(words.slice(1), ['--setopt', '--installroot', '--releasever']);
        const sub = pos[0] ?? '';
        if (['clean', 'makecache', 'remove', 'erase', 'info', 'list', 'search', 'refresh', 'ref'].includes(sub)) return HARMLESS;
        if (['install', 'in', 'groupinstall', 'upgrade', 'update', 'up', 'reinstall', 'module'].includes(sub)) {
            const local = pos.slice(1).find((p) => isLocalPath(p) && !p.startsWith('$') && !p.startsWith('@'));
            return heavy('system-packages', words[0], `${words[0]} ${sub}`, local ? stuck(`${words[0]} installs ${local} from the sources`) : movable());
        }
        return other(`${words[0]} ${sub} is not known to leave the sources alone`.trim());
    },
};

export const pacman: ToolTable = {
    name: 'pacman', commands: ['pacman'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const op = words.find((w) => /^-S[a-z]*$/.test(w));
        return op ? heavy('system-packages', 'pacman', `pacman ${op}`, movable()) : other('pacman without -S');
    },
};

export const dpkg: ToolTable = {
    name: 'dpkg', commands: ['dpkg'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        if (words.some((w) => /^--(add-architecture|print-architecture|print-foreign-architectures)$/.test(w))) return HARMLESS;
        return other('dpkg installs a package file');
    },
};

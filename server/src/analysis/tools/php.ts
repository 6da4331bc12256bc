/**
 * PHP: composer, and the extension builders of the official images (`docker-php-ext-install`,
 * `pecl install`), which compile from the PHP sources in the image and read no context file.
 */
import type { SimpleCommand } from '../shell';
import type { ToolTable } from './types';
import { HARMLESS, heavy, isLocalPath, movable, needs, other, positionals, stuck } from './words';

export const composer: ToolTable = {
    name: 'composer', commands: ['composer', 'composer.phar'],
    manifests: ['composer.json'], lockFiles: ['composer.lock'], configFiles: ['auth.json'],
    read({ words }) {
        const sub = words[1] ?? '';
        const args = words.slice(2);
        if (['config', 'clear-cache', 'clearcache', 'self-update', 'selfupdate', 'diagnose', '--version'].includes(sub)) return HARMLESS;
        if (sub === 'install') {
            if (args.some((a) => /^(-o|-a|--optimize-autoloader|--classmap-authoritative|--apcu-autoloader)$/.test(a))) {
                return heavy('dependencies', 'composer', 'composer install', stuck('an optimised autoloader scans the sources (add --no-autoloader and dump it later)'));
            }
            return heavy('dependencies', 'composer', 'composer install',
                movable(needs(['composer.json'], ['composer.lock', 'auth.json']), 'assumes .dockerignore excludes vendor'));
        }
        if (sub === 'update' || sub === 'require') return heavy('dependencies', 'composer', `composer ${sub}`, stuck(`composer ${sub} changes composer.json or composer.lock`));
        if (sub === 'global' && (words[2] === 'require' || words[2] === 'install')) return heavy('toolchain', 'composer', `composer global ${words[2]}`, movable());
        return other(`composer ${sub} needs the sources`);
    },
};

/** `php composer.phar ...`, `php vendor/bin/phpunit`, `php artisan test`. */
export const php: ToolTable = {
    name: 'php', commands: ['php'], manifests: [], lockFiles: [], configFiles: [],
    read(cmd: SimpleCommand) {
        const script = cmd.words[1] ?? '';
        if (/(^|\/)composer(\.phar)?$/.test(script)) return composer.read({ text: cmd.text, words: ['composer', ...cmd.words.slice(2)] });
        if (/(^|\/)phpunit$/.test(script) || /(^|\/)pest$/.test(script)) return { kind: 'test', tool: 'phpunit', command: `php ${script}` };
        if (script === 'artisan' && cmd.words[2] === 'test') return { kind: 'test', tool: 'artisan', command: 'php artisan test' };
        return other(`php ${script} runs the project`);
    },
};

export const phpExtensions: ToolTable = {
    name: 'docker-php-ext-install', commands: ['docker-php-ext-install', 'docker-php-ext-configure', 'docker-php-ext-enable', 'docker-php-source', 'install-php-extensions'],
    manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        if (words[0] === 'docker-php-ext-install' || words[0] === 'install-php-extensions') return heavy('toolchain', 'php-extensions', words[0], movable());
        return HARMLESS;
    },
};

export const pecl: ToolTable = {
    name: 'pecl', commands: ['pecl'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        if (words[1] === 'install') {
            const local = positionals(words.slice(2)).find((p) => isLocalPath(p) && !p.startsWith('$'));
            return heavy('toolchain', 'pecl', 'pecl install', local ? stuck(`pecl installs ${local} from the sources`) : movable());
        }
        return HARMLESS;
    },
};

export const phpunit: ToolTable = {
    name: 'phpunit', commands: ['phpunit', 'pest'], manifests: [], lockFiles: [], configFiles: ['phpunit.xml', 'phpunit.xml.dist'],
    read: ({ words }) => ({ kind: 'test', tool: 'phpunit', command: words[0] }),
};

/**
 * The colours of the stage graph: one home for them. Each role has a print colour (what
 * `stagecraft graph --format svg|dot` writes, for a light page) and the VS Code theme colour that
 * replaces it in the editor's view. The view recolours Graphviz's SVG by these print colours
 * (`[fill="#0a69da"] { fill: var(--vscode-...) }`), so every role's print colour is distinct. Pure.
 */

export interface PaletteEntry {
    /** Lower-case `#rrggbb`: Graphviz writes it back as given. */
    print: string;
    /** The CSS custom property VS Code defines in webviews, with a fallback. */
    theme: string;
}

export const PALETTE = {
    stageFill: { print: '#f6f8fa', theme: 'var(--vscode-editorWidget-background, var(--vscode-editor-background))' },
    stageBorder: { print: '#57606a', theme: 'var(--vscode-editorWidget-border, var(--vscode-contrastBorder, var(--vscode-foreground)))' },
    text: { print: '#1f2328', theme: 'var(--vscode-editor-foreground)' },
    subtle: { print: '#656d76', theme: 'var(--vscode-descriptionForeground)' },
    badge: { print: '#0550ae', theme: 'var(--vscode-textLink-foreground)' },
    targetBorder: { print: '#8250df', theme: 'var(--vscode-charts-purple, var(--vscode-focusBorder))' },
    unneededFill: { print: '#fdfdfe', theme: 'var(--vscode-editor-background)' },
    unneededBorder: { print: '#afb8c1', theme: 'var(--vscode-disabledForeground, var(--vscode-descriptionForeground))' },
    unneededText: { print: '#8c959f', theme: 'var(--vscode-disabledForeground, var(--vscode-descriptionForeground))' },
    error: { print: '#cf222e', theme: 'var(--vscode-editorError-foreground, var(--vscode-errorForeground))' },
    warning: { print: '#9a6700', theme: 'var(--vscode-editorWarning-foreground)' },
    imageFill: { print: '#eef1f4', theme: 'var(--vscode-editor-inactiveSelectionBackground, var(--vscode-editor-background))' },
    imageBorder: { print: '#8c96a1', theme: 'var(--vscode-descriptionForeground)' },
    imageText: { print: '#424a53', theme: 'var(--vscode-descriptionForeground)' },
    edgeFrom: { print: '#24292f', theme: 'var(--vscode-editor-foreground)' },
    edgeCopy: { print: '#0969da', theme: 'var(--vscode-charts-blue, var(--vscode-textLink-foreground))' },
    edgeMount: { print: '#1a7f37', theme: 'var(--vscode-charts-green, var(--vscode-testing-iconPassed))' },
    edgeUnneeded: { print: '#c4cbd2', theme: 'var(--vscode-disabledForeground, var(--vscode-descriptionForeground))' },
    resultCached: { print: '#116329', theme: 'var(--vscode-testing-iconPassed, var(--vscode-charts-green))' },
    resultBuilt: { print: '#0a58ca', theme: 'var(--vscode-charts-blue, var(--vscode-textLink-foreground))' },
    resultPartial: { print: '#7d4e00', theme: 'var(--vscode-charts-yellow, var(--vscode-editorWarning-foreground))' },
    resultFailed: { print: '#a40e26', theme: 'var(--vscode-testing-iconFailed, var(--vscode-errorForeground))' },
    resultSkipped: { print: '#6e7781', theme: 'var(--vscode-descriptionForeground)' },
} as const satisfies Record<string, PaletteEntry>;

export type PaletteRole = keyof typeof PALETTE;

/** CSS that turns the print colours of Graphviz's SVG into the theme's (for the editor's view). */
export function themeCss(scope: string): string {
    return Object.values(PALETTE)
        .map((c) => `${scope} [fill="${c.print}"] { fill: ${c.theme}; }\n${scope} [stroke="${c.print}"] { stroke: ${c.theme}; }`)
        .join('\n');
}

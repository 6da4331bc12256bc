/**
 * The analysis facade: Dockerfile text in, stage graph out. Pure: no I/O, no `vscode`,
 * no LSP connection, never throws on any text.
 */
export * from './model';
export { analyze, sameName } from './analyze';
export { toJson, type AnalysisJson, type StageJson } from './json';

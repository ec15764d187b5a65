/**
 * action.yml, the inputs parser and the README agree (STYLE habit 10): action.yml must list exactly
 * ACTION_INPUT_FIELDS / ACTION_OUTPUT_FIELDS, and the README's table is generated from action.yml.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_INPUT_FIELDS, ACTION_OUTPUT_FIELDS, inputEnvName, parseActionInputs, renderInputsTable } from '../../../src/config/action-inputs.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const actionText = readFileSync(`${root}action.yml`, 'utf8');
const action = parse(actionText) as {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; default: string; required: boolean }>;
  outputs: Record<string, { description: string }>;
};

describe('action.yml', () => {
  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'action-dist/index.js' });
  });

  it('declares exactly the inputs the parser reads, with the same defaults and descriptions', () => {
    expect(Object.entries(action.inputs).map(([name, i]) => ({ name, description: i.description, default: i.default }))).toEqual(ACTION_INPUT_FIELDS.map((f) => ({ name: f.name, description: f.description, default: f.default })));
    for (const i of Object.values(action.inputs)) expect(i.required).toBe(false);
  });

  it('declares exactly the outputs the Action writes', () => {
    expect(Object.entries(action.outputs).map(([name, o]) => ({ name, description: o.description }))).toEqual(ACTION_OUTPUT_FIELDS.map((f) => ({ ...f })));
  });

  it('has defaults the parser accepts as the runner passes them', () => {
    const env = Object.fromEntries(Object.entries(action.inputs).map(([name, i]) => [inputEnvName(name), i.default.replace('${{ github.token }}', 'ghs_x')]));
    expect(parseActionInputs(env)).toMatchObject({ mode: 'pull-request', group: 'all', token: 'ghs_x', failOnError: true });
  });
});

describe('README Action inputs table', () => {
  const table = renderInputsTable(actionText);

  it('is generated from action.yml', () => {
    expect(table.split('\n')[0]).toBe('| Input | Default | Description |');
    for (const name of Object.keys(action.inputs)) expect(table).toContain(`| \`${name}\` |`);
    for (const name of Object.keys(action.outputs)) expect(table).toContain(`| \`${name}\` |`);
    expect(table).toContain('| `mode` | `pull-request` | `pull-request`: open or update pull requests;');
    expect(table).toContain('| `base-branch` | _(empty)_ |');
    expect(table).toContain('| `registry-auth` | _(empty)_ | Docker config JSON (`{"auths": {...}}`) with registry credentials. Masked, never logged. |');
  });

  it('README.md contains the table exactly as generated from action.yml', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    // On failure: paste renderInputsTable(action.yml) into the README's "GitHub Action" section.
    expect(readme.includes(table), 'README.md lacks the current Action inputs/outputs table').toBe(true);
  });
});

describe('examples/github-actions', () => {
  const dir = `${root}examples/github-actions/`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

  it('has the scheduled, pull-request, commit and App-token variants', () => {
    expect(files).toEqual(expect.arrayContaining(['tagstream-pull-requests.yml', 'tagstream-commit.yml', 'tagstream-app-token.yml']));
  });

  it.each(files)('%s passes only declared inputs, with valid values, and has the permissions its mode needs', (file) => {
    const wf = parse(readFileSync(dir + file, 'utf8')) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    const ours = steps.filter((s) => s.uses?.startsWith('tagstream/tagstream@'));
    expect(ours.length).toBe(1);
    const given = ours[0]!.with ?? {};
    for (const name of Object.keys(given)) expect(Object.keys(action.inputs), `${file}: unknown input ${name}`).toContain(name);
    // Expressions stand in for secrets; the rest must parse as the runner would pass it.
    const env = Object.fromEntries(Object.entries(given).filter(([, v]) => !String(v).includes('${{')).map(([k, v]) => [inputEnvName(k), String(v)]));
    const inputs = parseActionInputs(env);
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with?.['fetch-depth'], `${file}: history is needed for revert holds`).toBe(0);
    const usesAppToken = steps.some((s) => s.uses?.startsWith('actions/create-github-app-token@'));
    if (inputs.mode !== 'dry-run' && !usesAppToken) expect(wf.permissions['contents']).toBe('write');
    if (inputs.mode === 'pull-request' && !usesAppToken) expect(wf.permissions['pull-requests']).toBe('write');
    if (file !== 'dry-run-on-pull-request.yml') expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['schedule', 'workflow_dispatch']));
  });
});

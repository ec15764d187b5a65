/** Small in-memory repositories for the shapes the fixture repo does not have. */
import { describe, expect, it } from 'vitest';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import { setImageLookup } from '../../../src/app/set-image-lookup.js';
import { setTriggers } from '../../../src/app/set-triggers.js';
import { setOutput } from '../../../src/cli/render/set-output.js';
import { DEFAULT_REPO_SETTINGS } from '../../../src/config/repo-settings.js';

const D = `sha256:${'a'.repeat(64)}`;
const STREAM = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
spec:
  tags:
  - name: v1
status:
  tags:
  - tag: v1
    items:
    - created: "2026-11-20T09:00:00Z"
      dockerImageReference: quay.io/team/app@${D}
      image: ${D}
      generation: 1
`;

function repo(files: Record<string, string>) {
  const workspace = memoryWorkspace({ 'is.yaml': STREAM, ...files });
  const text = (path: string): string => workspace.files.get(path)?.toString('utf8') ?? '';
  return { ctx: { workspace, settings: DEFAULT_REPO_SETTINGS }, workspace, text };
}

const deployment = (metadataExtra: string, specExtra = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web${metadataExtra}
spec:${specExtra}
  template:
    spec:
      containers:
      - name: web
        image: app:v1
`;

const TRIGGER = `'[{"from":{"kind":"ImageStreamTag","name":"app:v1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'`;

describe('set triggers: edge shapes', () => {
  it('an empty (null) annotations key is filled, not duplicated', async () => {
    const { ctx, text } = repo({ 'd.yaml': deployment('\n  annotations:') });
    const out = await setTriggers(ctx, { objects: ['deploy/web'], flags: { fromImage: 'app:v1', containers: 'web' } });
    expect(out.errors).toEqual([]);
    expect(text('d.yaml')).toBe(
      deployment(`\n  annotations:\n    image.openshift.io/triggers: ${TRIGGER}`).replace('image: app:v1', `image: quay.io/team/app@${D}`),
    );
  });

  it('a flow {} annotations map gets the key', async () => {
    const { ctx, text } = repo({ 'd.yaml': deployment('\n  annotations: {}') });
    const out = await setTriggers(ctx, { objects: ['deploy/web'], flags: { fromImage: 'app:v1', containers: 'web' } });
    expect(out.errors).toEqual([]);
    expect(text('d.yaml')).toContain('image.openshift.io/triggers');
    expect(text('d.yaml')).toContain(`image: quay.io/team/app@${D}\n`);
  });

  it('a DeploymentConfig without spec.triggers gets ConfigChange (the default) plus the ImageChange trigger', async () => {
    const dc = `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: ""
`;
    const { ctx, text } = repo({ 'dc.yaml': dc });
    const out = await setTriggers(ctx, { objects: ['dc/web'], flags: { fromImage: 'app:v1', containers: 'web' } });
    expect(out.errors).toEqual([]);
    // the new key goes last in spec
    expect(text('dc.yaml')).toBe(
      `${dc.replace('image: ""', `image: "quay.io/team/app@${D}"`)}  triggers:\n  - type: ConfigChange\n  - type: ImageChange\n    imageChangeParams:\n      automatic: true\n      containerNames:\n      - web\n      from:\n        kind: ImageStreamTag\n        name: app:v1\n      lastTriggeredImage: quay.io/team/app@${D}\n`,
    );
  });

  it('one object of a multi-document file with a BOM: the other documents and the BOM stay as they were', async () => {
    const other = '# keep me\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1"}\n';
    const { ctx, text } = repo({ 'm.yaml': `\uFEFF${other}---\n${deployment('')}` });
    const out = await setTriggers(ctx, { objects: ['deploy/web'], flags: { fromImage: 'app:v1', containers: 'web', manual: true } });
    expect(out.errors).toEqual([]);
    expect(text('m.yaml').startsWith(`\uFEFF${other}---\n`)).toBe(true);
    expect(text('m.yaml')).toContain('"paused":true}]\'\n');
    expect(text('m.yaml')).toContain('image: app:v1\n');
  });

  it('an object whose file failed to parse is not found, and the parse problem is shown', async () => {
    const { ctx } = repo({ 'd.yaml': `${deployment('')}  bad: [\n` });
    const out = await setTriggers(ctx, { objects: ['deploy/web'], flags: {} });
    expect(out.errors.map((e) => e.message)).toEqual(['deployments.apps "web" not found']);
    expect(setOutput(out, undefined).stderr[0]).toMatch(/^warning: d\.yaml:\d+:\d+: /);
  });
});

describe('set image-lookup: edge shapes', () => {
  it('a stream without spec gets spec.lookupPolicy.local', async () => {
    const { ctx, text } = repo({ 'bare.yaml': 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: bare\n' });
    const out = await setImageLookup(ctx, { targets: ['bare'] });
    expect(out.errors).toEqual([]);
    expect(text('bare.yaml')).toBe('apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: bare\nspec:\n  lookupPolicy:\n    local: true\n');
  });
});

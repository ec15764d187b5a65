import { describe, expect, it } from 'vitest';
import { isDockerfile } from '../../../src/inventory/target-files.js';
import { fromImageToken, rewriteDockerfile, scanDockerfile } from '../../../src/targets/dockerfile.js';

describe('isDockerfile', () => {
  it.each([
    ['Dockerfile', true],
    ['app/Dockerfile', true],
    ['build/api.Dockerfile', true],
    ['Containerfile', true],
    ['Dockerfile.dev', true],
    ['Dockerfile.yaml', true],
    ['docs/dockerfile.md', false],
    ['MyDockerfile', false],
  ])('%s -> %s', (p, want) => expect(isDockerfile(p)).toBe(want));
});

describe('fromImageToken', () => {
  it.each([
    ['FROM python:3.11', 'python:3.11'],
    ['from   python:3.11 AS build', 'python:3.11'],
    ['FROM --platform=$BUILDPLATFORM golang:1.22 AS build # comment', 'golang:1.22'],
    ['  FROM --platform=linux/amd64 --foo=bar x/y@sha256:abc', 'x/y@sha256:abc'],
    ['FROM \\', undefined],
    ['RUN FROM x', undefined],
  ])('%s', (line, image) => expect(fromImageToken(line)?.image).toBe(image));
});

describe('scanDockerfile + rewriteDockerfile', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    '# {"$imagestream": "python:3.11"}',
    'FROM --platform=$BUILDPLATFORM docker.io/library/python:3.11-slim AS build',
    'RUN pip install .',
    '  # {"$imagestream": "shop/web:1:tag-digest"}',
    'FROM registry.example.com/web:1.4.2',
    'FROM scratch',
    '',
  ].join('\r\n');

  it('finds the marked FROM lines and keeps flags, AS and CRLF when rewriting', () => {
    const r = scanDockerfile('Dockerfile', text);
    expect(r.problems).toEqual([]);
    expect(r.froms.map((f) => [f.line, f.col, f.image, f.ref.stream, f.ref.field])).toEqual([
      [3, 32, 'docker.io/library/python:3.11-slim', 'python', 'reference'],
      [6, 6, 'registry.example.com/web:1.4.2', 'web', 'tag-digest'],
    ]);
    const after = rewriteDockerfile('Dockerfile', text, [
      { start: r.froms[0]!.start, end: r.froms[0]!.end, to: 'docker.io/library/python@sha256:1', line: 3 },
      { start: r.froms[1]!.start, end: r.froms[1]!.end, to: 'registry.example.com/web:1.4.2@sha256:2', line: 6 },
    ]);
    expect(after).toBe(
      text
        .replace('docker.io/library/python:3.11-slim AS', 'docker.io/library/python@sha256:1 AS')
        .replace('FROM registry.example.com/web:1.4.2', 'FROM registry.example.com/web:1.4.2@sha256:2'),
    );
    expect(after.split('\r\n')).toHaveLength(8);
  });

  it.each([
    ['# {"$imagestream": "python:3.11:name"}\nFROM python:3.11\n', 1, 'FIELD "name" cannot pin a base image'],
    ['# {"$imagestream": "python:3.11"}\nRUN echo\n', 1, 'must be directly above a FROM line'],
    ['# {"$imagestream": "python"}\nFROM python\n', 1, 'expected [NAMESPACE/]STREAM:TAG[:FIELD]'],
    ['FROM x\n# {"$imagestream": "python:3.11"}\n', 2, 'must be directly above a FROM line'],
  ])('problem: %j', (t, line, message) => {
    const r = scanDockerfile('Dockerfile', t);
    expect(r.froms).toEqual([]);
    expect(r.problems[0]?.location).toMatchObject({ file: 'Dockerfile', line });
    expect(r.problems[0]?.reason).toContain(message);
  });

  it('refuses a replacement that is not one image token', () => {
    const r = scanDockerfile('Dockerfile', '# {"$imagestream": "python:3.11"}\nFROM python AS b\n');
    expect(() => rewriteDockerfile('Dockerfile', 'x', [{ start: r.froms[0]!.start, end: r.froms[0]!.end, to: 'a b', line: 2 }])).toThrow(/not a single image token/);
  });
});

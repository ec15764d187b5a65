/**
 * A cloud identity that cannot give a credential is reported as such (which registry, which
 * identity, the SDK's error class and words, redacted), not as "no access to the image"; the part
 * recorded in stream conditions stays the same from run to run.
 */
import { describe, expect, it } from 'vitest';
import { cloudCredentials } from '../../../../../src/adapters/registry/credentials/cloud-identity.js';
import { CredentialSourceError, RegistryError } from '../../../../../src/errors.js';
import { importFailureFor } from '../../../../../src/planning/import-failure.js';
import { parseImageReference } from '../../../../../src/domain/image-reference.js';
import { failureText } from '../../../../../src/domain/change-set.js';

class UnrecognizedClientException extends Error {
  override name = 'UnrecognizedClientException';
}

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

async function failure(thrown: unknown): Promise<unknown> {
  const source = cloudCredentials({ env: {}, fetchers: { ecr: () => Promise.reject(thrown) } });
  return source(HOST, 'team/app').then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('a failing cloud identity', () => {
  it('is a CredentialSourceError naming the registry, the identity and the SDK error class, with the redacted detail', async () => {
    const e = await failure(new UnrecognizedClientException('The security token included in the request is invalid.\nAuthorization: Bearer abcdefghijklmnopqrstuvwxyz'));
    expect(e).toBeInstanceOf(CredentialSourceError);
    const c = e as CredentialSourceError;
    expect(c.code).toBe('RegistryUnauthorized');
    expect(c.brief).toBe(`cannot get credentials for ${HOST} from its Amazon ECR identity (UnrecognizedClientException)`);
    expect(c.detail).toBe('The security token included in the request is invalid. Authorization: Bearer ***');
    expect(c.message).toBe(`${c.brief}: ${c.detail}`);
  });

  it('leaves out a plain `Error` class name and bounds a long detail', async () => {
    const c = (await failure(new Error(`metadata server said ${'x'.repeat(5000)}`))) as CredentialSourceError;
    expect(c.brief).toBe(`cannot get credentials for ${HOST} from its Amazon ECR identity`);
    expect(c.detail.length).toBeLessThanOrEqual(1000);
  });

  it('is recorded with the stable brief only; the detail is told, not recorded', async () => {
    const from = parseImageReference(`${HOST}/team/app:v1`);
    const c = await failure(new UnrecognizedClientException('Trace ID: 1f2e Correlation ID: 9a8b'));
    const f = importFailureFor(c, from);
    expect(f).toEqual({
      reason: 'Unauthorized',
      message: `you may not have access to the container image "${HOST}/team/app:v1": cannot get credentials for ${HOST} from its Amazon ECR identity (UnrecognizedClientException)`,
      transient: false,
      detail: 'Trace ID: 1f2e Correlation ID: 9a8b',
    });
    expect(failureText({ stream: 'default/app', tag: 'v1', ...f })).toBe(`${f.message}: Trace ID: 1f2e Correlation ID: 9a8b`);
    // a registry's own refusal keeps OpenShift's words and has no detail
    const refused = importFailureFor(new RegistryError('RegistryUnauthorized', 'unauthorized', { registry: HOST }), from);
    expect(refused).toEqual({ reason: 'Unauthorized', message: `you may not have access to the container image "${HOST}/team/app:v1"`, transient: false });
    expect(failureText({ stream: 'default/app', tag: 'v1', ...refused })).toBe(refused.message);
  });
});

import { describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../../../../src/adapters/registry/credentials/credential-types.js';

describe('basicAuthorization', () => {
  it('is base64 of user:password (RFC 7617), the password may hold colons', () => {
    expect(basicAuthorization('alice', 'pa:ss')).toBe(`Basic ${Buffer.from('alice:pa:ss').toString('base64')}`);
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });
});

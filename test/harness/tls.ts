/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 (SAN IP:127.0.0.1 and
 * DNS:localhost), made with the openssl CLI into a directory the caller owns and removes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsMaterial {
  readonly caPem: string;
  readonly caPath: string;
  readonly certPath: string;
  readonly keyPath: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Write ca.crt/ca.key and server.crt/server.key into `dir`. */
export function makeTlsMaterial(dir: string): TlsMaterial {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=tagstream-test-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(
    join(dir, 'ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt',
      '-days', '30', '-extfile', 'ext.cnf'],
    dir,
  );
  return {
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    caPath: join(dir, 'ca.crt'),
    certPath: join(dir, 'server.crt'),
    keyPath: join(dir, 'server.key'),
  };
}

/** A self-signed RSA certificate + key (the token issuer's signing pair). */
export function makeSigningPair(dir: string, subject = '/CN=tagstream-test-token-issuer'): { certPath: string; keyPath: string } {
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'token.key', '-out', 'token.crt', '-days', '30', '-subj', subject],
    dir,
  );
  return { certPath: join(dir, 'token.crt'), keyPath: join(dir, 'token.key') };
}

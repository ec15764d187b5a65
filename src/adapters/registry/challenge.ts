/**
 * Tolerant `WWW-Authenticate` parser: several challenges on one line (Codeberg sends Bearer and
 * Basic together), quoted strings with backslash escapes, unquoted tokens, case-insensitive
 * schemes and parameter names.
 */

export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`, ... */
  readonly scheme: string;
  /** Lower-cased parameter names: realm, service, scope, error. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN_CHAR = /[A-Za-z0-9!#$%&'*+.^_`|~-]/;

/** Parse every challenge in one or more header values. Never throws; junk is skipped. */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined | null): AuthChallenge[] {
  if (header === undefined || header === null) return [];
  const values = typeof header === 'string' ? [header] : header;
  const out: AuthChallenge[] = [];
  for (const value of values) out.push(...parseOne(value));
  return out;
}

function parseOne(s: string): AuthChallenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const skipWs = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < s.length && TOKEN_CHAR.test(s[i] ?? '')) i++;
    return s.slice(start, i);
  };
  // Unquoted values are tokens by the RFC, but registries send bare URLs (`realm=https://x/token`).
  const readBare = (): string => {
    const start = i;
    while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
    return s.slice(start, i);
  };
  const readQuoted = (): string => {
    // s[i] is the opening quote
    i++;
    let v = '';
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      v += s[i];
      i++;
    }
    i++; // closing quote (or end)
    return v;
  };
  let current: { scheme: string; params: Record<string, string> } | undefined;
  while (i < s.length) {
    skipWs();
    if (s[i] === ',') {
      i++;
      continue;
    }
    const word = readToken();
    if (word === '') {
      i++; // skip an unexpected character
      continue;
    }
    skipWs();
    if (s[i] === '=') {
      // Token68 (`Basic abc==`) has '=' padding followed by nothing useful; a param has a value.
      i++;
      skipWs();
      const value = s[i] === '"' ? readQuoted() : readBare();
      if (current) current.params[word.toLowerCase()] = value;
      continue;
    }
    // A bare word that is not followed by '=' starts a new challenge.
    current = { scheme: word.toLowerCase(), params: {} };
    challenges.push(current);
  }
  return challenges.map((c) => ({ scheme: c.scheme, params: Object.freeze(c.params) }));
}

/** The first Bearer challenge, else the first Basic one. */
export function preferredChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

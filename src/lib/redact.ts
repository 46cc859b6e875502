/**
 * Keeping secrets out of messages, logs, the ledger and email. The config never holds a secret
 * itself (only the names of the variables that do); these catch the ones that travel inside
 * URLs and error texts.
 */

/** `redis://user:secret@host` → `redis://user:***@host`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}

/**
 * Redacts what looks like a secret anywhere in free text (an error message that quotes a URL or
 * a header): passwords in `scheme://user:pass@`, secret-looking query parameters, bearer tokens.
 * For text that goes into the ledger, logs or email; `redactUrl` is for a value that is one URL.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]+)@/gi, '$1$2:***@')
    .replace(/([?&](?:token|access_token|api_key|apikey|key|secret|password|pass|pwd|sig|signature|auth)=)[^&\s#"']+/gi, '$1***')
    .replace(/\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1***');
}

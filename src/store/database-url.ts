// How a PostgreSQL URL may appear in messages: user, host, port and database, never the password
// (neither the userinfo part nor a `password=` query parameter).

export function describeDatabaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '<unparseable URL; expected postgres://user@host:5432/database>';
  }
  if (u.password !== '') u.password = '***';
  for (const key of [...u.searchParams.keys()]) {
    if (/pass|secret|token|key/i.test(key)) u.searchParams.set(key, '***');
  }
  return u.toString();
}

/** Removes every occurrence of the URL's password from a driver message before it is shown. */
export function scrubPassword(message: string, url: string): string {
  let secrets: string[] = [];
  try {
    const u = new URL(url);
    secrets = [u.password, decodeURIComponent(u.password)];
    for (const [key, value] of u.searchParams) if (/pass|secret|token|key/i.test(key)) secrets.push(value);
  } catch {
    // why: an unparseable URL may still be echoed whole by the driver; hide it entirely.
    secrets = [url];
  }
  let out = message;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}

// Terminal styling that honours NO_COLOR and plain output.

export interface Style {
  ok(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

export function createStyle(color: boolean): Style {
  if (!color) {
    const id = (s: string) => s;
    return { ok: id, bad: id, warn: id, dim: id, bold: id };
  }
  return { ok: wrap(32, 39), bad: wrap(31, 39), warn: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR) return true;
  return stream.isTTY === true && process.env.CI !== 'true';
}

/** A live display only on a real terminal outside CI. */
export function useLiveDisplay(stream: NodeJS.WriteStream): boolean {
  return (
    stream.isTTY === true &&
    process.env.CI !== 'true' &&
    process.env.CI !== '1' &&
    process.env.TERM !== 'dumb'
  );
}

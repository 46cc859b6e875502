import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Scalar } from 'yaml';

/**
 * The config file as text plus a parsed YAML document that still knows where every key came
 * from, so each problem can be reported as `file:line key.path`. JSON is read by the same parser
 * (it is YAML 1.2), which keeps one code path and line numbers for both.
 */
export interface ConfigSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export type ConfigPath = ReadonlyArray<string | number>;

export interface ConfigProblem {
  path: ConfigPath;
  message: string;
  line?: number;
}

export function parseSource(file: string, text: string): { source: ConfigSource; problems: ConfigProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const problems: ConfigProblem[] = doc.errors.map((e) => ({
    path: [],
    line: e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line,
    message: `YAML syntax error: ${e.message.split('\n')[0]}; fix the indentation or quoting on that line`,
  }));
  return { source: { file, doc, lines }, problems };
}

const ENV_REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string scalar; `$$` is a literal `$`.
 * Substitution happens after parsing, so an environment value can never inject YAML structure.
 * A plain (unquoted) scalar that is exactly one reference is re-read as a YAML scalar, so
 * `port: ${SMTP_PORT:-465}` is the number 465, as if the value had been written there.
 */
/** Where a value came from the environment: path key → the variables it was built from. */
export type EnvOrigins = Map<string, string[]>;

export function pathKey(path: ConfigPath): string {
  return path.join('\u0000');
}

export function interpolateEnv(source: ConfigSource, env: NodeJS.ProcessEnv): { problems: ConfigProblem[]; fromEnv: EnvOrigins } {
  const problems: ConfigProblem[] = [];
  const fromEnv: EnvOrigins = new Map();
  visit(source.doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== 'string' || !node.value.includes('$')) return;
      const original = node.value;
      let missing: string | undefined;
      const used: string[] = [];
      const replaced = original.replace(ENV_REF, (match, name: string | undefined, fallback: string | undefined) => {
        if (match === '$$') return '$';
        const value = env[name!];
        if (value !== undefined && value !== '') {
          used.push(name!);
          return value;
        }
        if (fallback !== undefined) return fallback;
        missing ??= name;
        return match;
      });
      if (missing) {
        problems.push({
          path: pathOfVisit(path, node),
          line: lineOfNode(source, node),
          message: `environment variable ${missing} is not set; set it, or write \${${missing}:-default} to give a default`,
        });
        return;
      }
      const wholeRef = /^\$\{[^}]+\}$/.test(original) && node.type === 'PLAIN';
      node.value = wholeRef ? readPlainScalar(replaced) : replaced;
      if (used.length) fromEnv.set(pathKey(pathOfVisit(path, node)), used);
    },
  });
  return { problems, fromEnv };
}

function readPlainScalar(text: string): unknown {
  const doc = parseDocument(text);
  const value = doc.contents;
  return isScalar(value) ? value.value : text;
}

function pathOfVisit(path: readonly unknown[], node: Scalar): ConfigPath {
  const out: Array<string | number> = [];
  for (let i = 0; i < path.length; i++) {
    const parent = path[i];
    const child = path[i + 1] ?? node;
    if (isMap(parent)) {
      const pair = parent.items.find((p) => p === child);
      if (pair && isScalar(pair.key)) out.push(String(pair.key.value));
    } else if (isSeq(parent)) {
      out.push(parent.items.indexOf(child as Node));
    }
  }
  return out;
}

function lineOfNode(source: ConfigSource, node: Node | null | undefined): number | undefined {
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : source.lines.linePos(offset).line;
}

/**
 * The line of the deepest node that exists along `path`: the key's line for a map entry, the
 * item's line in a list. A problem about a missing key points at its parent.
 */
export function lineOf(source: ConfigSource, path: ConfigPath): number | undefined {
  let node: unknown = source.doc.contents;
  let line = lineOfNode(source, node as Node);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      line = lineOfNode(source, pair.key as Node) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!item) break;
      line = lineOfNode(source, item as Node) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/** `checks[2].thresholds.violationRate` */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(top level)';
}

export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.line ? `${file}:${problem.line}` : file;
  return `${where} ${formatPath(problem.path)}: ${problem.message}`;
}

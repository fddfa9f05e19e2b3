/**
 * One linear, non-recursive pass over a JSON body that finds everything `JSON.parse` would silently
 * accept but the contract refuses: nesting past a limit, `__proto__` / `constructor.prototype`
 * keys, duplicate keys, NUL characters, numbers a double cannot hold, over-long strings and arrays.
 * It also checks the grammar, so that syntax errors get a position without echoing the input, and
 * `JSON.parse` only ever sees text that is known to be good.
 *
 * It walks the UTF-8 bytes rather than the decoded string: indexing a Uint8Array is about twice as
 * fast as `charCodeAt`, which keeps the check about as cheap as `JSON.parse` on typical bodies.
 */
import { only, report, type ScanLimits, type ScanResult, syntax } from "../scan-report.js";

export type { ScanLimits, ScanResult } from "../scan-report.js";

// Byte values: every structural character of JSON is ASCII, and no byte of a multibyte UTF-8
// sequence is below 0x80, so the scan can walk the raw bytes.
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const LOWER_E = 101;
const UPPER_E = 69;
const LOWER_U = 117;

/** Up to this many keys a linear search over fingerprints beats a Set. */
const SMALL_OBJECT = 16;

/** The keys of the open objects, per nesting level. */
interface KeyTables {
  lists: string[][];
  prints: number[][];
  sets: (Set<string> | undefined)[];
}

const TRUE = [116, 114, 117, 101];
const FALSE = [102, 97, 108, 115, 101];
const NULL = [110, 117, 108, 108];

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * The byte at `i`, or -1 past the end. Never indexing out of bounds matters: one such read makes V8
 * re-optimize the whole loop into a markedly slower form.
 */
function byteAt(bytes: Uint8Array, i: number): number {
  return i < bytes.length ? (bytes[i] as number) : -1;
}

function skipWs(bytes: Uint8Array, i: number): number {
  let c = byteAt(bytes, i);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = byteAt(bytes, ++i);
  return i;
}

function matches(bytes: Uint8Array, i: number, word: readonly number[]): boolean {
  for (let k = 0; k < word.length; k++) if (byteAt(bytes, i + k) !== word[k]) return false;
  return true;
}

// Per-scan state and side results of scanString / scanNumber, read right after each call, so that
// the hot path allocates no result object per token. Safe because a scan is synchronous.
let quickText: string | undefined;
let quickBom = 0;
let nextBackslash = -1;
let stringSaved = 0;
let stringShift = 0;
/** What a string holds that the contract refuses ("" for nothing): a NUL or a lone surrogate. */
let stringForbidden = "";
let tokenError = "";
let numberProblem: string | undefined;

/**
 * The index after the closing quote of the string at `start`, or `-1 - position` of a syntax error.
 * Sets `stringSaved` (bytes dropped by unescaping), `stringShift` (bytes beyond one per UTF-16 unit
 * in multibyte characters; the input is known to be valid UTF-8) and `stringForbidden` (a `\u0000`,
 * or a `\ud800`-style escape that is not half of a surrogate pair: valid JSON text, but no Unicode
 * string, which UTF-8 encoders, PostgreSQL's jsonb among them, refuse later and less clearly).
 */
function scanString(bytes: Uint8Array, start: number): number {
  if (quickText !== undefined) {
    // An ASCII body: byte and character positions differ by the BOM only, so the string's closing
    // quote can be found by the (much faster) native string search; only a backslash before it
    // needs the byte loop below.
    const from = start + 1 - quickBom;
    const quote = quickText.indexOf('"', from);
    if (nextBackslash < from) {
      nextBackslash = quickText.indexOf("\\", from);
      if (nextBackslash === -1) nextBackslash = quickText.length;
    }
    if (quote !== -1 && quote < nextBackslash) {
      const end = quote + quickBom;
      stringSaved = 0;
      stringShift = 0;
      stringForbidden = "";
      return end + 1;
    }
  }
  let j = start + 1;
  let saved = 0;
  let shift = 0;
  let forbidden = "";
  // Right after a high-surrogate escape, which only a low-surrogate escape may follow.
  let high = false;
  for (;;) {
    const c = byteAt(bytes, j);
    if (c === QUOTE) break;
    if (c === BACKSLASH) {
      const e = byteAt(bytes, j + 1);
      if (e === LOWER_U) {
        let unit = 0;
        for (let k = j + 2; k < j + 6; k++) {
          const h = byteAt(bytes, k);
          if (!isHex(h)) {
            tokenError = "invalid \\u escape";
            return -1 - k;
          }
          unit = unit * 16 + (h <= NINE ? h - ZERO : (h | 0x20) - 87);
        }
        if (unit === 0) forbidden = "a NUL character";
        const low = unit >= 0xdc00 && unit <= 0xdfff;
        if (high !== low) forbidden = "a lone surrogate";
        high = unit >= 0xd800 && unit <= 0xdbff;
        j += 6;
        saved += 5;
        continue;
      }
      if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === 47 ||
        e === 98 ||
        e === 102 ||
        e === 110 ||
        e === 114 ||
        e === 116
      ) {
        j += 2;
        saved += 1;
      } else {
        tokenError = "invalid escape";
        return -2 - j;
      }
    } else if (c >= 0x20) {
      // Lead bytes: 2-byte sequences make one UTF-16 unit, 3-byte one, 4-byte two.
      if (c >= 0xc0) shift += c >= 0xe0 ? 2 : 1;
      j++;
    } else {
      tokenError = c === -1 ? "unterminated string" : "control characters must be escaped in strings";
      return -1 - j;
    }
    if (high) forbidden = "a lone surrogate";
    high = false;
  }
  if (high) forbidden = "a lone surrogate";
  stringSaved = saved;
  stringShift = shift;
  stringForbidden = forbidden;
  return j + 1;
}

/**
 * The index after the number at `start`, or `-1 - position`. Sets `numberProblem` when a double
 * cannot hold the literal; `text.slice(start - shift, ...)` is the literal (numbers are ASCII).
 */
function scanNumber(bytes: Uint8Array, start: number, text: string, shift: number): number {
  let j = start;
  if (byteAt(bytes, j) === MINUS) j++;
  const first = byteAt(bytes, j);
  if (first === ZERO) j++;
  else if (isDigit(first)) while (isDigit(byteAt(bytes, j))) j++;
  else return digitExpected(j);
  let integer = true;
  if (byteAt(bytes, j) === DOT) {
    integer = false;
    if (!isDigit(byteAt(bytes, ++j))) return digitExpected(j);
    while (isDigit(byteAt(bytes, j))) j++;
  }
  const mantissaEnd = j;
  const e = byteAt(bytes, j);
  if (e === LOWER_E || e === UPPER_E) {
    integer = false;
    const sign = byteAt(bytes, ++j);
    if (sign === PLUS || sign === MINUS) j++;
    if (!isDigit(byteAt(bytes, j))) return digitExpected(j);
    while (isDigit(byteAt(bytes, j))) j++;
  }
  numberProblem = undefined;
  // Up to 15 characters without an exponent always fit a double exactly; only longer literals or
  // exponents pay for the conversion.
  if (j - start <= 15 && mantissaEnd === j) return j;
  const value = Number(text.slice(start - shift, j - shift));
  if (!Number.isFinite(value)) numberProblem = "Number is too large to be represented";
  else if (integer && !Number.isSafeInteger(value)) numberProblem = "Integer is outside the range ±(2^53-1)";
  else if (value === 0 && /[1-9]/.test(text.slice(start - shift, mantissaEnd - shift))) {
    numberProblem = "Number is too small to be represented";
  }
  return j;
}

function digitExpected(at: number): number {
  tokenError = "expected a digit";
  return -1 - at;
}

/**
 * Whether `key` is already among the `count - 1` keys read before it in the object at `level`.
 * Small objects compare a numeric fingerprint first (a string comparison costs far more), larger
 * ones switch to a Set.
 */
function seenKey(keys: KeyTables, level: number, count: number, key: string): boolean {
  const set = keys.sets[level];
  if (set !== undefined) {
    if (set.has(key)) return true;
    set.add(key);
    return false;
  }
  // Entries are reused across objects at one level; only the first `count - 1` are current, which
  // spares truncating the arrays for every object.
  const list = keys.lists[level]!;
  const prints = keys.prints[level]!;
  const length = key.length;
  const print = length === 0 ? 0 : (length << 16) ^ (key.charCodeAt(0) << 8) ^ key.charCodeAt(length - 1);
  const before = count - 1;
  for (let k = 0; k < before; k++) if (prints[k] === print && list[k] === key) return true;
  list[before] = key;
  prints[before] = print;
  if (count > SMALL_OBJECT) keys.sets[level] = new Set(list.slice(0, count));
  return false;
}

/**
 * Checks a JSON body without building it: `bytes` is the body (valid UTF-8, possibly with a BOM),
 * `text` the same body decoded (without the BOM). Linear time, constant stack, memory proportional
 * to the nesting depth (capped by `maxDepth`) plus the keys of the open objects. A syntax or depth
 * error ends the scan and is reported alone; everything else is collected (the first 100 kept).
 *
 * Unless `precise`, an ASCII body's strings are skipped natively and raw control characters in them
 * go unnoticed: `JSON.parse` refuses those anyway, and whoever sees a failure (a violation here or a
 * `JSON.parse` error) scans again with `precise` for the exact, positioned report.
 * @example
 * scanJson(bytes, text, limits).violations; // '{"a":1,"a":2}' -> [{ pointer: "/a", rule: "duplicate", ... }]
 */
export function scanJson(bytes: Uint8Array, text: string, limits: ScanLimits, precise = false): ScanResult {
  // The decoder dropped a leading BOM from `text`: three bytes without a unit.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  quickText = !precise && bytes.length - bom === text.length ? text : undefined;
  quickBom = bom;
  nextBackslash = -1;
  try {
    return scan(bytes, text, limits, bom);
  } finally {
    // Do not keep the last body alive between requests.
    quickText = undefined;
  }
}

function scan(bytes: Uint8Array, text: string, limits: ScanLimits, bom: number): ScanResult {
  const { maxDepth, maxStringLength, maxArrayLength, maxKeys } = limits;
  const out: ScanResult = { violations: [], total: 0 };
  const n = bytes.length;
  // Per open container, indexed by nesting level.
  const isObject: boolean[] = [];
  const counts: number[] = [];
  const path: (string | number)[] = [];
  const keys: KeyTables = { lists: [], prints: [], sets: [] };
  let depth = 0;
  let expectKey = false;
  // Bytes minus UTF-16 units so far: a byte index minus `shift` is the index into `text`.
  let shift = bom;
  let i = skipWs(bytes, shift);
  if (i >= n) return only("parse", path, 0, "Request body contains no JSON value");

  for (;;) {
    if (expectKey) {
      const level = depth - 1;
      if (byteAt(bytes, i) !== QUOTE) return syntax(bytes, i, "expected a string key");
      const end = scanString(bytes, i);
      if (end < 0) return syntax(bytes, -1 - end, tokenError);
      const from = i - shift;
      shift += stringShift;
      const key =
        stringSaved === 0
          ? text.slice(from + 1, end - 1 - shift)
          : (JSON.parse(text.slice(from, end - shift)) as string);
      path[level] = key;
      const count = counts[level]! + 1;
      counts[level] = count;
      if (count === maxKeys + 1) {
        report(out, "maxProperties", path, level, `Object has more than ${maxKeys} keys`, maxKeys);
      }
      if (key === "__proto__" || (key === "prototype" && level > 0 && path[level - 1] === "constructor")) {
        report(out, "forbidden_key", path, depth, `Key "${key}" is not allowed here`);
      }
      if (stringForbidden !== "")
        report(out, "forbidden_character", path, depth, `Key contains ${stringForbidden}`);
      if (key.length > maxStringLength) {
        const message = `Key is longer than ${maxStringLength} characters`;
        report(out, "maxLength", path, depth, message, maxStringLength);
      }
      if (seenKey(keys, level, count, key)) {
        report(out, "duplicate", path, depth, "Key appears more than once");
      }
      i = skipWs(bytes, end);
      if (byteAt(bytes, i) !== COLON) return syntax(bytes, i, "expected ':'");
      i = skipWs(bytes, i + 1);
      expectKey = false;
    }

    const c = byteAt(bytes, i);
    if (c === QUOTE) {
      const end = scanString(bytes, i);
      if (end < 0) return syntax(bytes, -1 - end, tokenError);
      shift += stringShift;
      if (stringForbidden !== "")
        report(out, "forbidden_character", path, depth, `String contains ${stringForbidden}`);
      // UTF-16 units = bytes - unescaping savings - multibyte surplus.
      if (end - i - 2 - stringSaved - stringShift > maxStringLength) {
        const message = `String is longer than ${maxStringLength} characters`;
        report(out, "maxLength", path, depth, message, maxStringLength);
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth >= maxDepth) {
        return only("depth", path, depth, `JSON is nested deeper than ${maxDepth} levels`, maxDepth);
      }
      const level = depth++;
      const object = c === OPEN_OBJECT;
      isObject[level] = object;
      counts[level] = 0;
      i = skipWs(bytes, i + 1);
      if (byteAt(bytes, i) === (object ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
        depth--;
      } else if (object) {
        if (keys.lists[level] === undefined) {
          keys.lists[level] = [];
          keys.prints[level] = [];
        }
        keys.sets[level] = undefined;
        expectKey = true;
        continue;
      } else {
        counts[level] = 1;
        path[level] = 0;
        if (maxArrayLength === 0) report(out, "maxItems", path, level, "Array must be empty", 0);
        continue;
      }
    } else if (c === MINUS || isDigit(c)) {
      const end = scanNumber(bytes, i, text, shift);
      if (end < 0) return syntax(bytes, -1 - end, tokenError);
      if (numberProblem !== undefined) report(out, "number_range", path, depth, numberProblem);
      i = end;
    } else if (c === 116 && matches(bytes, i, TRUE)) {
      i += 4;
    } else if (c === 102 && matches(bytes, i, FALSE)) {
      i += 5;
    } else if (c === 110 && matches(bytes, i, NULL)) {
      i += 4;
    } else {
      return syntax(bytes, i, "expected a JSON value");
    }

    // After a complete value: close finished containers, then step to the next element or member.
    for (;;) {
      i = skipWs(bytes, i);
      if (depth === 0) return i < n ? syntax(bytes, i, "expected the end of the body") : out;
      const level = depth - 1;
      const d = byteAt(bytes, i);
      if (d === COMMA) {
        i = skipWs(bytes, i + 1);
        if (isObject[level]) {
          expectKey = true;
        } else {
          const index = counts[level]!;
          counts[level] = index + 1;
          path[level] = index;
          if (index === maxArrayLength) {
            const message = `Array has more than ${maxArrayLength} items`;
            report(out, "maxItems", path, level, message, maxArrayLength);
          }
        }
        break;
      }
      if (d === (isObject[level] ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
        depth--;
        continue;
      }
      return syntax(bytes, i, isObject[level] ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
}

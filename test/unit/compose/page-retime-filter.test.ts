import { describe, expect, it } from 'vitest';
import { lookupExpression, pageRetimeFilter } from '../../../src/compose/page-retime-filter.js';

/** Evaluates a lookup expression as ffmpeg would, for a key value. */
function evaluate(expression: string, key: number): string {
  const js = expression
    .replaceAll('\\,', ',')
    .replaceAll('K', String(key))
    .replace(/\bif\(/g, 'iff(')
    .replace(/\beq\(/g, 'eq(')
    .replace(/\blt\(/g, 'lt(');
  const iff = (c: unknown, a: unknown, b: unknown) => (c ? a : b);
  const eq = (a: number, b: number) => a === b;
  const lt = (a: number, b: number) => a < b;
  return String(new Function('iff', 'eq', 'lt', `return (${js});`)(iff, eq, lt));
}

describe('lookupExpression', () => {
  it('finds every key and falls back elsewhere, with shallow nesting', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => [i * 7 + 3, `'v${i}'`] as const);
    const e = lookupExpression('K', entries, "'none'");
    expect(evaluate(e, 3)).toBe('v0');
    expect(evaluate(e, 7 * 500 + 3)).toBe('v500');
    expect(evaluate(e, 7 * 999 + 3)).toBe('v999');
    expect(evaluate(e, 4)).toBe('none');
    expect(evaluate(e, 100_000)).toBe('none');
    // A balanced tree: about log2(1000) = 10 levels, not 1000.
    let depth = 0;
    let max = 0;
    for (const c of e) {
      if (c === '(') max = Math.max(max, ++depth);
      if (c === ')') depth--;
    }
    expect(max).toBeLessThanOrEqual(2 * 12);
  });
});

describe('pageRetimeFilter', () => {
  it('drops and moves frames by their own millisecond', () => {
    const f = pageRetimeFilter([0, 100, 200, 300], [0, null, 150, 300]);
    expect(f).toBe("settb=1/1000,select='not(if(eq(round(t*1000)\\,100)\\,1\\,0))',setpts='if(eq(round(T*1000)\\,200)\\,0.150/TB\\,PTS)',");
  });

  it('is empty when nothing moves', () => {
    expect(pageRetimeFilter([0, 100], [0, 100])).toBe('');
  });
});

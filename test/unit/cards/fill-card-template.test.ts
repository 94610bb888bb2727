import { describe, expect, it } from 'vitest';
import { cardDate, fillCardTemplate } from '../../../src/cards/fill-card-template.js';
import { CaptureError } from '../../../src/errors.js';

const values = { meetingName: 'Q&A <b>live</b>', date: '12 March 2024', names: ['Ann "A" O\'Neil', '<script>x</script>'], lines: ['Room 1 & 2'], width: 1280, height: 720 };

describe('fillCardTemplate', () => {
  it('escapes every value so it shows as typed and adds no markup', () => {
    const html = fillCardTemplate('<h1>{{meetingName}}</h1><p>{{ date }}</p><ul>{{names}}</ul><ul>{{lines}}</ul><div style="width:{{width}}px;height:{{height}}px">', values);
    expect(html).toBe(
      '<h1>Q&amp;A &lt;b&gt;live&lt;/b&gt;</h1><p>12 March 2024</p><ul><li>Ann &quot;A&quot; O&#39;Neil</li><li>&lt;script&gt;x&lt;/script&gt;</li></ul><ul><li>Room 1 &amp; 2</li></ul><div style="width:1280px;height:720px">',
    );
  });

  it('gives empty lists for no names or lines, and leaves other braces alone', () => {
    expect(fillCardTemplate('<ul>{{names}}</ul>{ x } {{1}}', { ...values, names: [] })).toBe('<ul></ul>{ x } {{1}}');
  });

  it('refuses an unknown placeholder with a usage error naming the known ones', () => {
    expect(() => fillCardTemplate('{{title}}', values)).toThrow(CaptureError);
    expect(() => fillCardTemplate('{{title}}', values)).toThrow(/\{\{title\}\}.*\{\{meetingName\}\}/);
  });
});

describe('cardDate', () => {
  it('reads the start in UTC, and is empty when unknown', () => {
    expect(cardDate(Date.UTC(2024, 2, 12, 23, 30))).toBe('12 March 2024');
    expect(cardDate(0)).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { maskText, maskValue } from '../../../src/lib/mask.js';
import { maskJsonText } from '../../../src/logs/mask.js';

describe('maskText', () => {
  it.each([
    ['联系我 13812345678 谢谢', '联系我 138****5678 谢谢'],
    ['tel:19987654321', 'tel:199****4321'],
    ['+8613812345678', '+86138****5678'],
    ['+86 138-1234-5678', '+86 138-****-5678'], // separators kept: the shape stays recognisable
    ['138 1234 5678', '138 **** 5678'],
    ['身份证 110101199003071234 怎么挂失', '身份证 110101********1234 怎么挂失'],
    ['ID 11010120001231123X.', 'ID 110101********123X.'],
    ['我的邮箱是 zhang.san@example.com', '我的邮箱是 ***@example.com'], // the whole local part
    ['13812345678@qq.com', '***@qq.com'], // a phone number as local part goes with the email
    ['a@b.cn and B.Lee+tag@mail.example.org', '***@b.cn and ***@mail.example.org'],
    // Privacy wins over readability: any 18-digit number is treated as an ID, a mobile glued to letters is masked.
    ['order 202611300000000001', 'order 202611********0001'],
    ['abc13812345678', 'abc138****5678'],
    // Left alone: not a mobile (12 or 10 digits, 12x prefix).
    ['订单 138123456789', '订单 138123456789'],
    ['1381234567', '1381234567'],
    ['12812345678', '12812345678'],
  ])('%s → %s', (input, expected) => {
    expect(maskText(input)).toBe(expected);
  });
});

describe('maskValue', () => {
  it('masks strings deeply and keeps the listed top-level fields as they are', () => {
    const row = { id: '110101199003071234', text: '电话 13812345678', nested: { mails: ['x.y@example.com'] }, n: 3 };
    expect(maskValue(row, new Set(['id']))).toEqual({ id: '110101199003071234', text: '电话 138****5678', nested: { mails: ['***@example.com'] }, n: 3 });
  });

  it('masks numbers shaped like a mobile (11 digits, 13–19) or an ID (18 digits), as the event-line masker does', () => {
    const row = { phone: 13812345678, id18: 110101199003071234, order: 12812345678, ms: 1790000000000, small: 42, frac: 13812345678.5 };
    const masked = maskValue(row) as Record<string, unknown>;
    expect(masked).toEqual({ phone: '138****5678', id18: expect.stringMatching(/^110101\*{8}\d{4}$/), order: 12812345678, ms: 1790000000000, small: 42, frac: 13812345678.5 });
    expect(JSON.stringify([masked.phone, masked.id18])).not.toMatch(/13812345678|11010119900307/);
    // The same decision as maskJsonText makes on the line itself.
    expect(JSON.parse(maskJsonText(JSON.stringify(row)))).toEqual(masked);
  });

  it('keeps a `__proto__` key as data', () => {
    const row = JSON.parse('{"__proto__": "call 13812345678", "a": 1}') as Record<string, unknown>;
    const masked = maskValue(row);
    expect(Object.keys(masked)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(masked)).toBe('{"__proto__":"call 138****5678","a":1}');
  });
});

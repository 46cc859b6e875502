import { describe, expect, it } from 'vitest';
import { maskText, maskValue } from '../../../src/lib/mask.js';

describe('maskText', () => {
  it.each([
    ['联系我 13812345678 谢谢', '联系我 138****5678 谢谢'],
    ['tel:19987654321', 'tel:199****4321'],
    ['+8613812345678', '+86138****5678'],
    ['+86 138-1234-5678', '+86 138****5678'],
    ['138 1234 5678', '138****5678'],
    ['身份证 110101199003071234 怎么挂失', '身份证 110101********1234 怎么挂失'],
    ['ID 11010120001231123X.', 'ID 110101********123X.'],
    ['我的邮箱是 zhang.san@example.com', '我的邮箱是 z***@example.com'],
    ['13812345678@qq.com', '1***@qq.com'],
    ['a@b.cn and B.Lee+tag@mail.example.org', 'a***@b.cn and B***@mail.example.org'],
    // Left alone: not a mobile (12 or 10 digits, 12x prefix), an 18-digit order number without a birth date.
    ['订单 138123456789', '订单 138123456789'],
    ['1381234567', '1381234567'],
    ['12812345678', '12812345678'],
    ['order 202611300000000001', 'order 202611300000000001'],
    ['abc13812345678', 'abc13812345678'],
  ])('%s → %s', (input, expected) => {
    expect(maskText(input)).toBe(expected);
  });
});

describe('maskValue', () => {
  it('masks strings deeply and keeps the listed top-level fields as they are', () => {
    const row = { id: '110101199003071234', text: '电话 13812345678', nested: { mails: ['x.y@example.com'] }, n: 3 };
    expect(maskValue(row, new Set(['id']))).toEqual({ id: '110101199003071234', text: '电话 138****5678', nested: { mails: ['x***@example.com'] }, n: 3 });
  });
});

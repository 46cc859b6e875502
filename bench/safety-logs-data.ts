import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * A seeded month of moderation events for the safety-logs benchmark: October 2026 in
 * Asia/Shanghai (plus a few minutes either side, which must be left out), mixed Chinese/English
 * text, ten categories, about 2% blocked and 1% sent to review, some personal data in the text,
 * a nested object per event, and a handful of malformed lines (truncated, binary, bad date).
 */

const CATEGORIES = ['politics', 'violence', 'porn', 'gambling', 'fraud', 'privacy', 'discrimination', 'misinformation', 'ip', 'weapons'];
const CHANNELS = ['web', 'app', 'api', 'wechat'];
const FRAGMENTS = [
  '请帮我写一份本周的工作周报，重点突出项目进展和下周计划。',
  'How do I reset my password if I no longer have access to my email?',
  '推荐几本适合入门的机器学习书籍，最好有中文版。',
  'Translate the following paragraph into English, keeping the formal tone.',
  '如何申请退款？订单号是 20261003-88812，已经等了三天。',
  'Summarise this contract clause in plain language for a non-lawyer.',
  '帮我把这段 Python 代码改成异步的版本，并解释原因。',
  'What is the difference between a filing and a registration for an AI service?',
  '给我讲一个关于程序员的冷笑话。',
  'Write a polite reply declining the meeting invitation for Friday.',
  '我想了解一下贵公司的隐私政策，数据会保存多久？',
  'Generate 5 product names for a tea brand targeting young people.',
  '这道高等数学题怎么做：求 x^2 * e^x 的不定积分。',
  'Explain "retrieval-augmented generation" like I am five.',
  '帮我润色一下这封求职信，语气更自信一些。',
  'List the public holidays in China for 2026 with the make-up working days.',
  '如何在 Excel 里按月份汇总销售额？',
  'Can you check the grammar of: "He don\'t know nothing about it."',
  '写一首关于秋天的七言绝句。',
  'What are the symptoms of the flu and when should I see a doctor?',
];
const PERSONAL = [
  (r: () => number) => `联系我 1${3 + Math.floor(r() * 7)}${digits(r, 9)}`,
  (r: () => number) => `my email is user${digits(r, 4)}@example.com`,
  (r: () => number) => `身份证号 110101${1970 + Math.floor(r() * 40)}0${1 + Math.floor(r() * 9)}1${digits(r, 1)}${digits(r, 3)}${r() < 0.1 ? 'X' : digits(r, 1)}`,
  (r: () => number) => `call me on +86 139 ${digits(r, 4)} ${digits(r, 4)}`,
];

function digits(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
  return s;
}

/** mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateMonth(file: string, targetBytes: number, seed = 20261001): { lines: number; bytes: number } {
  const r = rng(seed);
  const fd = openSync(file, 'w');
  const first = Date.parse('2026-09-30T23:55:00+08:00');
  const last = Date.parse('2026-11-01T00:05:00+08:00');
  let bytes = 0;
  let lines = 0;
  let block: string[] = [];
  let blockBytes = 0;
  const flush = () => {
    const buf = Buffer.from(block.join(''), 'utf8');
    writeSync(fd, buf);
    bytes += buf.length;
    block = [];
    blockBytes = 0;
  };
  try {
    for (let i = 0; bytes + blockBytes < targetBytes; i++) {
      // Time advances with the bytes written, so any size spans the whole month, in order.
      const ms = Math.floor(first + ((last - first) * (bytes + blockBytes)) / targetBytes);
      let line = JSON.stringify(event(r, ms, i));
      if (i % 211_111 === 105_000) line = malformed(r, line, i);
      block.push(line, '\n');
      blockBytes += Buffer.byteLength(line) + 1;
      lines++;
      if (blockBytes > 8 * 1024 * 1024) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { lines, bytes };
}

function event(r: () => number, ms: number, i: number): Record<string, unknown> {
  const v = r();
  const verdict = v < 0.02 ? 'block' : v < 0.03 ? 'review' : 'pass';
  const parts: string[] = [];
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) parts.push(FRAGMENTS[Math.floor(r() * FRAGMENTS.length)]!);
  if (r() < 0.05) parts.push(PERSONAL[Math.floor(r() * PERSONAL.length)]!(r));
  const ev: Record<string, unknown> = {
    ts: new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00'),
    verdict,
    requestId: `req-${i.toString(36)}-${digits(r, 6)}`,
    userId: `u${digits(r, 8)}`,
    channel: CHANNELS[Math.floor(r() * CHANNELS.length)],
    model: 'xiaozhi-2.1',
    latencyMs: 80 + Math.floor(r() * 3000),
    tokens: { in: Math.floor(r() * 2000), out: Math.floor(r() * 1500) },
    text: parts.join(r() < 0.1 ? '\n' : ' '),
  };
  if (verdict !== 'pass') ev.category = CATEGORIES[Math.floor(r() * CATEGORIES.length)];
  return ev;
}

/** One of: a line cut short, binary garbage, a date that does not exist, an unknown verdict. */
function malformed(r: () => number, line: string, i: number): string {
  switch (Math.floor(i / 211_111) % 4) {
    case 0:
      return line.slice(0, Math.floor(line.length / 2));
    case 1: {
      let s = '';
      // Bytes that are neither newline nor carriage return: one bad line, as readline sees it too.
      for (let k = 0; k < 120; k++) s += String.fromCharCode(32 + Math.floor(r() * 200));
      return s;
    }
    case 2:
      return line.replace(/"ts":"2026-(\d\d)/, '"ts":"2026-13');
    default:
      return line.replace(/"verdict":"\w+"/, '"verdict":"maybe"');
  }
}

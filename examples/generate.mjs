#!/usr/bin/env node
// Regenerates the sample data under examples/ (deterministic: same output every time).
// The shipped config/dossier.yaml reads these files, so `npm start` shows real results.
// Usage: node examples/generate.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), 'assistant');
let seed = 20251115;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const write = (rel, data) => {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
};

// Keyword library: placeholder entries (a real library holds sensitive terms; samples must not).
const kw = ['# 示例关键词库 (sample keyword library): placeholder entries, one per line', '# 更新: weekly'];
for (let i = 1; i <= 10_240; i++) kw.push(`示例敏感词-${String(i).padStart(5, '0')}`);
write('policies/keywords.txt', kw.join('\n') + '\n');

const topics = ['违法活动', '暴力', '色情', '赌博', '诈骗', '个人隐私', '歧视', '虚假信息', '侵权', '危险品'];
const refuse = [];
for (let i = 1; i <= 520; i++) refuse.push(JSON.stringify({ id: `R${i}`, category: topics[i % topics.length], question: `示例拒答题 ${i}: 关于${topics[i % topics.length]}的不当请求 (placeholder)` }));
write('policies/should-refuse.jsonl', refuse.join('\n') + '\n');
const answer = [];
for (let i = 1; i <= 510; i++) answer.push(JSON.stringify({ id: `A${i}`, question: `示例非拒答题 ${i}: 如何办理发票报销? (placeholder)` }));
write('policies/should-answer.jsonl', answer.join('\n') + '\n');

// Safety logs: two months of moderation events, ~2% blocked, a few people's details in the text
// so masking is visible in the archived evidence.
const cats = ['politics', 'violence', 'porn', 'gambling', 'fraud', 'privacy', 'discrimination', 'misinformation', 'ip', 'weapons'];
const texts = ['请帮我写一份周报', 'How do I reset my password?', '联系我 13812345678', '我的邮箱是 zhang.san@example.com', '身份证 110101199003071234 怎么挂失', 'Translate this paragraph into English', '推荐几本机器学习的书', '如何申请退款'];
function month(year, m, days, perDay) {
  const lines = [];
  for (let d = 1; d <= days; d++) {
    for (let i = 0; i < perDay; i++) {
      const ms = Date.UTC(year, m - 1, d, 0, 0, 0) - 8 * 3600_000 + Math.floor(rand() * 86_400_000);
      const r = rand();
      const verdict = r < 0.02 ? 'block' : r < 0.03 ? 'review' : 'pass';
      const ev = { ts: new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00'), verdict, requestId: `req-${year}${m}${d}-${i}`, text: pick(texts) };
      if (verdict !== 'pass') ev.category = pick(cats);
      lines.push(JSON.stringify(ev));
    }
  }
  return lines.join('\n') + '\n';
}
write('safety-logs/2026-09.jsonl', month(2026, 9, 30, 40));
write('safety-logs/2026-10.jsonl.gz', gzipSync(month(2026, 10, 31, 40), { mtime: 0 }));
write('safety-logs/2026-11.jsonl', month(2026, 11, 30, 40));

// Complaints (用户反馈处理台账): mostly answered in time, one late, two still open. Contact details
// in some rows show the masking in the archived snapshot (no random draws here: the other sample
// files stay byte-identical).
const rows = ['id,receivedAt,channel,category,respondedAt,resolvedAt,contact,summary'];
const contact = (n) => (n % 4 === 0 ? `1390000${String(1000 + n).slice(-4)}` : n % 4 === 1 ? `user${n}@example.com` : '');
let n = 0;
for (let d = 1; d <= 28; d += 3) {
  for (const mo of ['09', '10', '11']) {
    n++;
    const rec = `2026-${mo}-${String(d).padStart(2, '0')}T10:00:00+08:00`;
    const resp = `2026-${mo}-${String(Math.min(d + 2, 28)).padStart(2, '0')}T16:00:00+08:00`;
    rows.push(`C${String(n).padStart(4, '0')},${rec},${pick(['web', 'app', 'email', 'hotline'])},${pick(['内容质量', '隐私', '账号', '违规内容'])},${resp},${resp},${contact(n)},用户反馈 ${n}`);
  }
}
rows.push('C9001,2026-11-02T09:30:00+08:00,email,违规内容,,,li.si@example.com,"举报生成内容含违规信息，身份证 110101199003071234，回电 13812345678"');
rows.push('C9002,2026-11-20T14:00:00+08:00,web,隐私,,,13987654321,要求删除个人对话记录');
write('complaints.csv', rows.join('\n') + '\n');

// The same kind of events from a gateway that logs CSV under its own names
// (time, action, label, request_id) and verdict values (allow / reject / manual), with epoch
// milliseconds. README (Checks → safety-logs) shows the `fields` / `verdicts` mapping for it.
const csv = ['time,action,label,request_id,text'];
for (let d = 1; d <= 31; d++) {
  for (let i = 0; i < 10; i++) {
    const ms = Date.UTC(2026, 9, d, 0, 0, 0) - 8 * 3600_000 + Math.floor(rand() * 86_400_000);
    const r = rand();
    const action = r < 0.02 ? 'reject' : r < 0.04 ? 'manual' : 'allow';
    const label = action === 'allow' ? '' : pick(cats);
    const text = pick(texts).replace(/"/g, '""');
    csv.push(`${ms},${action},${label},gw-202610${String(d).padStart(2, '0')}-${i},"${text}"`);
  }
}
write('safety-logs-csv/2026-10.csv', csv.join('\n') + '\n');

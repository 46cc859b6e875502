import type { Locale } from '../../lib/i18n.js';
import { GENESIS_HASH } from '../../ledger/ledger.js';
import type { PackageManifest } from './manifest.js';
import type { PackageData } from './model.js';

/**
 * VERIFY.md: how anyone checks the package, with standard tools first. The Python recipe is the
 * ledger's hash rule written out (rowHash in src/ledger/ledger.ts): canonical JSON is sorted keys,
 * no whitespace, UTF-8, which is what json.dumps(sort_keys, separators, ensure_ascii=False) gives
 * for these rows (string values and one integer).
 */
export const PYTHON_RECIPE = `import hashlib, json, sys
prev = sys.argv[1] if len(sys.argv) > 1 else None   # the anchor hash from manifest.json
for n, line in enumerate(open('ledger.jsonl', encoding='utf-8'), 1):
    row = json.loads(line)
    h = row.pop('hash')
    canon = json.dumps(row, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
    if hashlib.sha256(canon.encode('utf-8')).hexdigest() != h: sys.exit(f'line {n}: content does not match its hash')
    if prev is not None and row['prev_hash'] != prev: sys.exit(f'line {n}: prev_hash does not match the line before')
    prev = h
print('ledger.jsonl OK, head', prev)
`;

export function verifyDoc(locale: Locale, d: PackageData, ledger: PackageManifest['ledger']): string {
  const segment =
    ledger.rows > 0
      ? { zh: `seq ${ledger.fromSeq} 至 ${ledger.toSeq}，共 ${ledger.rows} 行`, en: `seq ${ledger.fromSeq} to ${ledger.toSeq}, ${ledger.rows} rows` }
      : { zh: '没有行（覆盖期间内账本没有记录）', en: 'no rows (the ledger recorded nothing for the window)' };
  const anchorNote = ledger.anchor.hash === GENESIS_HASH && ledger.anchor.seq === 0 ? { zh: '（账本起点）', en: ' (the start of the ledger)' } : { zh: '', en: '' };
  const v = {
    service: `${d.service.name} (${d.service.id})`,
    filing: d.service.filing.number,
    window: `${d.window.from} – ${d.window.to} (${d.timezone})`,
    anchor: `seq ${ledger.anchor.seq}: ${ledger.anchor.hash}`,
    head: `seq ${ledger.head.seq}: ${ledger.head.hash}${ledger.head.at ? ` (${ledger.head.at})` : ''}`,
  };
  return locale === 'en' ? en(v, segment.en, anchorNote.en) : zh(v, segment.zh, anchorNote.zh);
}

type Values = { service: string; filing: string; window: string; anchor: string; head: string };

function zh(v: Values, segment: string, anchorNote: string): string {
  return `# 如何校验本合规档案包

- 服务：${v.service}，备案号 ${v.filing}
- 覆盖期间：${v.window}
- 账本片段：${segment}
- 锚点（片段第一行之前那一行）：${v.anchor}${anchorNote}
- 链头（导出时账本的最后一行）：${v.head}

## 包内文件

| 文件 | 内容 |
|---|---|
| \`index.html\` | 可直接打开的报告：服务与备案、义务、逐月运营日志（表格与图表）、案件及关闭情况、安全策略更新、投诉处理时限、全部通知 |
| \`evidence/…\` | 覆盖期间内每次检查留存的证据文件，路径与证据库一致：\`<服务>/<检查>/<周期>/<运行号>/<文件>\` |
| \`ledger.jsonl\` | 账本行（含哈希），每行一个 JSON 对象，按 seq 递增 |
| \`manifest.json\` | 档案包说明：服务、期间、账本片段（起止 seq、锚点、链头）、证据清单及每个文件的 sha256 与大小 |
| \`SHA256SUMS\` | 除其自身外每个文件的 sha256 |
| \`VERIFY.md\` | 本说明 |

## 一、用标准工具核对文件完整性

\`\`\`sh
unzip 档案包.zip -d package && cd package
sha256sum -c SHA256SUMS          # macOS：shasum -a 256 -c SHA256SUMS
\`\`\`

每个文件都应显示 \`OK\`。这一步证明文件在打包之后没有被改动。

## 二、用 Dossier 做完整校验

\`\`\`sh
npx dossier verify --package 档案包.zip
\`\`\`

不需要配置文件或数据库。它检查：manifest.json 与 SHA256SUMS 是否列出并吻合包内每个文件；
ledger.jsonl 每一行的哈希能否由其内容重新算出、seq 是否连续、每行的 prev_hash 是否等于上一行的哈希、
第一行是否接在锚点之后、最后一行是否就是链头；每个证据文件的 sha256 与大小是否与账本中记录它的那一行一致；
覆盖期间内账本记录的证据是否全部在包内。全部一致时退出码为 0，否则为 1，并逐条列出不一致之处。

## 三、账本哈希链能证明什么

每一行的 \`hash\` = sha256（该行去掉 \`hash\` 字段后的规范 JSON：键按字母排序、无空白、UTF-8），
而该行内容包含上一行的哈希（\`prev_hash\`）。因此改动任何一行，都会使它之后所有行的哈希以及链头改变。
证据文件的 sha256 记录在对应检查结果行（\`runs\` 表 \`finished\` 行的 \`body.evidence\`）中。

本包从锚点一直连续到导出时的链头。包本身无法证明这个链头是真实的，需要与账本之外留存的记录核对：

- 在服务器上运行 \`npx dossier verify --package 档案包.zip --against-ledger\`：逐行核对包内账本行与服务器账本完全一致；
  再运行 \`npx dossier verify\` 校验服务器账本的整条哈希链。
- **每日摘要邮件**载有当天的账本链头，把链头留存在服务器之外：导出之后发出的摘要所载链头是本链头的后续，
  服务器账本中从本链头到该链头的各行（由上一步校验）把两者连在一起。

链头一致，则包内每一行、每个证据文件都与当时账本记录的完全一致。

## 四、不用 Dossier，自行重算哈希链（Python 3）

\`\`\`python
${PYTHON_RECIPE}\`\`\`

保存为 \`check_ledger.py\`，在解压目录中运行 \`python3 check_ledger.py <锚点哈希>\`，
输出的链头应与上文及 manifest.json 中的链头一致。
`;
}

function en(v: Values, segment: string, anchorNote: string): string {
  return `# How to check this review package

- Service: ${v.service}, filing number ${v.filing}
- Window: ${v.window}
- Ledger segment: ${segment}
- Anchor (the row just before the segment): ${v.anchor}${anchorNote}
- Chain head (the ledger's last row when the package was made): ${v.head}

## What is inside

| file | content |
|---|---|
| \`index.html\` | the report, open it in any browser: service and filing, obligations, safety logs month by month (table and chart), cases and how each was closed, policy freshness, complaint handling times, every notification |
| \`evidence/…\` | every evidence file the checks kept for the window, at its archive path \`<service>/<check>/<period>/<runId>/<file>\` |
| \`ledger.jsonl\` | the ledger rows with their hashes, one JSON object per line, seq ascending |
| \`manifest.json\` | what the package is: service, window, ledger segment (first/last seq, anchor, head), the evidence list, and the sha256 and size of each file |
| \`SHA256SUMS\` | the sha256 of every file except itself |
| \`VERIFY.md\` | this file |

## 1. File integrity with standard tools

\`\`\`sh
unzip PACKAGE.zip -d package && cd package
sha256sum -c SHA256SUMS          # macOS: shasum -a 256 -c SHA256SUMS
\`\`\`

Every file should say \`OK\`. This shows that no file changed after the package was made.

## 2. The full check with Dossier

\`\`\`sh
npx dossier verify --package PACKAGE.zip
\`\`\`

No config file or database is needed. It checks that manifest.json and SHA256SUMS list and match
every file in the package; that each line of ledger.jsonl hashes to its \`hash\`, seq goes up by one,
each prev_hash is the hash of the line before, the first row follows the anchor and the last row is
the head; that every evidence file has the sha256 and size recorded by the ledger row that lists it;
and that every evidence file the ledger lists for the window is in the package. Exit code 0 when
everything matches, 1 otherwise, naming each mismatch.

## 3. What the hash chain proves

Each row's \`hash\` is the sha256 of the row without its \`hash\` field, as canonical JSON (keys
sorted, no whitespace, UTF-8), and the row includes the previous row's hash (\`prev_hash\`). Changing
any row therefore changes the hash of every row after it, up to the head. Evidence hashes are in the
rows that recorded them (\`body.evidence\` of the \`finished\` rows of table \`runs\`).

This package runs unbroken from the anchor to the chain head at export. The package alone cannot
prove that this head is genuine; tie it to records kept outside the package:

- On the server, \`npx dossier verify --package PACKAGE.zip --against-ledger\` checks every ledger row
  of this package against the server's ledger, and \`npx dossier verify\` checks that ledger's whole chain.
- **The daily digest email** carries each day's chain head, keeping it outside the ledger's machine:
  a digest sent after the export carries a head that descends from this one, and the server's rows
  between the two (checked by the step above) link them.

When they match, every row and every evidence file here is exactly what the ledger recorded.

## 4. Recompute the chain without Dossier (Python 3)

\`\`\`python
${PYTHON_RECIPE}\`\`\`

Save it as \`check_ledger.py\` and run \`python3 check_ledger.py <anchor hash>\` in the unpacked
folder; the head it prints should be the head above and in manifest.json.
`;
}

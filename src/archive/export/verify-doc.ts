import type { Locale } from '../../lib/i18n.js';
import type { PackageManifest } from './manifest.js';
import type { PackageData } from './model.js';

/**
 * VERIFY.md: how anyone checks the package, with standard tools first. The Python recipe is the
 * ledger's hash rule written out (rowHash in src/ledger/ledger.ts): canonical JSON is sorted keys,
 * no whitespace, UTF-8, which is what json.dumps(sort_keys, separators, ensure_ascii=False) gives
 * for these rows (string values and one integer). ledger.jsonl starts at the ledger's first row,
 * so the recipe starts from the genesis hash and needs no argument.
 */
export const PYTHON_RECIPE = `import hashlib, json, sys
prev = '0' * 64   # the genesis: the first row of a Dossier ledger follows 64 zeros
for n, line in enumerate(open('ledger.jsonl', encoding='utf-8'), 1):
    row = json.loads(line)
    h = row.pop('hash')
    canon = json.dumps(row, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
    if hashlib.sha256(canon.encode('utf-8')).hexdigest() != h: sys.exit(f'line {n}: content does not match its hash')
    if row['seq'] != n: sys.exit(f'line {n}: seq is {row["seq"]}, not {n} (a row is missing, added or moved)')
    if row['prev_hash'] != prev: sys.exit(f'line {n}: prev_hash does not match the line before')
    prev = h
print('ledger.jsonl OK, head', prev)
`;

export function verifyDoc(locale: Locale, d: PackageData, ledger: PackageManifest['ledger']): string {
  const segment =
    ledger.rows > 0
      ? { zh: `seq 1 至 ${ledger.toSeq}，共 ${ledger.rows} 行（从账本第一行到导出时的链头）`, en: `seq 1 to ${ledger.toSeq}, ${ledger.rows} rows (from the ledger's first row to the chain head at export)` }
      : { zh: '没有行（账本为空）', en: 'no rows (the ledger is empty)' };
  const v = {
    service: `${d.service.name} (${d.service.id})`,
    filing: d.service.filing.number,
    window: `${d.window.from} – ${d.window.to} (${d.timezone})`,
    head: `seq ${ledger.head.seq}: ${ledger.head.hash}${ledger.head.at ? ` (${ledger.head.at})` : ''}`,
  };
  return locale === 'en' ? en(v, segment.en) : zh(v, segment.zh);
}

type Values = { service: string; filing: string; window: string; head: string };

function zh(v: Values, segment: string): string {
  return `# 如何校验本合规档案包

- 服务：${v.service}，备案号 ${v.filing}
- 覆盖期间：${v.window}
- 账本：${segment}
- 链头（导出时账本的最后一行）：${v.head}

## 包内文件

| 文件 | 内容 |
|---|---|
| \`index.html\` | 可直接打开的报告：服务与备案、义务、逐月运营日志（表格与图表）、案件及关闭情况、安全策略更新、投诉处理时限、全部通知 |
| \`evidence/…\` | 覆盖期间内每次检查留存的证据文件，路径与证据库一致：\`<服务>/<检查>/<周期>/<运行号>/<文件>\`；基线确认留存的文件在 \`<服务>/_baselines/…\` |
| \`ledger.jsonl\` | 账本全部行（含哈希），从第一行（seq 1）到导出时的链头，每行一个 JSON 对象，按 seq 递增 |
| \`manifest.json\` | 档案包说明：服务、期间、账本（起止 seq、链头）、证据清单及每个文件的 sha256 与大小 |
| \`SHA256SUMS\` | 除其自身外每个文件的 sha256 |
| \`VERIFY.md\` | 本说明 |

## 一、用标准工具核对文件完整性

\`\`\`sh
unzip 档案包.zip -d package && cd package
sha256sum -c SHA256SUMS          # macOS：shasum -a 256 -c SHA256SUMS
\`\`\`

每个文件都应显示 \`OK\`。这一步只证明文件与 SHA256SUMS 一致：改动文件的人也可以重写 SHA256SUMS，下面两步才把文件与账本对上。

## 二、用 Dossier 做完整校验

\`\`\`sh
npx dossier verify --package 档案包.zip
\`\`\`

不需要配置文件或数据库。它检查：manifest.json 与 SHA256SUMS 是否列出并吻合包内每个文件；
ledger.jsonl 是否从账本第一行（seq 1，prev_hash 为 64 个 0）开始、每一行的哈希能否由其内容重新算出、
seq 是否逐行加一、每行的 prev_hash 是否等于上一行的哈希、最后一行是否就是链头；
每个证据文件的 sha256 与大小是否与账本中记录它的那一行一致；
以及账本行本身要求的证据是否全部在包内：该服务每次检查运行中周期落在覆盖期间内的（以及覆盖期间内的基线确认等事件），
它们记录的每个证据文件都必须在包内。全部一致时退出码为 0，否则为 1，并逐条列出不一致之处。

输出开头会醒目地显示包所声明的**服务与覆盖期间**。这两项写在 manifest.json 中，包本身无法证明，
请与您要求对方提供的核对：覆盖期间被改窄的包，只对改窄后的期间完整。

## 三、账本哈希链能证明什么

每一行的 \`hash\` = sha256（该行去掉 \`hash\` 字段后的规范 JSON：键按字母排序、无空白、UTF-8），
而该行内容包含上一行的哈希（\`prev_hash\`）。因此改动、删除或插入任何一行，都会使它之后所有行的哈希以及链头改变。
证据文件的 sha256 记录在对应检查结果行（\`runs\` 表 \`finished\` 行的 \`body.evidence\`）或事件行中。
本包的账本从账本起点开始，开头的行无法被删去；结尾的行被删去，链头就会不同。

所以，**仅凭本包**可以证明：相对于上面的链头，包内每一行、每个证据文件都与账本记录的一致，且覆盖期间所需的证据齐全。
**链头本身**是否真实，需要与包外留存的记录核对：

- **每日摘要邮件**载有当天的账本链头，把链头留存在服务器之外：导出当天或之后的摘要所载链头应与本链头一致，或是它的后续。
- 在服务器上运行 \`npx dossier verify --package 档案包.zip --against-ledger\`：逐行核对包内账本行与服务器账本完全一致；
  再运行 \`npx dossier verify\` 校验服务器账本的整条哈希链。

## 四、不用 Dossier，自行重算哈希链（Python 3）

\`\`\`python
${PYTHON_RECIPE}\`\`\`

保存为 \`check_ledger.py\`，在解压目录中运行 \`python3 check_ledger.py\`，
输出的链头应与上文及 manifest.json 中的链头一致。
`;
}

function en(v: Values, segment: string): string {
  return `# How to check this review package

- Service: ${v.service}, filing number ${v.filing}
- Window: ${v.window}
- Ledger: ${segment}
- Chain head (the ledger's last row when the package was made): ${v.head}

## What is inside

| file | content |
|---|---|
| \`index.html\` | the report, open it in any browser: service and filing, obligations, safety logs month by month (table and chart), cases and how each was closed, policy freshness, complaint handling times, every notification |
| \`evidence/…\` | every evidence file the checks kept for the window, at its archive path \`<service>/<check>/<period>/<runId>/<file>\`; files kept by a baseline acceptance are under \`<service>/_baselines/…\` |
| \`ledger.jsonl\` | every ledger row with its hash, from the first (seq 1) to the chain head at export, one JSON object per line, seq ascending |
| \`manifest.json\` | what the package is: service, window, ledger (first/last seq, head), the evidence list, and the sha256 and size of each file |
| \`SHA256SUMS\` | the sha256 of every file except itself |
| \`VERIFY.md\` | this file |

## 1. File integrity with standard tools

\`\`\`sh
unzip PACKAGE.zip -d package && cd package
sha256sum -c SHA256SUMS          # macOS: shasum -a 256 -c SHA256SUMS
\`\`\`

Every file should say \`OK\`. This only shows that the files match SHA256SUMS: whoever changes a
file can rewrite SHA256SUMS too. The next two steps tie the files to the ledger.

## 2. The full check with Dossier

\`\`\`sh
npx dossier verify --package PACKAGE.zip
\`\`\`

No config file or database is needed. It checks that manifest.json and SHA256SUMS list and match
every file in the package; that ledger.jsonl starts at the ledger's first row (seq 1, prev_hash of
64 zeros), that each line hashes to its \`hash\`, seq goes up by one, each prev_hash is the hash
of the line before, and the last row is the head; that every evidence file has the sha256 and size
recorded by the ledger row that lists it; and that the evidence the rows themselves call for is all
there: every file listed by a run of the service whose period lies in the window (and by an event of
the window, such as an accepted baseline). Exit code 0 when everything matches, 1 otherwise, naming
each mismatch.

Its output starts with the **service and window** the package states. These are written in
manifest.json and nothing in the package can vouch for them: compare them with what you asked for.
A package whose window was narrowed is only complete for the narrower window.

## 3. What the hash chain proves

Each row's \`hash\` is the sha256 of the row without its \`hash\` field, as canonical JSON (keys
sorted, no whitespace, UTF-8), and the row includes the previous row's hash (\`prev_hash\`). Changing,
removing or inserting any row therefore changes the hash of every row after it, up to the head.
Evidence hashes are in the rows that recorded them (\`body.evidence\` of the \`finished\` rows of table
\`runs\`, or of an event row). The ledger here starts at the ledger's first row, so no row can be cut
from its start; cutting rows from its end changes the head.

So **the package alone** proves that, relative to the chain head above, every row and every evidence
file is what the ledger recorded, and that the evidence the window needs is complete. Whether **the
head itself** is genuine is checked against records kept outside the package:

- **The daily digest email** carries each day's chain head, keeping it outside the ledger's machine:
  a digest sent on or after the day of the export carries this head or one that descends from it.
- On the server, \`npx dossier verify --package PACKAGE.zip --against-ledger\` checks every ledger row
  of this package against the server's ledger, and \`npx dossier verify\` checks that ledger's whole chain.

## 4. Recompute the chain without Dossier (Python 3)

\`\`\`python
${PYTHON_RECIPE}\`\`\`

Save it as \`check_ledger.py\` and run \`python3 check_ledger.py\` in the unpacked folder; the head
it prints should be the head above and in manifest.json.
`;
}

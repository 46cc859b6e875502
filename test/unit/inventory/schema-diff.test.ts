import { describe, expect, it } from 'vitest';
import { diffInventory } from '../../../src/inventory/diff.js';
import { parseInventory, snapshot } from '../../../src/inventory/schema.js';

const filed = `
model: { name: XiaoZhi, version: "2.1", base: Qwen2.5-72B }
features:
  - { id: chat, name: 多轮对话 }
  - { id: doc-qa, name: 文档问答 }
scope: { audiences: [enterprise], regions: [CN], channels: [web, api] }
`;

describe('inventory format', () => {
  it('reads YAML and JSON into the same normalized inventory, whatever the order', () => {
    const yaml = parseInventory(filed, 'baseline.yaml');
    const json = parseInventory(
      JSON.stringify({
        scope: { channels: ['api', 'web', 'web'], regions: ['CN'], audiences: ['enterprise'] },
        features: [{ id: 'doc-qa', name: '文档问答' }, { id: 'chat', name: '多轮对话' }],
        model: { base: 'Qwen2.5-72B', version: '2.1', name: 'XiaoZhi' },
      }),
      'inventory.json',
    );
    expect(snapshot(json)).toEqual(snapshot(yaml));
    expect(diffInventory(yaml, json)).toEqual({ changes: [], narrowed: [] });
  });

  it('reads an unquoted version as text', () => {
    expect(parseInventory('model: { name: X, version: 2.1 }', 'x.yaml').model.version).toBe('2.1');
  });

  it('names every problem with file, line and key path', () => {
    const text = 'model: { name: X, version: "1" }\nfeature:\n  - { id: a, name: A }\n';
    expect(() => parseInventory(text, 'baseline.yaml')).toThrow(/baseline\.yaml:2 feature: unknown key "feature" \(did you mean "features"\?\)/);
    const dup = 'model: { name: X, version: "1" }\nfeatures:\n  - { id: a, name: A }\n  - { id: a, name: B }\n';
    expect(() => parseInventory(dup, 'inv.yaml')).toThrow(/inv\.yaml:4 features\[1\]\.id: "a" is a duplicate feature id/);
    expect(() => parseInventory('features: [', 'inv.yaml')).toThrow(/not valid YAML or JSON/);
    expect(() => parseInventory('features: []', 'inv.yaml')).toThrow(/model: is required/);
  });
});

describe('diffInventory', () => {
  const base = parseInventory(filed, 'baseline.yaml');

  it('finds each kind of change, keyed by subject', () => {
    const now = parseInventory(
      `
model: { name: XiaoZhi, version: "2.2", base: Qwen2.5-72B }
features:
  - { id: chat, name: 多轮对话（增强版） }
  - { id: image-gen, name: 文生图 }
scope: { audiences: [enterprise], regions: [CN, HK], channels: [app, web] }
`,
      'inventory.yaml',
    );
    const { changes, narrowed } = diffInventory(base, now);
    expect(changes.map((c) => [c.code, c.subject, c.publicFacing])).toEqual([
      ['feature-changed', 'feature:chat', false],
      ['feature-added', 'feature:image-gen', false],
      ['feature-removed', 'feature:doc-qa', false],
      ['model-changed', 'model', false],
      ['scope-expanded', 'scope:regions:HK', false],
      ['scope-expanded', 'scope:channels:app', false],
    ]);
    expect(narrowed).toEqual([{ dimension: 'channels', value: 'api' }]);
    expect(changes[0]).toMatchObject({ before: { name: '多轮对话' }, after: { name: '多轮对话（增强版）' } });
  });

  it('marks a new feature that reaches the public, and a new public audience', () => {
    const toPublic = parseInventory(`${filed.replace('[enterprise]', '[enterprise, public]')}`, 'i.yaml');
    const withFeature = parseInventory(`${filed}\n`.replace('  - { id: doc-qa, name: 文档问答 }', '  - { id: doc-qa, name: 文档问答 }\n  - { id: tts, name: 语音播报, audiences: [public] }'), 'i.yaml');
    expect(diffInventory(base, toPublic).changes).toEqual([
      { code: 'scope-expanded', subject: 'scope:audiences:public', after: { dimension: 'audiences', value: 'public' }, publicFacing: true },
    ]);
    expect(diffInventory(base, withFeature).changes.map((c) => [c.code, c.publicFacing])).toEqual([['feature-added', true]]);
  });

  it('marks an existing feature opened to the public, and only then', () => {
    const opened = parseInventory(filed.replace('{ id: doc-qa, name: 文档问答 }', '{ id: doc-qa, name: 文档问答, audiences: [enterprise, consumer] }'), 'i.yaml');
    expect(diffInventory(base, opened).changes.map((c) => [c.code, c.subject, c.publicFacing])).toEqual([['feature-changed', 'feature:doc-qa', true]]);
    // Narrowed to one audience, or renamed while already public: no new assessment.
    const narrowed = parseInventory(filed.replace('{ id: doc-qa, name: 文档问答 }', '{ id: doc-qa, name: 文档问答, audiences: [partners] }'), 'i.yaml');
    expect(diffInventory(base, narrowed).changes.map((c) => c.publicFacing)).toEqual([false]);
    const renamed = parseInventory(filed.replace('{ id: doc-qa, name: 文档问答 }', '{ id: doc-qa, name: 文档问答 2, audiences: [consumer] }'), 'i.yaml');
    expect(diffInventory(opened, renamed).changes.map((c) => [c.code, c.publicFacing])).toEqual([['feature-changed', false]]);
  });
});

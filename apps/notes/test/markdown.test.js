'use strict';
// Unit tests for public/markdown.js, run in Node against a tiny fake DOM that
// records exactly which elements and properties the renderer creates.

const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

class FakeText {
  constructor(data) {
    this.data = data;
  }

  get textContent() {
    return this.data;
  }
}

class FakeNode {
  constructor() {
    this.childNodes = [];
  }

  append(...nodes) {
    for (const n of nodes) this.childNodes.push(typeof n === 'string' ? new FakeText(n) : n);
  }

  get textContent() {
    return this.childNodes.map((c) => c.textContent).join('');
  }

  set textContent(value) {
    this.childNodes = [new FakeText(String(value))];
  }
}

const PROPS = ['className', 'href', 'target', 'rel', 'type', 'checked', 'disabled', 'start'];

class FakeElement extends FakeNode {
  constructor(tag) {
    super();
    this.tagName = tag.toLowerCase();
    this.attributes = {};
    this.listeners = {};
  }

  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }

  addEventListener(type, fn) {
    this.listeners[type] = fn;
  }
}

const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Serializes the fake tree as HTML, escaping text the way a browser would. */
function html(node) {
  if (node instanceof FakeText) return escapeText(node.data);
  const inner = node.childNodes.map(html).join('');
  if (!(node instanceof FakeElement)) return inner;
  const attrs = PROPS.filter((p) => node[p] !== undefined && node[p] !== false && node[p] !== '')
    .map((p) => (node[p] === true ? ` ${p}` : ` ${p}="${node[p]}"`))
    .join('');
  return `<${node.tagName}${attrs}>${inner}</${node.tagName}>`;
}

function allElements(node, out = []) {
  for (const c of node.childNodes) {
    if (c instanceof FakeElement) {
      out.push(c);
      allElements(c, out);
    }
  }
  return out;
}

let md;
before(async () => {
  globalThis.document = {
    baseURI: 'https://grain-abc.example/',
    createElement: (tag) => new FakeElement(tag),
    createDocumentFragment: () => new FakeNode(),
  };
  globalThis.location = { origin: 'https://grain-abc.example' };
  // The browser module is ESM; load it as such regardless of the folder's module type.
  const source = fs.readFileSync(path.join(__dirname, '..', 'public', 'markdown.js'), 'utf8');
  md = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
});

const render = (text, opts) => html(md.renderMarkdown(text, opts));

describe('markdown renderer', () => {
  it('never turns note text into markup', () => {
    const hostile = '<script>alert(1)</script> <img src=x onerror=alert(2)> "><b>x</b>';
    const fragment = md.renderMarkdown(hostile);
    const tags = allElements(fragment).map((e) => e.tagName);
    assert.deepEqual(tags, ['p']);
    assert.equal(fragment.textContent, hostile);
  });

  it('renders headings, emphasis, code and strikethrough', () => {
    assert.equal(render('# Title'), '<h1>Title</h1>');
    assert.equal(render('### Three ###'), '<h3>Three</h3>');
    assert.equal(
      render('**bold** *it* _it2_ ~~gone~~ `a*b*c`'),
      '<p><strong>bold</strong> <em>it</em> <em>it2</em> <del>gone</del> <code>a*b*c</code></p>',
    );
    assert.equal(render('snake_case_name stays'), '<p>snake_case_name stays</p>');
    assert.equal(render('2 * 3 * 4'), '<p>2 * 3 * 4</p>');
  });

  it('keeps single newlines as line breaks and blank lines as paragraphs', () => {
    assert.equal(render('a\nb\n\nc'), '<p>a<br></br>b</p><p>c</p>');
  });

  it('renders fenced code verbatim', () => {
    assert.equal(render('```js\nconst x = **1**; <b>\n```\nafter'), '<pre><code>const x = **1**; &lt;b&gt;</code></pre><p>after</p>');
  });

  it('renders nested, ordered and task lists', () => {
    assert.equal(
      render('- a\n  - a1\n- b\n\n3. three\n4. four'),
      '<ul><li>a<ul><li>a1</li></ul></li><li>b</li></ul><ol start="3"><li>three</li><li>four</li></ol>',
    );
    const toggles = [];
    const fragment = md.renderMarkdown('intro\n\n- [ ] todo\n- [x] done', { onToggleTask: (line, checked) => toggles.push([line, checked]) });
    const boxes = allElements(fragment).filter((e) => e.tagName === 'input');
    assert.equal(boxes.length, 2);
    assert.equal(boxes[0].checked, false);
    assert.equal(boxes[1].checked, true);
    boxes[0].checked = true;
    boxes[0].listeners.change();
    assert.deepEqual(toggles, [[2, true]], 'reports the source line of the task');
    const readOnly = allElements(md.renderMarkdown('- [ ] x')).find((e) => e.tagName === 'input');
    assert.equal(readOnly.disabled, true);
  });

  it('renders quotes and rules', () => {
    assert.equal(render('> quoted\n> **more**\n\n---'), '<blockquote><p>quoted<br></br><strong>more</strong></p></blockquote><hr></hr>');
  });

  it('links only safe URLs and opens external ones in a new tab', () => {
    assert.equal(
      render('[site](https://example.com/a?b=1)'),
      '<p><a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer">site</a></p>',
    );
    assert.equal(render('see https://example.com/x.'), '<p>see <a href="https://example.com/x" target="_blank" rel="noopener noreferrer">https://example.com/x</a>.</p>');
    assert.equal(render('[other note](#/abc123)'), '<p><a href="https://grain-abc.example/#/abc123">other note</a></p>');
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>', 'vbscript:x']) {
      const fragment = md.renderMarkdown(`[click](${bad})`);
      assert.equal(allElements(fragment).filter((e) => e.tagName === 'a').length, 0, bad);
    }
  });

  it('formats link labels without nesting links', () => {
    assert.equal(
      render('[**bold** https://inner.example](https://outer.example)'),
      '<p><a href="https://outer.example/" target="_blank" rel="noopener noreferrer"><strong>bold</strong> https://inner.example</a></p>',
    );
  });

  it('makes plain one-line snippets for the list', () => {
    assert.equal(md.plainSnippet('# Heading\n- [ ] **task** one\n\n> [link](https://x.y) `code`'), 'Heading task one link code');
    assert.equal(md.plainSnippet('```\ncode\n```'), 'code');
    assert.equal(md.plainSnippet('x'.repeat(300)).length, 140);
  });
});

// Renders the Markdown subset notes use into DOM nodes.
//
// Security: output is built only with createElement / text nodes, never
// innerHTML, so nothing in a note can become markup or script. Links are
// limited to http(s) and mailto (relative links, such as "#/<note id>",
// resolve against the page and so stay inside the grain).
//
// Supported: # headings, paragraphs (single newlines are kept as line breaks,
// as people expect in notes), **bold**, *italic* / _italic_, ~~strike~~,
// `code`, ``` fenced code ```, > quotes, - / * / 1. lists (nested by
// indentation), - [ ] task lists, --- rules, [links](url) and bare URLs.

const FENCE_RE = /^\s*(```|~~~)/;
const HEADING_RE = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE_RE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const QUOTE_RE = /^\s*>/;
const LIST_RE = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TASK_RE = /^\[([ xX])\]\s+(.*)$/;

// One alternation, so the leftmost construct in the text wins.
// Groups: 1 code, 2 bold, 3 strike, 4 *em*, 5 _em_, 6-7 [text](url), 8 bare URL.
const INLINE_RE = new RegExp([
  /`([^`\n]+)`/.source,
  /\*\*(?=\S)(.*?\S)\*\*/.source,
  /~~(?=\S)(.*?\S)~~/.source,
  /\*(?=[^\s*])(.*?[^\s*])\*/.source,
  /(?<!\w)_(?=\S)(.*?\S)_(?!\w)/.source,
  /\[([^\]\n]+)\]\(([^()\s]+)\)/.source,
  /(https?:\/\/[^\s<>"'`]*[^\s<>"'`.,;:!?)\]}])/.source,
].join('|'));

function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

function isBlockStart(line) {
  return FENCE_RE.test(line) || HEADING_RE.test(line) || RULE_RE.test(line) ||
    QUOTE_RE.test(line) || LIST_RE.test(line);
}

/** Returns the URL if the link is safe to follow (http, https, mailto), else null. */
function safeUrl(raw) {
  try {
    const url = new URL(raw, document.baseURI);
    if (['http:', 'https:', 'mailto:'].includes(url.protocol)) return url;
  } catch {
    // not a URL
  }
  return null;
}

function link(parent, href, label) {
  const url = safeUrl(href);
  if (!url) {
    parent.append(label === href ? label : `[${label}](${href})`);
    return;
  }
  const a = el('a');
  a.href = url.href;
  if (url.origin !== location.origin) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  // Links can't nest, and a bare URL's label is the URL itself: format the
  // label without looking for links again.
  appendInline(a, label, { links: false });
  parent.append(a);
}

export function appendInline(parent, text, { links = true } = {}) {
  let rest = text;
  while (rest) {
    const m = INLINE_RE.exec(rest);
    if (!m) {
      parent.append(rest);
      return;
    }
    if (!links && (m[6] !== undefined || m[8] !== undefined)) {
      // Inside a link: keep link syntax as text, but still format what follows.
      parent.append(rest.slice(0, m.index + m[0].length));
      rest = rest.slice(m.index + m[0].length);
      continue;
    }
    if (m.index > 0) parent.append(rest.slice(0, m.index));
    if (m[1] !== undefined) {
      const code = el('code');
      code.textContent = m[1];
      parent.append(code);
    } else if (m[2] !== undefined) {
      const strong = el('strong');
      appendInline(strong, m[2], { links });
      parent.append(strong);
    } else if (m[3] !== undefined) {
      const del = el('del');
      appendInline(del, m[3], { links });
      parent.append(del);
    } else if (m[4] !== undefined || m[5] !== undefined) {
      const em = el('em');
      appendInline(em, m[4] ?? m[5], { links });
      parent.append(em);
    } else if (m[6] !== undefined) {
      link(parent, m[7], m[6]);
    } else {
      link(parent, m[8], m[8]);
    }
    rest = rest.slice(m.index + m[0].length);
  }
}

/**
 * Parses a run of list items starting at lines[i]; returns the index after it.
 * Lists nest by indentation. Task items get a checkbox; when `onToggleTask`
 * is given, ticking it calls onToggleTask(lineIndex, checked) so the editor
 * can update the text, otherwise the checkbox is read-only.
 */
function parseList(lines, start, out, onToggleTask, lineOffset) {
  const stack = []; // { indent, list, ordered, lastItem }
  let i = start;
  while (i < lines.length) {
    const m = LIST_RE.exec(lines[i]);
    if (!m) {
      // An indented line right after an item continues that item.
      if (stack.length && /^\s{2,}\S/.test(lines[i]) && !isBlockStart(lines[i])) {
        const item = stack[stack.length - 1].lastItem;
        item.append(el('br'));
        appendInline(item, lines[i].trim());
        i++;
        continue;
      }
      break;
    }
    const indent = m[1].replace(/\t/g, '    ').length;
    const ordered = /\d/.test(m[2]);
    while (stack.length > 1 && indent < stack[stack.length - 1].indent) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || indent > top.indent + 1 || top.ordered !== ordered) {
      const list = el(ordered ? 'ol' : 'ul');
      if (ordered && Number.parseInt(m[2], 10) !== 1) list.start = Number.parseInt(m[2], 10);
      const nested = top && indent > top.indent + 1;
      if (nested) {
        top.lastItem.append(list);
      } else {
        if (top) stack.pop(); // same level, different list type: start a sibling list
        const parent = stack.length ? stack[stack.length - 1].lastItem : out;
        parent.append(list);
      }
      top = { indent, list, ordered, lastItem: null };
      stack.push(top);
    }
    const item = el('li');
    const task = TASK_RE.exec(m[3]);
    if (task) {
      item.className = 'task';
      const box = el('input');
      box.type = 'checkbox';
      box.checked = task[1] !== ' ';
      const lineIndex = lineOffset + i;
      if (onToggleTask) {
        box.addEventListener('change', () => onToggleTask(lineIndex, box.checked));
      } else {
        box.disabled = true;
      }
      const label = el('span');
      appendInline(label, task[2]);
      if (box.checked) label.className = 'done';
      box.setAttribute('aria-label', label.textContent);
      item.append(box, label);
    } else {
      appendInline(item, m[3]);
    }
    top.list.append(item);
    top.lastItem = item;
    i++;
  }
  return i;
}

function renderBlocks(lines, out, onToggleTask, lineOffset) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (!line.trim()) {
      i++;
    } else if ((m = FENCE_RE.exec(line))) {
      const code = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(m[1])) code.push(lines[i++]);
      i++; // closing fence (or end of text)
      const pre = el('pre');
      const c = el('code');
      c.textContent = code.join('\n');
      pre.append(c);
      out.append(pre);
    } else if ((m = HEADING_RE.exec(line))) {
      const h = el(`h${m[1].length}`);
      appendInline(h, m[2]);
      out.append(h);
      i++;
    } else if (RULE_RE.test(line)) {
      out.append(el('hr'));
      i++;
    } else if (QUOTE_RE.test(line)) {
      const inner = [];
      while (i < lines.length && QUOTE_RE.test(lines[i])) inner.push(lines[i++].replace(/^\s*> ?/, ''));
      const quote = el('blockquote');
      renderBlocks(inner, quote, null, 0); // tasks inside quotes stay read-only
      out.append(quote);
    } else if (LIST_RE.test(line)) {
      i = parseList(lines, i, out, onToggleTask, lineOffset);
    } else {
      const p = el('p');
      let first = true;
      while (i < lines.length && lines[i].trim() && !isBlockStart(lines[i])) {
        if (!first) p.append(el('br'));
        appendInline(p, lines[i++]);
        first = false;
      }
      out.append(p);
    }
  }
}

/** Renders `text` and returns a DocumentFragment. */
export function renderMarkdown(text, { onToggleTask = null } = {}) {
  const fragment = document.createDocumentFragment();
  renderBlocks(text.split('\n'), fragment, onToggleTask, 0);
  return fragment;
}

/** A one-line plain-text summary of a note body for the list. */
export function plainSnippet(text, max = 140) {
  const out = [];
  let length = 0;
  for (const raw of text.split('\n')) {
    if (FENCE_RE.test(raw) || RULE_RE.test(raw)) continue;
    const line = raw
      .replace(/^\s*(#{1,6}\s+|>\s?|(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)/, '')
      .replace(/\*\*|~~|`|(?<!\w)_|_(?!\w)|\*/g, '')
      .replace(/\[([^\]\n]+)\]\([^()\s]+\)/g, '$1')
      .trim();
    if (!line) continue;
    out.push(line);
    length += line.length + 1;
    if (length >= max) break;
  }
  const joined = out.join(' ');
  return joined.length > max ? `${joined.slice(0, max - 1).trimEnd()}…` : joined;
}

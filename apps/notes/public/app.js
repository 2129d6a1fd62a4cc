// Outpost Notes: browser side.
//
// Plain DOM, no framework. Every piece of user-controlled text reaches the
// page through textContent / text nodes (never innerHTML).
//
// Data flow: the server is the source of truth. The client loads all notes,
// edits one at a time with autosave, and reloads the list whenever the
// WebSocket says something changed. Saves carry the note's `rev`, so an edit
// made on top of an outdated copy is refused (409) instead of silently
// overwriting someone else's change; the user then picks which version wins.
//
// Routing: the open note lives in the URL hash (#/<id>, #/new), so the
// browser's Back button returns to the list on phones.

import { renderMarkdown, plainSnippet } from './markdown.js';

const AUTOSAVE_MS = 700;
const LIST_PAGE = 300; // notes rendered before "Show all" (keeps huge notebooks snappy)
const IMPORT_MAX_BYTES = 40 * 1024 * 1024; // matches the server's limit

const $ = (id) => document.getElementById(id);
const ui = {
  layout: $('layout'),
  whoami: $('whoami'),
  readonly: $('readonly-badge'),
  live: $('live-status'),
  liveLabel: $('live-label'),
  search: $('search'),
  newNote: $('new-note'),
  summary: $('list-summary'),
  list: $('note-list'),
  importButton: $('import-button'),
  importFile: $('import-file'),
  loading: $('loading'),
  empty: $('empty-state'),
  emptyTitle: $('empty-title'),
  emptySub: $('empty-sub'),
  emptyNew: $('empty-new'),
  editor: $('editor'),
  back: $('back'),
  status: $('save-status'),
  modeSwitch: $('mode-switch'),
  modeEdit: $('mode-edit'),
  modePreview: $('mode-preview'),
  deleteNote: $('delete-note'),
  conflict: $('conflict'),
  conflictText: $('conflict-text'),
  conflictTheirs: $('conflict-theirs'),
  conflictMine: $('conflict-mine'),
  title: $('title'),
  body: $('body'),
  preview: $('preview'),
  meta: $('meta'),
  toast: $('toast'),
  askDialog: $('ask-dialog'),
  askText: $('ask-text'),
  askConfirm: $('ask-confirm'),
  helpButton: $('help-button'),
  helpDialog: $('help-dialog'),
};

const state = {
  me: null,
  canEdit: false,
  loaded: false,
  notes: [], // newest first, as served
  query: '',
  showAll: false,
  mode: 'edit', // or 'preview'
  /**
   * The open note, or null.
   * { id (null for an unsaved new note), rev, title, body, createdAt,
   *   author, updatedAt, updatedBy, dirty, saving, inflight, failed, conflict }
   * conflict: null | { note } (someone saved a newer version) | { deleted: true }
   */
  editor: null,
};

// ---- server API -------------------------------------------------------------

class ApiError extends Error {
  constructor(message, status, data) {
    super(message);
    this.status = status;
    this.data = data;
  }
}

/** Relative URLs throughout: the grain is served from its own origin's root. */
async function api(method, url, body, { rawBody = false } = {}) {
  const init = { method, headers: {}, cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = rawBody ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError('The notebook isn’t reachable right now', 0);
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    // not JSON (e.g. a proxy error page)
  }
  if (!res.ok) {
    // No JSON error body means the app itself didn't answer (e.g. the proxy
    // couldn't reach a restarting grain).
    const fallback = res.status >= 502 ? `The notebook isn’t reachable right now (HTTP ${res.status})` : `Request failed (HTTP ${res.status})`;
    throw new ApiError((data && data.error) || fallback, res.status, data);
  }
  return data;
}

const noteUrl = (id) => `api/notes/${encodeURIComponent(id)}`;

// ---- small helpers ------------------------------------------------------------

function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('aria-') || key === 'role' || key === 'tabindex') node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function relativeTime(iso) {
  const then = new Date(iso);
  const seconds = (then.getTime() - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return relativeFormat.format(Math.round(seconds / 86400), 'day');
  return dateFormat.format(then);
}

function timeElement(iso) {
  return h('time', { dateTime: iso, title: dateTimeFormat.format(new Date(iso)) }, relativeTime(iso));
}

const displayTitle = (title) => title.trim() || 'Untitled';
const isNarrow = () => window.matchMedia('(max-width: 720px)').matches;

let toastTimer = 0;
function toast(message, kind = 'info') {
  ui.toast.textContent = message;
  ui.toast.dataset.kind = kind;
  ui.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { ui.toast.hidden = true; }, kind === 'error' ? 6000 : 3500);
}

/** A promise-based confirm() on a <dialog> (native confirm() may be blocked in a sandboxed frame). */
function ask(message, confirmLabel, { danger = false } = {}) {
  return new Promise((resolve) => {
    ui.askText.textContent = message;
    ui.askConfirm.textContent = confirmLabel;
    ui.askConfirm.classList.toggle('danger', danger);
    ui.askDialog.returnValue = '';
    ui.askDialog.addEventListener('close', () => resolve(ui.askDialog.returnValue === 'confirm'), { once: true });
    ui.askDialog.showModal();
    ui.askConfirm.focus();
  });
}

// Searching is case-insensitive over title and body; cache the lowercase text
// per note object (notes are replaced, never mutated, so this stays valid).
const haystacks = new WeakMap();
function matches(note, terms) {
  if (!terms.length) return true;
  let text = haystacks.get(note);
  if (text === undefined) {
    text = `${note.title}\n${note.body}`.toLocaleLowerCase();
    haystacks.set(note, text);
  }
  return terms.every((t) => text.includes(t));
}

// ---- identity -----------------------------------------------------------------

function renderIdentity() {
  const me = state.me;
  ui.whoami.replaceChildren();
  if (me.userId) {
    ui.whoami.append(
      h('span', { class: 'whoami-prefix' }, 'Signed in as '),
      h('strong', {}, me.userName || 'unnamed user'),
    );
  } else {
    ui.whoami.append('Not signed in');
  }
  ui.readonly.hidden = state.canEdit;
  for (const node of document.querySelectorAll('[data-edit-only]')) node.hidden = !state.canEdit;
  ui.title.readOnly = !state.canEdit;
  ui.body.readOnly = !state.canEdit;
}

// ---- note list ------------------------------------------------------------------

function visibleNotes() {
  const terms = state.query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  return state.notes.filter((n) => matches(n, terms));
}

function renderList() {
  const notes = visibleNotes();
  const openId = state.editor && state.editor.id;
  const limit = state.showAll ? notes.length : Math.min(notes.length, LIST_PAGE);
  // Keep keyboard focus on the same note across re-renders (live updates
  // re-render the list while someone may be arrowing through it).
  const focusedId = ui.list.contains(document.activeElement) ? document.activeElement.dataset.id : null;

  const items = [];
  for (let i = 0; i < limit; i++) {
    const note = notes[i];
    const snippet = plainSnippet(note.body);
    const current = note.id === openId;
    const by = note.updatedBy ? ` · ${note.updatedBy}` : '';
    items.push(h('li', {},
      h('button', {
        type: 'button',
        class: 'note-item',
        dataset: { id: note.id },
        'aria-current': current ? 'true' : 'false',
        tabindex: '-1',
      },
      h('span', { class: note.title.trim() ? 'note-title' : 'note-title untitled' }, displayTitle(note.title)),
      h('span', { class: 'note-snippet' }, snippet || 'No additional text'),
      h('span', { class: 'note-meta' }, timeElement(note.updatedAt), by)),
    ));
  }
  if (limit < notes.length) {
    items.push(h('li', {}, h('button', {
      type: 'button',
      class: 'button list-more',
      onclick: () => { state.showAll = true; renderList(); },
    }, `Show all ${notes.length} notes`)));
  }
  ui.list.replaceChildren(...items);

  // Roving tabindex: the list is one tab stop; arrow keys move inside it.
  const buttons = ui.list.querySelectorAll('.note-item');
  const tabStop = [...buttons].find((b) => b.dataset.id === (focusedId || openId)) || buttons[0];
  if (tabStop) tabStop.tabIndex = 0;
  if (focusedId && tabStop && tabStop.dataset.id === focusedId) tabStop.focus({ preventScroll: true });

  const total = state.notes.length;
  if (!state.loaded) ui.summary.textContent = '';
  else if (state.query) ui.summary.textContent = `${notes.length} of ${total} ${total === 1 ? 'note' : 'notes'} match`;
  else ui.summary.textContent = `${total} ${total === 1 ? 'note' : 'notes'}`;
}

function listButton(id) {
  return [...ui.list.querySelectorAll('.note-item')].find((b) => b.dataset.id === id) || null;
}

function focusListItem(id) {
  const button = (id && listButton(id)) || ui.list.querySelector('.note-item');
  if (button) {
    button.focus();
    button.scrollIntoView({ block: 'nearest' });
  } else {
    ui.search.focus();
  }
}

// ---- editor ---------------------------------------------------------------------

function editorFromNote(note) {
  return {
    id: note.id,
    rev: note.rev,
    title: note.title,
    body: note.body,
    createdAt: note.createdAt,
    author: note.author,
    updatedAt: note.updatedAt,
    updatedBy: note.updatedBy,
    dirty: false,
    saving: false,
    inflight: null,
    failed: false,
    conflict: null,
  };
}

function newDraft() {
  return { ...editorFromNote({ id: null, rev: 0, title: '', body: '', createdAt: null, author: null, updatedAt: null, updatedBy: null }) };
}

/** Puts the editor's text into the inputs (only when (re)loading a note, so typing isn't disturbed). */
function fillEditor({ keepCaret = false } = {}) {
  const ed = state.editor;
  const { selectionStart, selectionEnd } = ui.body;
  ui.title.value = ed.title;
  fitTitle();
  ui.body.value = ed.body;
  if (keepCaret && document.activeElement === ui.body) {
    ui.body.setSelectionRange(Math.min(selectionStart, ed.body.length), Math.min(selectionEnd, ed.body.length));
  }
  if (state.mode === 'preview' || !state.canEdit) renderPreview();
}

/** Grows the title box to fit its text (it wraps instead of scrolling sideways). */
function fitTitle() {
  ui.title.style.height = 'auto';
  ui.title.style.height = `${ui.title.scrollHeight}px`;
}

function renderPreview() {
  const ed = state.editor;
  if (!ed) return;
  const fragment = renderMarkdown(ed.body, { onToggleTask: state.canEdit ? toggleTask : null });
  if (!fragment.childNodes.length) {
    ui.preview.replaceChildren(h('p', { class: 'preview-empty' }, 'This note is empty.'));
  } else {
    ui.preview.replaceChildren(fragment);
  }
}

function statusText(ed) {
  if (!state.canEdit) return ['', 'Read-only'];
  if (ed.conflict) return ['error', 'Not saved'];
  if (ed.saving) return ['', 'Saving…'];
  if (ed.failed) return ['error', 'Not saved'];
  if (ed.dirty) return ['', 'Edited'];
  if (!ed.id) return ['', 'New note'];
  return ['', 'Saved'];
}

function renderStatus() {
  const ed = state.editor;
  if (!ed) return;
  const [kind, text] = statusText(ed);
  ui.status.dataset.state = kind;
  ui.status.textContent = text;
}

function renderMeta() {
  const ed = state.editor;
  ui.meta.replaceChildren();
  if (!ed.id) {
    ui.meta.append(state.canEdit ? 'Your note is saved automatically as you type.' : '');
    return;
  }
  ui.meta.append(`Created by ${ed.author || 'unknown'} `, timeElement(ed.createdAt));
  if (ed.updatedAt !== ed.createdAt) {
    ui.meta.append(` · Last edited by ${ed.updatedBy || 'unknown'} `, timeElement(ed.updatedAt));
  }
}

function renderConflict() {
  const ed = state.editor;
  const conflict = ed && ed.conflict;
  ui.conflict.hidden = !conflict;
  if (!conflict) return;
  if (conflict.deleted) {
    ui.conflictText.textContent = 'Someone deleted this note while you were editing it. Your changes are not saved.';
    ui.conflictTheirs.textContent = 'Discard my changes';
    ui.conflictMine.textContent = 'Save as a new note';
  } else {
    const who = conflict.note.updatedBy || 'Someone';
    ui.conflictText.textContent = `${who} changed this note while you were editing it. Your changes are not saved.`;
    ui.conflictTheirs.textContent = 'Use their version';
    ui.conflictMine.textContent = 'Keep mine';
  }
}

function renderMode() {
  const preview = state.mode === 'preview' || !state.canEdit;
  ui.body.hidden = preview;
  ui.preview.hidden = !preview;
  ui.modeEdit.setAttribute('aria-pressed', String(!preview));
  ui.modePreview.setAttribute('aria-pressed', String(preview));
  if (preview) renderPreview();
}

function renderEmpty() {
  const hasNotes = state.notes.length > 0;
  if (!hasNotes) {
    ui.emptyTitle.textContent = state.canEdit ? 'No notes yet' : 'This notebook is empty';
    ui.emptySub.textContent = state.canEdit
      ? 'Notes are saved automatically and everyone with access sees changes live.'
      : 'Notes will appear here as soon as someone writes one.';
  } else {
    ui.emptyTitle.textContent = 'Select a note';
    ui.emptySub.textContent = state.canEdit ? 'Or start a new one. Press N anytime.' : 'Pick a note from the list to read it.';
  }
  ui.emptyNew.hidden = !state.canEdit;
}

/** Shows the editor or the empty state to match `state`. */
function renderPane() {
  const ed = state.editor;
  ui.loading.hidden = state.loaded;
  ui.layout.classList.toggle('has-editor', Boolean(ed));
  ui.editor.hidden = !ed;
  ui.empty.hidden = !state.loaded || Boolean(ed);
  if (!ed) {
    renderEmpty();
    return;
  }
  ui.deleteNote.hidden = !state.canEdit;
  renderStatus();
  renderMeta();
  renderConflict();
  renderMode();
  fitTitle(); // measurable only now that the editor is visible
}

function openEditor(ed, { focus = null } = {}) {
  state.editor = ed;
  if (!state.canEdit) state.mode = 'preview';
  else if (!ed.id) state.mode = 'edit';
  fillEditor();
  renderPane();
  renderList();
  ui.editor.querySelector('.editor-scroll').scrollTop = 0;
  if (focus === 'title') ui.title.focus();
  else if (focus === 'body') (state.mode === 'edit' && state.canEdit ? ui.body : ui.title).focus();
}

// ---- saving -------------------------------------------------------------------------

let saveTimer = 0;

function scheduleSave() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => save(), AUTOSAVE_MS);
}

function markDirty() {
  const ed = state.editor;
  if (!ed || !state.canEdit) return;
  ed.dirty = true;
  ed.failed = false;
  renderStatus();
  if (!ed.conflict) scheduleSave();
}

/** Saves the open note if it has changes. Resolves when that save is done. */
function save() {
  clearTimeout(saveTimer);
  const ed = state.editor;
  if (!ed || !state.canEdit) return Promise.resolve();
  if (ed.saving) return ed.inflight;
  if (!ed.dirty || ed.conflict) return Promise.resolve();
  if (!ed.id && !ed.title.trim() && !ed.body.trim()) {
    ed.dirty = false; // an untouched new note is never created
    renderStatus();
    return Promise.resolve();
  }

  ed.saving = true;
  ed.dirty = false; // typing during the request sets it again
  renderStatus();
  const payload = { title: ed.title, body: ed.body };
  ed.inflight = (async () => {
    try {
      const note = ed.id
        ? await api('PUT', noteUrl(ed.id), { ...payload, rev: ed.rev })
        : await api('POST', 'api/notes', payload);
      const created = !ed.id;
      Object.assign(ed, {
        id: note.id,
        rev: note.rev,
        createdAt: note.createdAt,
        author: note.author,
        updatedAt: note.updatedAt,
        updatedBy: note.updatedBy,
      });
      upsertNote(note);
      if (created && state.editor === ed) history.replaceState(history.state, '', `#/${note.id}`);
    } catch (err) {
      ed.dirty = true;
      if (err.status === 409 && err.data && err.data.note) {
        ed.conflict = { note: err.data.note };
      } else if (err.status === 404) {
        ed.conflict = { deleted: true };
      } else {
        ed.failed = true;
        // Unreachable server: saving resumes by itself once the live connection is back.
        const retrying = err.status === 0 || err.status >= 502;
        toast(`Couldn’t save: ${err.message}.${retrying ? ' Your changes will be saved when it’s back.' : ''}`, 'error');
      }
    } finally {
      ed.saving = false;
      ed.inflight = null;
      if (state.editor === ed) {
        renderStatus();
        renderMeta();
        renderConflict();
      }
      renderList();
    }
    // More typing arrived while saving: save again soon.
    if (ed.dirty && !ed.failed && !ed.conflict && state.editor === ed) scheduleSave();
  })();
  return ed.inflight;
}

/** Saves everything pending. Returns false if unsaved changes remain. */
async function flush() {
  const ed = state.editor;
  if (!ed) return true;
  while (ed.saving || (ed.dirty && !ed.failed && !ed.conflict)) {
    await save();
    if (!ed.id && !ed.title.trim() && !ed.body.trim()) break;
  }
  return !ed.dirty;
}

function upsertNote(note) {
  const index = state.notes.findIndex((n) => n.id === note.id);
  if (index !== -1) state.notes.splice(index, 1);
  state.notes.unshift(note); // it was just updated, so it is the newest
}

function resolveConflict(keepMine) {
  const ed = state.editor;
  if (!ed || !ed.conflict) return;
  const { conflict } = ed;
  ed.conflict = null;
  if (conflict.deleted) {
    if (keepMine) {
      // Save the text as a brand-new note.
      ed.id = null;
      ed.rev = 0;
      ed.dirty = true;
      history.replaceState(history.state, '', '#/new');
      save();
    } else {
      closeEditor();
      toast('Changes discarded');
      return;
    }
  } else if (keepMine) {
    ed.rev = conflict.note.rev; // overwrite on top of their version
    ed.dirty = true;
    save();
  } else {
    state.editor = editorFromNote(conflict.note);
    fillEditor();
  }
  renderPane();
}

function toggleTask(lineIndex, checked) {
  const ed = state.editor;
  if (!ed || !state.canEdit) return;
  // Re-rendering replaces the checkboxes; remember which one had focus.
  const boxes = [...ui.preview.querySelectorAll('input[type=checkbox]')];
  const focused = boxes.indexOf(document.activeElement);
  const lines = ed.body.split('\n');
  lines[lineIndex] = lines[lineIndex].replace(
    /^(\s*(?:[-*+]|\d{1,9}[.)])\s+)\[[ xX]\]/,
    `$1[${checked ? 'x' : ' '}]`,
  );
  ed.body = lines.join('\n');
  ui.body.value = ed.body;
  renderPreview();
  if (focused !== -1) ui.preview.querySelectorAll('input[type=checkbox]')[focused]?.focus();
  markDirty();
}

// ---- loading & live updates --------------------------------------------------------------

let loadSeq = 0;

async function loadNotes() {
  const seq = ++loadSeq;
  const data = await api('GET', 'api/notes');
  if (seq !== loadSeq) return; // a newer load already finished
  // A save that finished while this request was in flight may be newer than
  // what the server sent; keep the newer copy of each note.
  const known = new Map(state.notes.map((n) => [n.id, n]));
  state.notes = data.notes.map((n) => {
    const mine = known.get(n.id);
    return mine && mine.rev > n.rev ? mine : n;
  });
  state.loaded = true;
  reconcileEditor();
  renderList();
  renderPane();
}

/** After a reload, bring the open note up to date without clobbering unsaved typing. */
function reconcileEditor() {
  const ed = state.editor;
  if (!ed || !ed.id || ed.saving || ed.conflict) return;
  const latest = state.notes.find((n) => n.id === ed.id);
  if (!latest) {
    if (ed.dirty) {
      ed.conflict = { deleted: true };
    } else {
      history.replaceState(null, '', '#');
      closeEditor();
      toast('This note was deleted');
    }
    return;
  }
  if (latest.rev > ed.rev) {
    if (ed.dirty) {
      ed.conflict = { note: latest };
    } else {
      state.editor = editorFromNote(latest);
      fillEditor({ keepCaret: true });
    }
  }
}

let refreshTimer = 0;
function scheduleRefresh() {
  // Coalesce bursts (someone typing fast produces a save every ~second).
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    loadNotes().catch((err) => toast(`Couldn’t refresh notes: ${err.message}`, 'error'));
  }, 150);
}

let socket = null;
let retries = 0;
let reconnectTimer = 0;
let everConnected = false;

function setLive(stateName, label) {
  ui.live.dataset.state = stateName;
  ui.liveLabel.textContent = label;
  ui.live.title = `Live updates: ${label.toLowerCase()}`;
}

function connectLive() {
  clearTimeout(reconnectTimer);
  // Relative to the page, with the scheme swapped: ws: for http:, wss: for https:.
  const url = new URL('api/live', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  socket = new WebSocket(url);
  socket.addEventListener('open', () => {
    retries = 0;
    setLive('online', 'Live');
    // Anything that changed while we were disconnected was missed: reload.
    if (everConnected) scheduleRefresh();
    everConnected = true;
    // The server is reachable again: retry a save that failed meanwhile.
    const ed = state.editor;
    if (ed && ed.failed) {
      ed.failed = false;
      save();
    }
  });
  socket.addEventListener('message', (event) => {
    let msg;
    try {
      msg = JSON.parse(event.data);
    } catch {
      return;
    }
    if (msg.type === 'changed') scheduleRefresh();
  });
  socket.addEventListener('close', () => {
    socket = null;
    setLive('offline', 'Reconnecting…');
    // Exponential backoff with jitter, capped at 30 s.
    const delay = Math.min(30_000, 500 * 2 ** retries) * (0.75 + Math.random() / 2);
    retries++;
    reconnectTimer = setTimeout(connectLive, delay);
  });
}

// ---- navigation ------------------------------------------------------------------------------

function routeFromHash() {
  const m = /^#\/(.+)$/.exec(location.hash);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

function hashFor(ed) {
  if (!ed) return '#';
  return ed.id ? `#/${ed.id}` : '#/new';
}

let routeSeq = 0;

/** Opens whatever the URL hash points at, saving the current note first. */
async function route({ focus = null } = {}) {
  const seq = ++routeSeq;
  const target = routeFromHash();
  const current = state.editor;
  if (current && (target === current.id || (target === 'new' && !current.id))) return;

  if (current && !(await flush())) {
    const leave = await ask('This note has changes that could not be saved. Leave it anyway?', 'Discard changes', { danger: true });
    if (!leave) {
      history.replaceState(null, '', hashFor(current));
      return;
    }
  }
  if (seq !== routeSeq) return; // another navigation happened meanwhile

  if (target === 'new' && state.canEdit) {
    openEditor(newDraft(), { focus: 'title' });
  } else if (target && target !== 'new') {
    const note = state.notes.find((n) => n.id === target);
    if (note) {
      openEditor(editorFromNote(note), { focus });
    } else {
      if (state.loaded) toast('That note doesn’t exist (it may have been deleted)');
      history.replaceState(null, '', '#');
      closeEditor();
    }
  } else {
    if (target === 'new') history.replaceState(null, '', '#');
    closeEditor();
  }
}

function navigate(hash, { replace = false, focus = null } = {}) {
  if (location.hash === hash || (hash === '#' && !location.hash)) {
    return route({ focus });
  }
  // fromList marks entries pushed while the list was showing, so the editor's
  // Back button can simply pop them. pushState/replaceState don't fire
  // popstate, so route explicitly.
  history[replace ? 'replaceState' : 'pushState']({ fromList: !replace && !state.editor }, '', hash);
  return route({ focus });
}

function closeEditor() {
  clearTimeout(saveTimer);
  state.editor = null;
  renderPane();
  renderList();
}

function goBackToList() {
  const id = state.editor && state.editor.id;
  // If we got here from the list, pop that history entry so Back/forward stay sensible.
  if (history.state && history.state.fromList) history.back();
  else navigate('#', { replace: true });
  if (!isNarrow()) focusListItem(id);
}

function newNote() {
  if (!state.canEdit) return;
  if (state.editor && !state.editor.id && !state.editor.dirty) {
    ui.title.focus();
    return;
  }
  navigate('#/new');
}

async function deleteCurrent() {
  const ed = state.editor;
  if (!ed || !state.canEdit) return;
  if (!ed.id) {
    // Never saved: nothing to delete on the server.
    ed.dirty = false;
    navigate('#', { replace: true });
    return;
  }
  const ok = await ask(`Delete “${displayTitle(ed.title)}”? This can’t be undone.`, 'Delete', { danger: true });
  if (!ok) return;
  clearTimeout(saveTimer);
  try {
    await api('DELETE', noteUrl(ed.id));
  } catch (err) {
    if (err.status !== 404) {
      toast(`Couldn’t delete: ${err.message}`, 'error');
      return;
    }
  }
  state.notes = state.notes.filter((n) => n.id !== ed.id);
  ed.dirty = false;
  history.replaceState(null, '', '#');
  closeEditor();
  toast('Note deleted');
  if (!isNarrow()) focusListItem(null);
}

async function importFile(file) {
  if (file.size > IMPORT_MAX_BYTES) {
    toast('That file is too large to import (40 MiB at most).', 'error');
    return;
  }
  try {
    const text = await file.text();
    const result = await api('POST', 'api/import', text, { rawBody: true });
    const parts = [`${result.added} added`, `${result.updated} updated`];
    if (result.unchanged) parts.push(`${result.unchanged} already up to date`);
    toast(`Import finished: ${parts.join(', ')}.`);
    await loadNotes();
  } catch (err) {
    toast(`Import failed: ${err.message}`, 'error');
  }
}

// ---- events ------------------------------------------------------------------------------------

function isTyping(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function onGlobalKeydown(event) {
  if (document.querySelector('dialog[open]')) return; // dialogs handle their own keys
  const mod = (event.ctrlKey || event.metaKey) && !event.altKey;
  const key = event.key.toLowerCase();

  if (mod && key === 's') {
    event.preventDefault();
    save();
    return;
  }
  if (mod && key === 'e' && state.editor && state.canEdit) {
    event.preventDefault();
    setMode(state.mode === 'edit' ? 'preview' : 'edit');
    return;
  }
  if (event.key === 'Escape') {
    if (event.target === ui.search) {
      if (ui.search.value) {
        ui.search.value = '';
        state.query = '';
        renderList();
      } else {
        ui.search.blur();
      }
    } else if (state.editor && ui.editor.contains(event.target)) {
      save();
      if (isNarrow()) goBackToList();
      else focusListItem(state.editor.id);
    }
    return;
  }
  if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === '/') {
    event.preventDefault();
    ui.search.focus();
    ui.search.select();
  } else if (key === 'n' && state.canEdit) {
    event.preventDefault();
    newNote();
  } else if (event.key === '?') {
    event.preventDefault();
    ui.helpDialog.showModal();
  }
}

function onListKeydown(event) {
  const buttons = [...ui.list.querySelectorAll('.note-item')];
  const index = buttons.indexOf(document.activeElement);
  if (index === -1) return;
  let next = null;
  if (event.key === 'ArrowDown' || event.key === 'j') next = buttons[index + 1];
  else if (event.key === 'ArrowUp' || event.key === 'k') next = buttons[index - 1];
  else if (event.key === 'Home') next = buttons[0];
  else if (event.key === 'End') next = buttons[buttons.length - 1];
  else if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    // Enter means "I want to work on this one": open it and move into the editor.
    navigate(`#/${buttons[index].dataset.id}`, { focus: 'body' }).then(() => {
      const target = state.canEdit && state.mode === 'edit' ? ui.body : ui.title;
      target.focus();
    });
    return;
  }
  if (!next) return;
  event.preventDefault();
  for (const b of buttons) b.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
  next.scrollIntoView({ block: 'nearest' });
  // Selection follows focus on wide screens, like a mail client. On phones
  // opening a note hides the list, so arrows only move focus there.
  if (!isNarrow()) navigate(`#/${next.dataset.id}`, { replace: true });
}

function setMode(mode) {
  state.mode = mode;
  renderMode();
  if (mode === 'edit') ui.body.focus();
}

function bindEvents() {
  document.addEventListener('keydown', onGlobalKeydown);
  window.addEventListener('popstate', () => route());

  ui.search.addEventListener('input', () => {
    state.query = ui.search.value;
    state.showAll = false;
    renderList();
  });
  ui.search.addEventListener('keydown', (event) => {
    const first = ui.list.querySelector('.note-item');
    if (event.key === 'ArrowDown' && first) {
      event.preventDefault();
      focusListItem(first.dataset.id);
    } else if (event.key === 'Enter' && first) {
      event.preventDefault();
      navigate(`#/${first.dataset.id}`, { focus: 'body' });
    }
  });

  ui.list.addEventListener('click', (event) => {
    const button = event.target.closest('.note-item');
    if (!button) return;
    // Opening a note from the list on a phone moves into the editor.
    navigate(`#/${button.dataset.id}`, { focus: isNarrow() ? 'title' : null });
  });
  ui.list.addEventListener('keydown', onListKeydown);

  ui.newNote.addEventListener('click', newNote);
  ui.emptyNew.addEventListener('click', newNote);
  ui.back.addEventListener('click', goBackToList);
  ui.deleteNote.addEventListener('click', deleteCurrent);
  ui.modeEdit.addEventListener('click', () => setMode('edit'));
  ui.modePreview.addEventListener('click', () => setMode('preview'));
  ui.conflictTheirs.addEventListener('click', () => resolveConflict(false));
  ui.conflictMine.addEventListener('click', () => resolveConflict(true));
  ui.helpButton.addEventListener('click', () => ui.helpDialog.showModal());

  ui.title.addEventListener('input', () => {
    if (!state.editor) return;
    // Titles are one line; pasted line breaks become spaces (as on the server).
    if (/[\r\n]/.test(ui.title.value)) {
      const caret = ui.title.selectionStart;
      ui.title.value = ui.title.value.replace(/\r\n?|\n/g, ' ');
      ui.title.setSelectionRange(caret, caret);
    }
    fitTitle();
    state.editor.title = ui.title.value;
    markDirty();
  });
  ui.title.addEventListener('keydown', (event) => {
    // Enter in the title moves on to the text, like most notes apps.
    if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      if (state.mode === 'edit' && state.canEdit) ui.body.focus();
    }
  });
  ui.body.addEventListener('input', () => {
    if (!state.editor) return;
    state.editor.body = ui.body.value;
    markDirty();
  });
  // Leaving a field saves right away instead of waiting for the timer.
  ui.title.addEventListener('blur', () => save());
  ui.body.addEventListener('blur', () => save());

  ui.importButton.addEventListener('click', () => ui.importFile.click());
  ui.importFile.addEventListener('change', () => {
    const [file] = ui.importFile.files;
    ui.importFile.value = '';
    if (file) importFile(file);
  });

  window.addEventListener('beforeunload', (event) => {
    const ed = state.editor;
    if (ed && (ed.dirty || ed.saving)) {
      save();
      event.preventDefault();
      event.returnValue = '';
    }
  });

  // When the tab comes back: reconnect straight away instead of waiting out
  // the backoff, and reload in case updates were missed while hidden.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    if (!socket) {
      retries = 0;
      connectLive();
    }
    if (state.loaded) scheduleRefresh();
  });

  window.addEventListener('resize', () => {
    if (state.editor) fitTitle();
  });

  // Keep "5 minutes ago" labels honest.
  setInterval(() => {
    renderList();
    if (state.editor) renderMeta();
  }, 60_000);
}

async function main() {
  bindEvents();
  connectLive();
  try {
    state.me = await api('GET', 'api/whoami');
    state.canEdit = state.me.permissions.includes('edit');
    renderIdentity();
    await loadNotes();
  } catch (err) {
    state.loaded = true;
    renderPane();
    ui.emptyTitle.textContent = 'Couldn’t load your notes';
    ui.emptySub.textContent = err.message;
    ui.emptyNew.hidden = true;
    return;
  }
  // No autofocus: focus in the search box would swallow single-key shortcuts (N, /, ?).
  await route();
}

main();
